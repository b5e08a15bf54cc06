/** What is at an offset: the reference or definition under the cursor. One place, used by every navigation feature. */
import type { Definition, FileModel, Reference } from './types';

export type Target = { type: 'reference'; item: Reference } | { type: 'definition'; item: Definition };

export function targetAt(model: FileModel, offset: number): Target | undefined {
  // References are inside definitions' entries, so look at them first; spans are small, so the innermost wins.
  let best: Reference | undefined;
  for (const ref of model.references) {
    if (ref.span.start <= offset && offset <= ref.span.end && (!best || ref.span.end - ref.span.start < best.span.end - best.span.start)) best = ref;
  }
  if (best) return { type: 'reference', item: best };
  for (const def of model.definitions) {
    if (def.span.start <= offset && offset <= def.span.end) return { type: 'definition', item: def };
  }
  return undefined;
}
