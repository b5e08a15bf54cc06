/**
 * Fixtures for service tests, written as a story: several files in one string, `//- /path` starting each file, and
 * `$0` marking the cursor. Expectations sit next to the input in the test.
 */
import { createLanguageService } from '../server/src/service';
import type { LanguageService } from '../server/src/service';
import type { DiagnosticCode } from '../server/src/service/codes';
import type { Position } from 'vscode-languageserver-types';

export interface Fixture {
  service: LanguageService;
  /** uri of each file by path. */
  uris: Record<string, string>;
  /** Where `$0` was, when there was one. */
  cursor?: { uri: string; position: Position; offset: number };
  /** Position of the first occurrence of `needle` in a file (after the cursor marker is removed). */
  at(path: string, needle: string, delta?: number): Position;
  text(path: string): string;
}

export function uriOf(path: string): string {
  return `file:///ws${path}`;
}

export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function fixture(source: string): Fixture {
  const service = createLanguageService();
  const files = new Map<string, string>();
  const parts = source.split(/^\/\/- (\S+)\n/m);
  if (parts.length === 1) files.set('/bot/main.bot.yaml', dedent(source));
  for (let i = 1; i < parts.length; i += 2) files.set(parts[i], dedent(parts[i + 1]));
  const uris: Record<string, string> = {};
  let cursor: Fixture['cursor'];
  for (const [path, raw] of files) {
    const offset = raw.indexOf('$0');
    const text = offset === -1 ? raw : raw.slice(0, offset) + raw.slice(offset + 2);
    files.set(path, text);
    uris[path] = uriOf(path);
    if (offset !== -1) cursor = { uri: uriOf(path), position: positionOf(text, offset), offset };
    service.setFile(uriOf(path), text, 1);
  }
  return {
    service,
    uris,
    cursor,
    text: (path) => files.get(path)!,
    at(path, needle, delta = 0) {
      const text = files.get(path)!;
      const offset = text.indexOf(needle);
      if (offset === -1) throw new Error(`${needle} not in ${path}`);
      return positionOf(text, offset + delta);
    },
  };
}

/** Removes the common indentation, so fixtures can be indented with the test code. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

/**
 * Diagnostics of a file as `line:col code` strings (1-based), for compact expectations; only `codes` when given (typed,
 * so that a misspelt code is a compile error rather than a filter that never matches).
 */
export function problems(service: LanguageService, uri: string, codes?: DiagnosticCode[]): string[] {
  return service
    .getDiagnostics(uri)
    .filter((d) => !codes || codes.includes(d.code as DiagnosticCode))
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`);
}

/** A seeded random number generator (mulberry32): the same seed gives the same numbers in [0, 1), so a failure repeats. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
