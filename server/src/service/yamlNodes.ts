/**
 * yaml's node type guards, read once. The bundle reaches a CommonJS package's exports through getters (esbuild's
 * interop keeps them live), so each \`isNode(...)\` was a getter call first: on the keystroke path, which walks every
 * YAML node after an edit, that was about 1.7 ms of an edit near the top of the issue-3 training file.
 */
import * as yaml from 'yaml';

export const { isCollection, isMap, isNode, isPair, isScalar, isSeq } = yaml;
