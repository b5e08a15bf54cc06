/**
 * Keys written twice in one YAML map (`duplicate-key`): two `say:` in a node, `en:` twice in a message, the same intent
 * twice under `on:`, a second `slots:` section.
 *
 * The parser runs with `uniqueKeys` off (its check is quadratic, parse.ts), and YAML readers disagree on such a map:
 * Botmaster's model reads the first copy of a setting (and every copy of a section), a plain `toJS` (the schema
 * check) the last, and most YAML loaders refuse the file. So each copy gets an error. Maps whose keys are ids
 * (intents, flows, nodes, entity values...) are left to the index, which reports ids defined twice across the bot as
 * `duplicate-id`.
 */
import type { Pair } from 'yaml';
import { isMap, isSeq, keyOf } from './yamlNodes';
import type { Problem } from './types';

/** The top-level sections whose keys are ids. */
const ID_SECTIONS = new Set(['intents', 'entities', 'slots', 'responses', 'flows']);
/** The maps of ids inside an entry of a section: a flow's nodes, an entity's values. */
const ID_MAPS_IN_ENTRY: Record<string, string> = { flows: 'nodes', entities: 'values' };

/** A small map is compared pair by pair; a larger one through a hash map. */
const PAIRWISE_MAX = 8;

/** The duplicate keys of a whole file (its root map). */
export function duplicateKeysOfFile(root: unknown): Problem[] {
  const problems: Problem[] = [];
  if (!isMap(root)) {
    walk(root, problems);
    return problems;
  }
  check(root.items, problems);
  for (const pair of root.items) {
    const section = keyOf(pair);
    if (section !== undefined && ID_SECTIONS.has(section) && isMap(pair.value)) duplicateKeysOfEntries(section, pair.value.items, problems);
    else walk(pair.value, problems);
  }
  return problems;
}

/** The duplicate keys inside some entries of a section (each entry's own key is an id: the index checks those). */
export function duplicateKeysOfEntries(section: string, entries: readonly Pair[], problems: Problem[] = []): Problem[] {
  const idMap = ID_MAPS_IN_ENTRY[section];
  for (const entry of entries) {
    const value = entry.value;
    if (!isMap(value)) {
      walk(value, problems);
      continue;
    }
    check(value.items, problems);
    for (const pair of value.items) {
      if (idMap !== undefined && keyOf(pair) === idMap && isMap(pair.value)) {
        for (const inner of pair.value.items) walk(inner.value, problems);
      } else walk(pair.value, problems);
    }
  }
  return problems;
}

function walk(node: unknown, problems: Problem[]): void {
  if (isMap(node)) {
    check(node.items, problems);
    for (const pair of node.items) walk(pair.value, problems);
  } else if (isSeq(node)) {
    for (const item of node.items) walk(item, problems);
  }
}

function check(pairs: readonly Pair[], problems: Problem[]): void {
  if (pairs.length < 2) return;
  if (pairs.length <= PAIRWISE_MAX && !hasDuplicatePair(pairs)) return;
  const copies = new Map<string, Pair[]>();
  for (const pair of pairs) {
    const key = keyOf(pair);
    if (key === undefined) continue;
    const list = copies.get(key);
    if (list) list.push(pair);
    else copies.set(key, [pair]);
  }
  for (const [key, list] of copies) if (list.length > 1) report(key, list, problems);
}

function hasDuplicatePair(pairs: readonly Pair[]): boolean {
  for (let i = 1; i < pairs.length; i++) {
    const key = keyOf(pairs[i]);
    if (key === undefined) continue;
    for (let j = 0; j < i; j++) if (keyOf(pairs[j]) === key) return true;
  }
  return false;
}

/** One problem on each copy of the key. */
function report(key: string, copies: readonly Pair[], problems: Problem[]): void {
  for (const pair of copies) {
    const range = (pair.key as { range?: [number, number, number] }).range;
    if (!range) continue;
    problems.push({
      code: 'duplicate-key',
      message: `The key \`${key}\` is written ${copies.length} times in this map. YAML allows each key once, and tools differ on which copy they keep (many refuse the file). Keep one, or merge them into one.`,
      span: { start: range[0], end: range[1] },
    });
  }
}
