/**
 * Moving the positions of a parsed document after an edit, the entries' insides only when first read.
 *
 * A keystroke near the top of a big file moves every position after it. The incremental re-parse (incremental.ts)
 * needs only the sections' and entries' own ranges and their keys: those move at once. The inside of each entry after
 * the edit (its value, with every node in it) is given a pending move instead, which adds up over the edits that go on
 * before it. Whatever reads positions inside an entry settles it first: `settle(doc, node)` for one entry's value on a
 * walk down to the cursor, `settle(doc)` for the whole document (`documentOf` does, so the features, the checks and the
 * simulator only ever see settled documents), and the model builder for each entry it walks again (model.ts).
 *
 * On the issue-3 bot's 1.45 MB training file, moving every node after an edit near the top took 5 ms of the keystroke
 * (a CPU profile of 80 such edits); an intent reused from the file's last version reads only its key (model.ts).
 */
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { isCollection, isMap, isNode, isPair } from './yamlNodes';

/** Per document, the entry values whose positions still lag behind the text, and by how much. */
const pending = new WeakMap<Document, Map<YamlNode, number>>();

/**
 * Adds `delta` to every position at or after `from` in `doc` (the old document, the edit's chunk ending at `from`).
 * The entries of block sections that lie wholly after `from` keep their insides for later; `skip` (the entry being
 * replaced) is left as it is.
 */
export function shiftDocument(doc: Document, from: number, delta: number, skip?: Pair): void {
  if (doc.range) moveRange(doc.range, from, delta);
  const root = doc.contents;
  if (!isMap(root) || root.flow) {
    shiftNode(root, from, delta);
    return;
  }
  if (root.range) moveRange(root.range, from, delta);
  let later = pending.get(doc);
  for (const section of root.items as Pair<YamlNode | null, YamlNode | null>[]) {
    const value = section.value;
    if (endOf(section.key) < from && endOf(value) < from) continue;
    shiftNode(section.key, from, delta);
    if (!isMap(value) || value.flow) {
      shiftNode(value, from, delta);
      continue;
    }
    if (value.range) moveRange(value.range, from, delta);
    for (const entry of (value as YAMLMap<YamlNode | null, YamlNode | null>).items) {
      if (entry === skip || (endOf(entry.value) < from && endOf(entry.key) < from)) continue;
      const key = entry.key;
      const inside = entry.value;
      if (!isNode(key) || !key.range || key.range[0] < from || !isCollection(inside)) {
        settle(doc, inside);
        shiftNode(key, from, delta);
        shiftNode(inside, from, delta);
        continue;
      }
      shiftNode(key, from, delta);
      if (!later) pending.set(doc, (later = new Map()));
      // Typing then deleting before an entry leaves it where it was.
      const total = (later.get(inside) ?? 0) + delta;
      if (total === 0) later.delete(inside);
      else later.set(inside, total);
    }
  }
}

/** Forgets the pending move of an entry value taken out of its document (an edit replaced its entry). */
export function dropPending(doc: Document, node: unknown): void {
  if (isNode(node)) pending.get(doc)?.delete(node);
}

/** Brings one entry value's positions (`node`), or every position of the document, up to date with its text. */
export function settle(doc: Document | null | undefined, node?: unknown): void {
  const later = doc && pending.get(doc);
  if (!later) return;
  if (node !== undefined) {
    if (!isNode(node)) return;
    const delta = later.get(node);
    if (delta === undefined) return;
    later.delete(node);
    shiftNode(node, 0, delta);
  } else {
    for (const [inside, delta] of later) shiftNode(inside, 0, delta);
    later.clear();
  }
  if (later.size === 0) pending.delete(doc);
}

/** Whether a document has positions not moved yet (for tests). */
export function hasPendingShifts(doc: Document | null | undefined): boolean {
  return !!doc && pending.has(doc);
}

/** Adds `delta` to every range position at or after `from` in a node and everything in it. */
export function shiftNode(node: unknown, from: number, delta: number): void {
  if (!isNode(node)) return;
  const range = node.range;
  if (range) {
    if (range[2] < from) return;
    moveRange(range, from, delta);
  }
  if (isCollection(node)) {
    for (const item of node.items) {
      if (isPair(item)) {
        shiftNode(item.key, from, delta);
        shiftNode(item.value, from, delta);
      } else shiftNode(item, from, delta);
    }
  }
}

function moveRange(range: [number, number, number], from: number, delta: number): void {
  for (let i = 0; i < 3; i++) if (range[i] >= from) range[i] += delta;
}

/** Where a node ends, comments and blank lines after it included (-1 without a node or a range). */
function endOf(node: unknown): number {
  return isNode(node) && node.range ? node.range[2] : -1;
}
