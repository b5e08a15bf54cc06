/** A small seeded pseudo-random generator (mulberry32), so that conversations and training are repeatable. */
export type Random = () => number;

const GOLDEN = 0x6d2b79f5;

/** The number in [0, 1) that the generator gives at `state`. */
export function randomAt(state: number): number {
  let t = state >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** The state after `state`. Keeping the state as a number makes it easy to save and restore (undo). */
export function nextState(state: number): number {
  return (state + GOLDEN) >>> 0;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => randomAt((state = nextState(state)));
}
