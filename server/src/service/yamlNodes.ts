/**
 * yaml's node type guards, read once. The bundle reaches a CommonJS package's exports through getters (esbuild's
 * interop keeps them live), so each \`isNode(...)\` was a getter call first: on the keystroke path, which walks every
 * YAML node after an edit, that was about 1.7 ms of an edit near the top of the issue-3 training file.
 */
import * as yaml from 'yaml';
import type { Pair } from 'yaml';

export const { isCollection, isMap, isNode, isPair, isScalar, isSeq } = yaml;

/** A map entry's key as text (a number key too); undefined for an empty or a non-scalar key. */
export function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) && pair.key.value !== null ? String(pair.key.value) : undefined;
}
