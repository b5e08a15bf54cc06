/**
 * Gives memory back to the system once the server has been idle for a while: an ordinary full garbage collection,
 * then one that compacts every page of the old generation, and a few seconds later one more ordinary one, at which V8
 * shrinks the young generation (\`settleMs\`).
 *
 * Why: typing in a big file replaces thousands of objects at each keystroke (moved positions, index entries,
 * diagnostics), and what survives a few edits ends up scattered over the old generation's pages. V8 frees a page only
 * when nothing on it lives, and its own collections (even the memory reducer's, some 30 s into a pause) compact only
 * the emptiest pages. On the issue-3 bench, after indexing, its checks and the edits, the old generation held 339 MB
 * of pages for 185 MB of live objects, and the server's RSS stayed at 467–489 MB. One compacting collection brings
 * the old generation to its live size; the freed pages go back to the system within a second or so.
 *
 * It costs a pause of half a second or more (530–630 ms on that bot, in-process), so it runs once per idle period,
 * only after `idleMs` without any work, and only when the old generation grew by `minGrowthBytes` since the last
 * compaction (a hover or two between pauses does not make it run again).
 *
 * V8's `gc()` and its compact-on-every-full-GC flag are turned on for the call and the flag off again
 * (`v8.setFlagsFromString`: Node lets flags change at run time; `--expose-gc` makes `gc` in new contexts).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

export interface CompactionResult {
  /** The old generation's size before and after, in bytes. */
  before: number;
  after: number;
  /** How long the collection took. */
  ms: number;
  /** The young generation's size (its semi-spaces) before and after, in bytes. */
  young: { before: number; after: number };
}

/** The old generation: the size of its pages and what they hold (live objects and garbage not yet swept). */
export function oldSpace(): { size: number; used: number } {
  return spaceSize('old_space');
}

function spaceSize(name: string): { size: number; used: number } {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === name);
  return { size: space?.space_size ?? 0, used: space?.space_used_size ?? 0 };
}

let collect: (() => void) | undefined;

/** One full collection, as V8 does it (compacting only its emptiest pages). */
export function collectGarbage(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

/** One full collection that compacts every page of the old generation. */
export function compactHeap(): CompactionResult {
  const before = oldSpace().size;
  const youngBefore = spaceSize('new_space').size;
  const started = performance.now();
  v8.setFlagsFromString('--compact-on-every-full-gc');
  try {
    collectGarbage();
  } finally {
    v8.setFlagsFromString('--no-compact-on-every-full-gc');
  }
  return { before, after: oldSpace().size, ms: performance.now() - started, young: { before: youngBefore, after: spaceSize('new_space').size } };
}

export interface IdleCompactorOptions {
  /** How long the server must have done nothing. */
  idleMs: number;
  /** How much the old generation's pages must have grown since the last compaction (from none: its whole size). */
  minGrowthBytes: number;
  /** Whether work is waiting (diagnostics to publish, checks to run): then it is not idle. */
  busy: () => boolean;
  onCompacted: (result: CompactionResult) => void;
  /** How long after the ordinary collection the compaction runs (V8 unmaps the pages it freed in the background). */
  releaseMs?: number;
  /**
   * How long after the compaction one more ordinary collection runs, if the server is still idle: V8 shrinks the young
   * generation at a full collection only when little was allocated in the last 5 s or so, which the compaction,
   * 1.5 s after the first collection, does not always see (its 64 MB then stayed: RSS once idle 454 MB instead of 395).
   */
  settleMs?: number;
  /** Told after that collection, with the young generation's size before and after it, in bytes. */
  onSettled?: (young: { before: number; after: number }) => void;
}

/**
 * Watches for idle periods: `activity()` is called whenever the server works (a message from the editor, a slice of
 * checks, a publish). Once `idleMs` passed without any, and nothing is waiting, the heap is compacted if enough of it
 * is free; then not again until after the next activity.
 */
export function idleCompactor(options: IdleCompactorOptions): { activity(): void; stop(): void } {
  let lastActivity = Date.now();
  let compactedSince = false;
  /** Whether the first, ordinary collection of this idle period ran (the compaction comes a moment later). */
  let collected = false;
  /** The old generation's size after the last compaction. */
  let compactedSize = 0;
  let timer: NodeJS.Timeout | undefined;
  /** Turned off (`stop`): activity no longer starts the wait. */
  let stopped = false;
  /** Whether the collection after the compaction is to come (\`settleMs\`). */
  let settling = false;
  const check = () => {
    timer = undefined;
    if (settling) {
      settling = false;
      // (Work since the compaction cancelled this collection: see \`activity\`.)
      if (!options.busy()) {
        const before = spaceSize('new_space').size;
        collectGarbage();
        options.onSettled?.({ before, after: spaceSize('new_space').size });
      }
      return;
    }
    if (compactedSince) return;
    const idleFor = Date.now() - lastActivity;
    if (idleFor < options.idleMs || options.busy()) {
      collected = false;
      arm(Math.max(options.idleMs - idleFor, 1000));
      return;
    }
    // (The old generation can be smaller than after the last compaction: V8 gives back pages too. That is no growth.)
    if (Math.max(0, oldSpace().size - compactedSize) < options.minGrowthBytes) {
      compactedSince = true;
      return;
    }
    if (!collected) {
      // An ordinary collection first, and a moment for V8 to give back the pages it frees (the old versions of an
      // edited file's text, 3 MB each, in the large-object space; the young generation): a compaction copies every
      // live object before it frees the pages they were on, so RSS peaks at what it holds then plus the live heap.
      collectGarbage();
      collected = true;
      arm(options.releaseMs ?? 1500);
      return;
    }
    compactedSince = true;
    collected = false;
    const result = compactHeap();
    compactedSize = result.after;
    options.onCompacted(result);
    settling = true;
    arm(options.settleMs ?? 6000);
  };
  const arm = (ms: number) => {
    timer = setTimeout(check, ms);
    timer.unref(); // never what keeps the process alive
  };
  arm(options.idleMs);
  return {
    activity() {
      if (stopped) return;
      lastActivity = Date.now();
      compactedSince = false;
      collected = false;
      if (settling) {
        settling = false;
        clearTimeout(timer);
        timer = undefined;
      }
      if (!timer) arm(options.idleMs);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
