/**
 * Where the cursor is in the YAML structure, also in half-typed files: the path of the map or list it is in, whether it
 * types a key or a value, and the word being typed. The structure comes from `yaml`'s tree; the current line's own text
 * (which may not parse yet) decides key or value.
 */
import { isMap, isScalar, isSeq } from './yamlNodes';
import type { Node as YamlNode } from 'yaml';
import { documentAsIs } from './documents';
import { settle } from './shifts';
import type { FileModel, Span } from './types';

export interface CursorContext {
  /** Path of the map or list that holds the cursor's entry. */
  container: string[];
  /** 'key': typing a key of `container`; 'value': typing the value of `key`; 'item': typing a list item of `container`. */
  at: 'key' | 'value' | 'item';
  key?: string;
  /** The word being typed, to be replaced by a completion. */
  word: Span;
  /** Text of the value typed so far on this line (for values), up to the cursor. */
  valueBefore: string;
  /** The column where keys of `container` start (for snippets). */
  indent: number;
  /** Keys already present in the container. */
  siblings: string[];
}

const WORD = /[A-Za-z0-9_.\-]/;

export function cursorContext(model: FileModel, offset: number): CursorContext {
  const text = model.text;
  const line = model.lines.lineOf(offset);
  const lineStart = model.lines.lineStarts[line];
  const before = text.slice(lineStart, offset);
  const m = /^(\s*)((?:-\s+)*)(.*)$/s.exec(before)!; // `s`: a lone \r or \u2028 in the line is part of it (LineMap breaks lines at \n only)
  const indent = m[1].length + m[2].length;
  const dash = m[2].length > 0;
  const content = m[3];
  const keyMatch = /^("[^"]*"|'[^']*'|[^\s:#"'][^:#]*?)\s*:(?:\s+(.*))?$/s.exec(content);

  let wordStart = offset;
  while (wordStart > lineStart && WORD.test(text[wordStart - 1])) wordStart--;
  let wordEnd = offset;
  while (wordEnd < text.length && WORD.test(text[wordEnd])) wordEnd++;
  const word = { start: wordStart, end: wordEnd };

  const { path, node } = containerAt(model, lineStart, indent, dash);
  const siblings = isMap(node) ? node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter(Boolean) : [];
  if (keyMatch && (keyMatch[2] !== undefined || content.endsWith(':'))) {
    const key = keyMatch[1].replace(/^["']|["']$/g, '');
    return { container: path, at: 'value', key, word, valueBefore: keyMatch[2] ?? '', indent, siblings };
  }
  if (isSeq(node) || (dash && !isMap(node) && path.length > 0 && node === undefined)) {
    return { container: path, at: 'item', word, valueBefore: content, indent, siblings: [] };
  }
  return { container: path, at: 'key', word, valueBefore: '', indent, siblings };
}

function columnOf(model: FileModel, offset: number): number {
  return offset - model.lines.lineStarts[model.lines.lineOf(offset)];
}

/** Descend from the root through entries that start on earlier lines and are indented less than the cursor. */
function containerAt(model: FileModel, lineStart: number, indent: number, dash: boolean): { path: string[]; node: unknown } {
  const path: string[] = [];
  // Only the entries on the way down are brought up to date with the text (shifts.ts): completion follows each keystroke.
  const doc = documentAsIs(model);
  let node: unknown = doc?.contents ?? undefined;
  for (let depth = 0; depth < 200; depth++) {
    if (isMap(node)) {
      let last: { key: string; value: unknown; column: number } | undefined;
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        if (!isScalar(keyNode) || !keyNode.range || keyNode.range[0] >= lineStart) continue;
        last = { key: String(keyNode.value), value: pair.value, column: columnOf(model, keyNode.range[0]) };
      }
      if (!last || last.column >= indent) return { path, node };
      settle(doc, last.value);
      const value = last.value as YamlNode | null;
      const empty = value === null || (isScalar(value) && (value.value === null || (value.range != null && value.range[0] >= lineStart)));
      if (!empty && !isMap(value) && !isSeq(value)) {
        // A scalar value that started on an earlier line: the cursor continues it (a multi-line text).
        return { path, node };
      }
      path.push(last.key);
      if (empty) return { path, node: undefined };
      node = value;
    } else if (isSeq(node)) {
      let lastIndex = -1;
      let lastColumn = -1;
      node.items.forEach((item, i) => {
        const range = (item as YamlNode | null)?.range;
        if (range && range[0] < lineStart) {
          lastIndex = i;
          lastColumn = columnOf(model, range[0]);
        }
      });
      if (dash && (lastIndex === -1 || lastColumn >= indent - 2)) {
        // A new item typed on this line.
        path.push(String(lastIndex + 1));
        return { path, node: undefined };
      }
      if (lastIndex === -1 || lastColumn > indent) return { path, node };
      path.push(String(lastIndex));
      node = node.items[lastIndex];
      if (!isMap(node) && !isSeq(node)) return { path, node: undefined };
    } else {
      return { path, node };
    }
  }
  return { path, node };
}
