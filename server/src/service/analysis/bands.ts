/**
 * A confusable index's build (confusables.ts) with two threads: the thread that builds the index and, where the host
 * gives one (host/bandHelper.ts, on a machine with a second core), a helper thread (bandsThread.ts). The helper first
 * sketches the entries while the builder numbers their trigrams (\`sketchForBuilder\`). Then the band pass: each
 * band's entries sorted into buckets, and every pair of a bucket that can reach the threshold compared. Bands are
 * independent of each other: both threads take them in turn from a counter in shared memory (\`BandPass\`,
 * \`helpWithBands\`), each keeps its own best matches, and the builder merges them. An entry's best match is its most
 * similar entry in another intent, the lowest-numbered one of equals: the same whichever thread found it, in
 * whatever order. Without a helper, the builder does all of it with the same code.
 */
import { BANDS, BINS, FILTER_AT, FILTER_NUMBERS, KEYS_AT, mix, rowOf, ROWS, SketchTable } from './sketch';

/** The fields of an entry's record in \`ConfusableIndex.info\` (16 numbers, 64 bytes: one cache line). */
export const START = 0;
export const SIZE = 1;
export const INTENT = 2;
export const SEEN = 3;
/**
 * Then the high 16 bits of its band keys, two per number (BANDS/2 numbers): enough to tell whether a pair shares an
 * earlier band (a pair that does not is taken for one that does 1 time in 65,536 per band), and what a lookup after an
 * edit searches the bands' orders by; the whole keys are in \`BandJob.keys\` while the index is built.
 */
export const SHORT_KEYS = 4;
/**
 * Then its filter: the low 4 bits of each of its BINS sketch values, 8 per number. A candidate pair's filters are
 * compared before its trigrams: the pair shares the ROWS values of one band, and each other value is equal with
 * probability J + (1 - J)/16. Too few equal values for the threshold and the pair is dropped unverified. Most
 * candidates are far below the threshold (the issue-3 bot: 1.1 million of its 1.8 million candidate pairs are under
 * 50 % similar, 60,000 reach 85 %): the filter leaves 310,000, where a verification marks and reads some 50
 * trigrams per pair.
 */
export const FILTER = SHORT_KEYS + BANDS / 2;
export const RECORD = 16; // so BANDS (sketch.ts) is at most 10
/** Examples with fewer trigrams ("hi", "ok") are never reported: a short word is not a confusable sentence. */
export const MIN_TRIGRAMS = 3;
/** Floating-point slack for \`t·n\` when t is a decimal like 0.85. */
export const EPS = 1e-9;
/** Candidate comparisons between two pauses of a generator: a few milliseconds of work. */
export const WORK_PER_STEP = 30_000;
/** The filter values of a pair that can differ: those outside the band that made it a candidate. */
const FREE = BINS - ROWS;
/** The share of pairs at the threshold the filter may drop: each is dropped with probability at most 1 in 1,000. */
const FILTER_MISS = 1e-3;
/** The 16-bit groups of a band's keys. */
const GROUPS = 65536;

/**
 * The numbers of \`BandJob.control\` (shared by both jobs of a helper): the next band to take, how many bands are
 * finished, 1 once the helper failed; then, while the builder adds its entries, how many have their trigrams and
 * records written, how many trigrams have their tokens in \`SketchJob.tokens\`, how many entries the helper sketched
 * (from the first on), and 1 once it should stop sketching.
 */
const NEXT = 0;
const FINISHED = 1;
const FAILED = 2;
const NUMBERED = 3;
const TRIGRAMS = 4;
const SKETCHED = 5;
const STOP = 6;
export const CONTROL_LENGTH = 7;
/** How long a helper waits for the builder's next entries before it takes the builder for gone. */
const BUILDER_GONE_MS = 30_000;

/**
 * A helper's first job, sent when a build starts: sketch the entries as the builder numbers their trigrams (each
 * entry's band keys and filter, \`writeSketch\`), so that the builder only numbers them. The helper makes the
 * trigrams' rows itself from their tokens.
 */
export interface SketchJob {
  kind: 'sketch';
  info: Int32Array;
  pool: Uint16Array | Int32Array;
  keys: Int32Array;
  capacity: number;
  count: number;
  /** The trigrams' tokens, by number (\`trigramOf\` in confusables.ts): a build with more trigrams sketches the rest itself. */
  tokens: Int32Array;
  control: Int32Array;
}

/**
 * What a band pass reads (shared memory when a helper takes part; the builder wrote it all before the pass), and
 * where the helper writes.
 */
export interface BandJob {
  kind: 'bands';
  /** The entries' records (\`RECORD\` numbers each), their trigrams, and their band keys (\`keys[band·capacity + entry]\`). */
  info: Int32Array;
  pool: Uint16Array | Int32Array;
  keys: Int32Array;
  capacity: number;
  /** The entries. */
  count: number;
  /** The index's trigrams (the marks of a verification are one per trigram). */
  trigrams: number;
  threshold: number;
  /** The entries by trigram count, and those counts (\`bySizeOf\`). */
  bySize: Int32Array;
  sizes: Uint16Array;
  /** Each band's entries in bucket order, band after band (\`count\` each): a pass writes the bands it takes. */
  orders: Int32Array;
  /** The counters (\`CONTROL_LENGTH\` numbers, all 0 at the start). */
  control: Int32Array;
  /** The helper's best match per entry (-1: none) and its similarity. */
  best: Int32Array;
  similarity: Float64Array;
  /**
   * The helper's pairs of equal trigram sets, which it cannot tell from duplicates (it has no texts; the builder
   * checks them): their number at 0, then the two entries of each. A helper with more than fit fails.
   */
  equal: Int32Array;
}

/** What the host gives a build: a helper thread for one build (a sketch job, then a band job), or none. */
export interface BandHelper {
  /** Sends a job: the helper sketches entries as they come; then it takes bands until none is left, and ends. */
  run(job: SketchJob | BandJob): void;
  /** Stops the helper (after the pass, or when the builder gave up on it). */
  close(): void;
}

/** Marks a pass's helper as failed (its results are not used; the builder does its bands again). */
export function helperFailed(control: Int32Array): void {
  Atomics.store(control, FAILED, 1);
  Atomics.notify(control, FINISHED);
  Atomics.notify(control, SKETCHED);
}

/**
 * The band keys of an entry's sketch (\`SketchTable.sketch\`), into \`out\`. A short example gets keys of its own, so
 * it is never compared: spread like the others' (a build groups its entries by the keys' high half, and thousands of
 * "yes" and "hi" in one group would be compared with each other for nothing).
 */
export function bandKeysOf(sketch: Int32Array, size: number, id: number, out: Int32Array): Int32Array {
  for (let band = 0; band < BANDS; band++) out[band] = size < MIN_TRIGRAMS ? mix(id + Math.imul(band, 0x9e3779b9)) : sketch[KEYS_AT + band];
  return out;
}

/**
 * Writes what an entry's sketch gives: its band keys (into \`keys\` while the index is built, else \`keys\` is empty)
 * with their high halves in its record, and its filter. The band keys are also left in \`bandKeys\`.
 */
export function writeSketch(info: Int32Array, keys: Int32Array, capacity: number, id: number, size: number, sketch: Int32Array, bandKeys: Int32Array): void {
  const record = id * RECORD;
  bandKeysOf(sketch, size, id, bandKeys);
  const building = keys.length > 0;
  for (let band = 0; band < BANDS; band += 2) {
    if (building) {
      keys[band * capacity + id] = bandKeys[band];
      keys[(band + 1) * capacity + id] = bandKeys[band + 1];
    }
    info[record + SHORT_KEYS + (band >> 1)] = (bandKeys[band] >>> 16) | (bandKeys[band + 1] & 0xffff0000);
  }
  for (let i = 0; i < FILTER_NUMBERS; i++) info[record + FILTER + i] = sketch[FILTER_AT + i];
}

/** The builder's side of a sketch job: \`count\` entries are numbered, with \`trigrams\` tokens given (the helper is woken). */
export function entriesNumbered(control: Int32Array, count: number, trigrams: number): void {
  Atomics.store(control, TRIGRAMS, trigrams);
  Atomics.store(control, NUMBERED, count);
  Atomics.notify(control, NUMBERED);
}

/**
 * The helper is to stop sketching: the builder sketches the rest (a trigram past \`SketchJob.tokens\`, its pool grown
 * to 32 bits, or the helper stalled). Told before any entry the helper could not sketch is counted as numbered.
 */
export function stopSketching(control: Int32Array): void {
  Atomics.store(control, STOP, 1);
}

/** How many entries the helper sketched, from the first on (it may have done more). */
export function entriesSketched(control: Int32Array): number {
  return Atomics.load(control, SKETCHED);
}

/** Whether the helper sketches no more: told to stop, or failed. */
export function sketchingStopped(control: Int32Array): boolean {
  return Atomics.load(control, STOP) !== 0 || Atomics.load(control, FAILED) !== 0;
}

/**
 * The helper's side of a sketch job: each entry once the builder has numbered it, until all are sketched or it is
 * told to stop. If it throws, the builder is told (\`helperFailed\`) and sketches the rest itself.
 */
export function sketchForBuilder(job: SketchJob): void {
  const { info, pool, keys, capacity, count, tokens, control } = job;
  try {
    inSharedMemory(info, pool, keys, tokens);
    const table = new SketchTable();
    const row = new Int32Array(BINS);
    const bandKeys = new Int32Array(BANDS);
    let rows = 0;
    let waitingSince = 0;
    for (let id = 0; id < count; ) {
      const numbered = Atomics.load(control, NUMBERED);
      // After NUMBERED: an entry the helper cannot sketch is counted only once STOP is told.
      if (Atomics.load(control, STOP) !== 0 || Atomics.load(control, FAILED) !== 0) return;
      if (id >= numbered) {
        // A builder that numbers nothing for this long was dropped without being ended: the thread goes.
        if (waitingSince === 0) waitingSince = Date.now();
        else if (Date.now() - waitingSince > BUILDER_GONE_MS) return;
        Atomics.wait(control, NUMBERED, numbered, 1);
        continue;
      }
      waitingSince = 0;
      for (const trigrams = Atomics.load(control, TRIGRAMS); rows < trigrams; rows++) {
        rowOf(tokens[rows], row);
        table.addRow(rows, row);
      }
      for (; id < numbered; id++) {
        const start = info[id * RECORD + START];
        const size = info[id * RECORD + SIZE];
        writeSketch(info, keys, capacity, id, size, table.sketch(pool, start, start + size), bandKeys);
        if ((id & 1023) === 1023) {
          Atomics.store(control, SKETCHED, id + 1);
          Atomics.notify(control, SKETCHED);
        }
      }
      Atomics.store(control, SKETCHED, id);
      Atomics.notify(control, SKETCHED);
    }
  } catch {
    helperFailed(control);
  }
}

/** The entries by trigram count, then entry (a counting sort), and their counts in that order (at most 65,535). */
export function bySizeOf(info: Int32Array, count: number, order: Int32Array, sizes: Uint16Array): void {
  let largest = 0;
  for (let id = 0; id < count; id++) largest = Math.max(largest, info[id * RECORD + SIZE]);
  const counts = new Int32Array(largest + 2);
  for (let id = 0; id < count; id++) counts[info[id * RECORD + SIZE] + 1]++;
  for (let i = 1; i < counts.length; i++) counts[i] += counts[i - 1];
  for (let id = 0; id < count; id++) {
    const size = info[id * RECORD + SIZE];
    const at = counts[size]++;
    order[at] = id;
    sizes[at] = Math.min(size, 0xffff);
  }
}

/**
 * One thread's share of a band pass: the bands it takes, with its own marks and best matches. \`sameWords\` tells
 * whether two entries have the same normalised text (a duplicate, not a confusable example); without it (the helper)
 * such pairs go to \`job.equal\` for the builder.
 */
export class BandPass {
  private readonly ends = new Int32Array(GROUPS + 1);
  private readonly lows: Int32Array;
  private readonly marks: Int32Array;
  private stamp = 0;
  /** How many of two filters' values may differ for the pair to be verified (\`FILTER\`). */
  private readonly differing: number;
  /** The bands this pass took. */
  readonly taken: number[] = [];

  constructor(
    private readonly job: BandJob,
    private readonly best: Int32Array,
    private readonly similarity: Float64Array,
    private readonly sameWords?: (x: number, y: number) => boolean,
  ) {
    this.lows = new Int32Array(job.count);
    this.marks = new Int32Array(job.trigrams);
    this.differing = FREE - filterNeeds(FREE, job.threshold);
  }

  /** The next band nobody took yet, now this pass's, or -1. */
  take(): number {
    const band = Atomics.add(this.job.control, NEXT, 1);
    if (band >= BANDS) return -1;
    this.taken.push(band);
    return band;
  }

  /**
   * Sorts a band's entries into \`order\` (\`job.orders\`'s part for the band, or a new array): grouped by the high 16
   * bits of their key, by size within a group (a counting sort of \`job.bySize\`). Then each entry's key's low 16 bits
   * and its trigram count, in that order, in \`lows\`: a bucket is the entries of a group with the same low half (a
   * group holds about three entries of different keys), and the sizes end a bucket's pairs, without reading the
   * entries' records.
   */
  sort(band: number, order: Int32Array): Int32Array {
    const { count, capacity, bySize, sizes } = this.job;
    const keys = this.job.keys.subarray(band * capacity, band * capacity + count);
    const ends = this.ends;
    const lows = this.lows;
    // ends[g] counts group g - 1's entries, then holds where group g starts, then (once every entry is placed) ends.
    ends.fill(0);
    for (let id = 0; id < count; id++) ends[(keys[id] >>> 16) + 1]++;
    for (let i = 1; i <= GROUPS; i++) ends[i] += ends[i - 1];
    for (let i = 0; i < count; i++) {
      const id = bySize[i];
      const key = keys[id];
      const to = ends[key >>> 16]++;
      order[to] = id;
      lows[to] = (key << 16) | sizes[i];
    }
    return order;
  }

  /**
   * Compares the pairs of the band's buckets (\`sort\` just sorted it into \`order\`), group after group from \`group\`,
   * until about \`WORK_PER_STEP\` candidates were looked at; returns the next group (\`GROUPS\`: the band is done).
   * Pairs already in one bucket of an earlier band are skipped, by the keys' high halves in the records: the band's
   * order is read in sequence, and each entry's record once per bucket.
   */
  compare(order: Int32Array, band: number, group: number): number {
    const ends = this.ends;
    let work = 0;
    for (let from = group === 0 ? 0 : ends[group - 1]; group < GROUPS; group++) {
      const to = ends[group];
      if (to - from > 1) work += this.compareGroup(order, from, to, band);
      from = to;
      if (work > WORK_PER_STEP) return group + 1;
    }
    return GROUPS;
  }

  /** The whole band at once (the helper, which need not pause). */
  compareAll(order: Int32Array, band: number): void {
    for (let group = 0; group < GROUPS; ) group = this.compare(order, band, group);
  }

  /** A band is done: counted, and the builder woken if it waits. */
  finish(): void {
    Atomics.add(this.job.control, FINISHED, 1);
    Atomics.notify(this.job.control, FINISHED);
  }

  /**
   * The pairs of each bucket in one group of a band (entries \`order[from..to)\`, by size) whose sizes can reach the
   * threshold and whose filters agree enough, except those already in one bucket of an earlier band. Returns the
   * work done.
   */
  private compareGroup(order: Int32Array, from: number, to: number, band: number): number {
    const { info, pool, threshold: t } = this.job;
    const lows = this.lows;
    const marks = this.marks;
    const differing = this.differing;
    let work = 1;
    for (let a = from; a < to - 1; a++) {
      const low = lows[a];
      const xSize = low & 0xffff;
      if (xSize < MIN_TRIGRAMS) continue;
      const largest = xSize / t + EPS;
      // The records are read only for a pair of one bucket whose sizes can reach the threshold.
      let x = -1;
      let xRecord = 0;
      let stamp = 0;
      for (let b = a + 1; b < to; b++) {
        const other = lows[b];
        if ((other & 0xffff) > largest) break; // the group goes by size
        if ((other ^ low) >>> 16 !== 0) continue; // another bucket of the group
        if (x === -1) {
          x = order[a];
          xRecord = x * RECORD;
        }
        const y = order[b];
        const yRecord = y * RECORD;
        work++;
        // The filter first: it drops most pairs, the earlier bands' check few.
        if (info[yRecord + INTENT] === info[xRecord + INTENT] || differingNibbles(info, xRecord, yRecord) > differing) continue;
        let earlier = false;
        for (let other = 0; other < band; other++) {
          const at = SHORT_KEYS + (other >> 1);
          if ((((info[xRecord + at] ^ info[yRecord + at]) >>> (16 * (other & 1))) & 0xffff) === 0) {
            earlier = true;
            break;
          }
        }
        if (earlier) continue;
        if (stamp === 0) {
          stamp = ++this.stamp;
          for (let i = info[xRecord + START], end = i + info[xRecord + SIZE]; i < end; i++) marks[pool[i]] = stamp;
        }
        const similarity = similarityAtLeast(pool, marks, stamp, info[xRecord + SIZE], info[yRecord + START], info[yRecord + SIZE], t);
        if (similarity < 0) continue;
        if (similarity === 1) {
          // The same trigrams: maybe the same words, a duplicate example and not a confusable one.
          if (!this.sameWords) {
            this.putAside(x, y);
            continue;
          }
          if (this.sameWords(x, y)) continue;
        }
        keepBest(this.best, this.similarity, x, y, similarity);
      }
    }
    return work;
  }

  /** A pair of equal trigram sets, for the builder to check (\`job.equal\`). */
  private putAside(x: number, y: number): void {
    const equal = this.job.equal;
    const n = equal[0];
    if (2 * n + 3 > equal.length) throw new Error('too many examples with the same trigrams');
    equal[2 * n + 1] = x;
    equal[2 * n + 2] = y;
    equal[0] = n + 1;
  }
}

/**
 * The helper's side of a band pass (the helper thread runs it on the job it is sent): bands until none is left. If
 * it throws, the pass is marked failed and the builder does the helper's bands itself.
 */
export function helpWithBands(job: BandJob): void {
  try {
    inSharedMemory(job.info, job.pool, job.keys, job.bySize, job.sizes, job.orders, job.best, job.similarity, job.equal);
    const pass = new BandPass(job, job.best, job.similarity);
    for (let band = pass.take(); band >= 0 && Atomics.load(job.control, FAILED) === 0; band = pass.take()) {
      const order = pass.sort(band, job.orders.subarray(band * job.count, (band + 1) * job.count));
      pass.compareAll(order, band);
      pass.finish();
    }
  } catch {
    helperFailed(job.control);
  }
}

/** Throws unless every array is a view of shared memory (a copy would be read as it was sent, or written for nothing). */
function inSharedMemory(...arrays: ArrayBufferView[]): void {
  if (!arrays.every((array) => array.buffer instanceof SharedArrayBuffer)) throw new Error('a helper needs shared memory');
}

/** Whether the helper failed, and how many bands are finished. */
export function helperState(control: Int32Array): { failed: boolean; finished: number } {
  return { failed: Atomics.load(control, FAILED) !== 0, finished: Atomics.load(control, FINISHED) };
}

/**
 * The builder waits for its helper until \`done\` says so, in sleeps of at most 2 ms between pauses of the generator.
 * A helper whose count (entries sketched or bands finished) stands still for \`stallMs\` is marked failed.
 */
export function* awaitHelper(control: Int32Array, count: 'sketched' | 'finished', done: () => boolean, stallMs: number): Generator<void, void, void> {
  const at = count === 'sketched' ? SKETCHED : FINISHED;
  let seen = Atomics.load(control, at);
  let since = Date.now();
  while (!done()) {
    Atomics.wait(control, at, seen, 2);
    yield;
    const now = Atomics.load(control, at);
    if (now !== seen) {
      seen = now;
      since = Date.now();
    } else if (Date.now() - since > stallMs) helperFailed(control);
  }
}

/**
 * Keeps y as x's best match and x as y's if more similar than theirs, or as similar and lower-numbered: the best
 * match does not depend on the order pairs are found in (bands, threads, edits).
 */
export function keepBest(best: Int32Array, similarities: Float64Array, x: number, y: number, similarity: number): void {
  const sx = similarities[x];
  if (similarity > sx || (similarity === sx && y < best[x])) {
    similarities[x] = similarity;
    best[x] = y;
  }
  const sy = similarities[y];
  if (similarity > sy || (similarity === sy && x < best[y])) {
    similarities[y] = similarity;
    best[y] = x;
  }
}

/** How many filter values of two records differ (8 per number: a nibble of their xor is 0 where they are equal). */
export function differingNibbles(info: Int32Array, a: number, b: number): number {
  let differing = 0;
  for (let i = FILTER, end = FILTER + FILTER_NUMBERS; i < end; i++) differing += nonzeroNibbles(info[a + i] ^ info[b + i]);
  return differing;
}

function nonzeroNibbles(v: number): number {
  let t = v | (v >>> 1);
  t = (t | (t >>> 2)) & 0x11111111; // bit 4i: nibble i is not 0
  return Math.imul(t, 0x11111111) >>> 28; // their sum, gathered in the top nibble
}

/**
 * The number of equal values, out of \`free\` filter values a pair at the threshold shares each with probability
 * p = t + (1 - t)/16, below which at most \`FILTER_MISS\` of such pairs fall (a binomial tail); 0 when the threshold is
 * too low for the filter to tell anything.
 */
export function filterNeeds(free: number, t: number): number {
  const p = t + (1 - t) / 16;
  if (p >= 1) return free;
  let below = 0; // P(X < k)
  let term = (1 - p) ** free; // P(X = k)
  for (let k = 0; k <= free; k++) {
    if (below + term > FILTER_MISS) return k;
    below += term;
    term *= ((free - k) / (k + 1)) * (p / (1 - p));
  }
  return free;
}

/** How many filter values a candidate pair may differ in at threshold \`t\`. */
export function filterDiffering(t: number): number {
  return FREE - filterNeeds(FREE, t);
}

/**
 * The Jaccard index of x (its trigrams marked with \`stamp\`) and the run of the pool at b, or -1 as soon as it cannot
 * reach \`t\`: it needs an overlap of ⌈t/(1+t)·(|a|+|b|)⌉, so the count stops once too many trigrams of b were missed.
 */
export function similarityAtLeast(pool: Uint16Array | Int32Array, marks: Int32Array, stamp: number, aSize: number, b: number, bSize: number, t: number): number {
  const total = aSize + bSize;
  const needed = Math.ceil((t / (1 + t)) * total - EPS);
  let slack = bSize - needed;
  let shared = 0;
  for (let i = b, end = b + bSize; i < end; i++) {
    if (marks[pool[i]] === stamp) shared++;
    else if (--slack < 0) return -1;
  }
  if (shared < needed) return -1;
  const similarity = shared / (total - shared);
  return similarity < t - EPS ? -1 : similarity;
}
