/**
 * Re-parsing only what an edit touched. A full parse of an 800 KB file takes about 250 ms; an edit inside one entry
 * of a section (one intent, one flow…) re-parses that entry alone, splices it into the previous document and shifts
 * the positions after it. Any doubt (the edit crosses entries, the old or new text has errors, aliases, flow-style
 * sections, a change of indentation) falls back to a full parse, so the result is always what a full parse would give.
 */
import { parseDocument } from 'yaml';
import { isMap, isScalar } from './yamlNodes';
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { dropPending, shiftDocument, shiftNode } from './shifts';
import { LineMap } from './lines';
import { findDeepNesting, type ParsedText } from './parse';
import type { Problem, Span } from './types';

export interface Splice {
  parsed: ParsedText;
  /** The old text's chunk [start, end) that was replaced, and how much longer the new text is. */
  oldChunk: Span;
  delta: number;
  /** The section (`intents`, `flows`…) and the new entries parsed from the chunk. */
  section: string;
  entries: Pair[];
}

/** Files below this size are simply parsed again: it costs less than 20 ms. */
export const INCREMENTAL_MIN_CHARS = 50_000;

export function reparseIncrementally(oldText: string, oldParsed: ParsedText, newText: string): Splice | undefined {
  const doc = oldParsed.doc;
  if (!doc || newText.length < INCREMENTAL_MIN_CHARS || doc.errors.length > 0 || doc.warnings.length > 0 || oldParsed.problems.length > 0) return undefined;
  const root = doc.contents;
  if (!isMap(root) || root.flow) return undefined;

  // The changed region: common prefix and suffix of the two texts.
  const { start: a, oldEnd, delta } = changedWindow(oldText, newText);

  // The section and entry whose lines hold the whole change.
  const sections = root.items as Pair<YamlNode, YamlNode | null>[];
  for (let s = 0; s < sections.length; s++) {
    const section = sections[s];
    const sectionMap = section.value;
    if (!isMap(sectionMap) || sectionMap.flow || !isScalar(section.key)) continue;
    const entries = sectionMap.items as Pair<YamlNode, YamlNode | null>[];
    const sectionEnd = s + 1 < sections.length ? lineStartOf(oldText, keyStart(sections[s + 1])) : oldText.length;
    for (let e = 0; e < entries.length; e++) {
      const start = lineStartOf(oldText, keyStart(entries[e]));
      const end = e + 1 < entries.length ? lineStartOf(oldText, keyStart(entries[e + 1])) : sectionEnd;
      if (a < start || oldEnd > end || start >= end) continue;
      // The edit must not touch the entry's first line before its key (its indentation).
      if (a < keyStart(entries[e])) return undefined;
      return splice(doc, oldParsed.lines, newText, { start, end }, delta, sectionMap, e, String(section.key.value));
    }
  }
  return undefined;
}

/** Where two texts differ: the old text's [start, oldEnd) became the new text's [start, oldEnd + delta). */
export interface ChangedWindow {
  start: number;
  oldEnd: number;
  delta: number;
}

let lastWindow: { a: string; b: string; window: ChangedWindow } | undefined;

/**
 * The window two texts differ in, from their common prefix and suffix. The last answer is kept: each keystroke asks
 * it twice for the same two versions (the incremental parse, then the bot-wide problems moved with the text), and on
 * the issue-3 bot's 1.45 MB training file the second time cost 2 ms (CPU profile through LSP).
 */
export function changedWindow(a: string, b: string): ChangedWindow {
  if (lastWindow && lastWindow.a === a && lastWindow.b === b) return lastWindow.window;
  const start = commonPrefix(a, b);
  const window = { start, oldEnd: a.length - commonSuffix(a, b, start), delta: b.length - a.length };
  lastWindow = { a, b, window };
  return window;
}

/**
 * The length of the common prefix, by binary search on slices: comparing two equal strings is a memory compare in V8,
 * about a hundred times faster than a loop over characters on a megabyte of text.
 */
function commonPrefix(a: string, b: string): number {
  let lo = 0;
  let hi = Math.min(a.length, b.length);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(lo, mid) === b.slice(lo, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The length of the common suffix that does not overlap the first `prefix` characters of either text. */
function commonSuffix(a: string, b: string, prefix: number): number {
  let lo = 0;
  let hi = Math.min(a.length, b.length) - prefix;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(a.length - mid, a.length - lo) === b.slice(b.length - mid, b.length - lo)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function keyStart(pair: Pair<YamlNode, YamlNode | null>): number {
  return (pair.key as YamlNode).range?.[0] ?? -1;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * A copy of part of a text that does not keep the text alive. In V8 a \`slice\` of a long string is a view into it, and
 * every scalar parsed from the chunk is a view into that view: the intents built from an edit outlive the version of
 * the file they were typed in (a record is reused while its entry is unchanged), and each kept its whole version alive
 * (29 versions of the issue-3 bot's 2.9 MB training file, 81 MB, after the bench's 54 edits; a heap snapshot). A cons
 * string is flattened into a new string when sliced, so the result is a view into a copy of the chunk alone.
 */
function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1); // V8 copies slices under 13 characters anyway
}

function splice(doc: Document.Parsed, lines: LineMap, newText: string, chunk: Span, delta: number, sectionMap: YAMLMap, index: number, section: string): Splice | undefined {
  const chunkText = detached(newText.slice(chunk.start, chunk.end + delta));
  if (/(^|[\s[{,])[&*]\S/.test(chunkText) || findDeepNesting(chunkText)) return undefined; // anchors and aliases reach across entries
  const column = keyStart(sectionMap.items[index] as Pair<YamlNode, YamlNode | null>) - chunk.start;
  const part = parseDocument(chunkText, { prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
  if (part.errors.length > 0 || part.warnings.length > 0) return undefined;
  const partRoot = part.contents;
  if (!isMap(partRoot) || partRoot.flow || partRoot.items.length === 0) return undefined;
  const newEntries = partRoot.items as Pair<YamlNode, YamlNode | null>[];
  for (const pair of newEntries) {
    const start = keyStart(pair);
    if (!isScalar(pair.key) || start < 0 || start - lineStartOf(chunkText, start) !== column) return undefined;
  }
  // The chunk is good: shift the old document's positions after the chunk (shifts.ts), then the new entries into place.
  const replaced = sectionMap.items[index] as Pair;
  shiftDocument(doc, chunk.end, delta, replaced);
  dropPending(doc, replaced.value);
  for (const pair of newEntries) {
    shiftNode(pair.key, 0, chunk.start);
    shiftNode(pair.value, 0, chunk.start);
  }
  sectionMap.items.splice(index, 1, ...newEntries);
  const parsed: ParsedText = { lines: lines.spliced(newText, chunk, delta), doc, problems: [] };
  return { parsed, oldChunk: chunk, delta, section, entries: newEntries };
}

/** Problems of the old text outside the replaced chunk, moved to the new positions; those inside are dropped. */
export function carryOver(problems: Problem[], chunk: Span, delta: number): Problem[] {
  const kept: Problem[] = [];
  for (const p of problems) {
    if (p.span.end > chunk.start && p.span.start < chunk.end) continue;
    if (p.span.start >= chunk.end) kept.push({ ...p, span: { start: p.span.start + delta, end: p.span.end + delta } });
    else kept.push(p);
  }
  return kept;
}
