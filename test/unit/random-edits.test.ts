/**
 * Random edits of the example bots, each followed by every feature at random places: nothing throws, and every range
 * the service gives lies inside the text. Seeded, so a failure repeats. A session's fuzz (a larger version of this, run
 * for thousands of edits) found an endless loop in the condition tokenizer, a completion that threw on a lone \r, and
 * positions a line off after a broken scalar; this keeps a short run of it in the suite.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Position, Range } from 'vscode-languageserver-types';
import { createLanguageService, RenameError } from '../../server/src/service';
import { seededRandom } from '../fixture';

const ROOT = path.resolve(__dirname, '../../..');

/** Bits of YAML and of the bot format, and characters that tokenizers and regular expressions trip on. */
const SNIPPETS = [':', ': ', '- ', '{', '}', '[', ']', '"', "'", '\n', '  ', '#', '{name}', '{', '|', '>', '&a ', '*a', '? ', 'goto: ', 'on:', 'say: ', 'en: ', 'if: a == ', 'and', '@', '§', '\t', '\r', '\u2028', 'é', '😀', '\u0000', '[x](product:phone)', '<speak>', '${', '\\'];

function botFiles(bot: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of (fs.readdirSync(path.join(ROOT, bot), { recursive: true }) as string[]).sort()) {
    if (name.endsWith('.bot.yaml')) files.set(`file:///ws/${bot}/${name}`, fs.readFileSync(path.join(ROOT, bot, name), 'utf8'));
  }
  return files;
}

function edit(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const kind = r();
  if (kind < 0.55) return text.slice(0, at) + SNIPPETS[Math.floor(r() * SNIPPETS.length)] + text.slice(at);
  if (kind < 0.85) return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 30));
  // A line written twice.
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const end = text.indexOf('\n', at);
  const line = text.slice(start, end === -1 ? text.length : end + 1);
  return text.slice(0, start) + line + (line.endsWith('\n') ? '' : '\n') + text.slice(start);
}

describe('random edits of the example bots, every feature after each', () => {
  for (const [bot, seed] of [
    ['examples/support', 1],
    ['examples/broken', 2],
    ['examples/voicebot', 3],
  ] as const) {
    it(`${bot}: nothing throws, every range lies inside its text (seed ${seed})`, function () {
      this.timeout(120_000);
      const r = seededRandom(seed);
      const service = createLanguageService();
      const files = botFiles(bot);
      for (const [uri, text] of files) service.setFile(uri, text, 1);
      const uris = [...files.keys()];
      let version = 1;
      let calls = 0;
      for (let step = 0; step < 150; step++) {
        const uri = uris[Math.floor(r() * uris.length)];
        const before = files.get(uri)!;
        const text = edit(before, r);
        files.set(uri, text);
        service.setFile(uri, text, ++version);
        const lines = text.split('\n');
        const where = `${uri} after edit ${step}`;
        const inside = (range: Range | undefined, what: string) => {
          if (!range) return;
          const ok = (p: Position) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
          assert.ok(ok(range.start) && ok(range.end), `${what} at ${JSON.stringify(range)}, ${where}`);
        };
        if (step % 10 === 9) service.runChecks('checks');
        const diagnostics = service.getDiagnostics(uri);
        for (const d of diagnostics) inside(d.range, `diagnostic ${d.code}`);
        for (let k = 0; k < 2; k++) {
          const line = Math.floor(r() * lines.length);
          const position = { line, character: Math.floor(r() * (lines[line].length + 1)) };
          calls++;
          for (const item of service.getCompletions(uri, position).items) if (item.textEdit && 'range' in item.textEdit) inside(item.textEdit.range, `completion ${item.label}`);
          inside(service.getHover(uri, position)?.range, 'hover');
          for (const l of service.getDefinition(uri, position)) if (l.uri === uri) inside(l.range, 'definition');
          for (const l of service.getReferences(uri, position)) if (l.uri === uri) inside(l.range, 'reference');
          const here = diagnostics.filter((d) => d.range.start.line <= line && line <= d.range.end.line);
          for (const action of service.getCodeActions(uri, here)) for (const e of action.edit?.changes?.[uri] ?? []) inside(e.range, `fix ${action.title}`);
          try {
            const prepared = service.prepareRename(uri, position);
            if (prepared) inside('range' in prepared ? prepared.range : undefined, 'prepareRename');
            if (prepared) service.rename(uri, position, 'x_renamed');
          } catch (e) {
            if (!(e instanceof RenameError)) throw e;
          }
        }
        for (const lens of service.getCodeLenses(uri)) inside(lens.range, 'code lens');
        service.getDocumentSymbols(uri);
        if (r() < 0.2) {
          files.set(uri, before);
          service.setFile(uri, before, ++version);
        }
      }
      service.runChecks('checks');
      service.runChecks('heavy');
      assert.ok(calls >= 300, `${calls} places asked`);
    });
  }
});
