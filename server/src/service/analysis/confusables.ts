/**
 * Confusable examples: nearly the same training example in two intents. Similarity is the Jaccard index of the
 * examples' character trigrams (after the same normalisation as duplicates). Candidate pairs come from MinHash
 * locality-sensitive hashing with banding (Leskovec, Rajaraman and Ullman, "Mining of Massive Datasets", ch. 3), then
 * a candidate whose 50 MinHash values agree enough for the threshold (4 bits of each, see \`FILTER\`; a pair at the
 * threshold passes with probability 0.999) is verified exactly, stopping as soon as the pair cannot reach the
 * threshold. With 10 bands of 5 rows, a pair at 85 % similarity becomes a candidate with probability 0.997, one at 50 %
 * with 0.27, one at 20 % with 0.003: the work grows with the number of examples, not with its square. The 50 MinHash
 * values of an example are the minima of its trigrams' rows of values (see \`trigramOf\`), taken four at a time by a
 * WebAssembly SIMD kernel (sketch.ts).
 * (Tried and dropped: one-permutation hashing with densification, whose bins on short sentences are mostly copies, so
 * every sentence with "please" fell in one bucket; and exact prefix filtering, which on bots with many examples per
 * topic compares every pair of a topic: 150 s on the issue-3 bot.)
 *
 * The index is kept per bot and updated after an edit: the examples of a changed file are compared with the file's
 * previous examples, and only the new ones (and the examples whose best match went away) are looked up again.
 */
import type { Problem, Span } from '../types';
import type { Bot, Workspace } from '../workspace';
import { BotContext } from './context';
import type { Report } from './context';
import { matchesFromWorker, prefetch, workerReady } from './confusablesWorker';
import { examplesOf } from './intents';
import type { ExampleText } from './intents';
import {
  awaitHelper,
  bandKeysOf,
  bySizeOf,
  BandPass,
  CONTROL_LENGTH,
  differingNibbles,
  entriesNumbered,
  entriesSketched,
  EPS,
  filterDiffering,
  helperFailed,
  helperState,
  INTENT,
  keepBest,
  MIN_TRIGRAMS,
  RECORD,
  SEEN,
  SHORT_KEYS,
  similarityAtLeast,
  SIZE,
  sketchingStopped,
  START,
  stopSketching,
  writeSketch,
} from './bands';
import type { BandHelper, BandJob, SketchJob } from './bands';
import { BANDS, BINS, mix, rowOf, SketchTable, SMALL } from './sketch';

export const DEFAULT_SIMILARITY = 0.85;

/**
 * The character trigrams of ` text `, as numbers, unsorted and with repeats: three Latin-1 characters are packed
 * exactly into 24 bits (so common text has no collisions at all); other trigrams are hashed to a negative number.
 * Never 0.
 */
export function trigramTokens(normalized: string): Int32Array {
  const padded = ` ${normalized} `;
  const tokens = new Int32Array(Math.max(0, padded.length - 2));
  for (let i = 0; i + 3 <= padded.length; i++) {
    const a = padded.charCodeAt(i);
    const b = padded.charCodeAt(i + 1);
    const c = padded.charCodeAt(i + 2);
    tokens[i] = (a | b | c) < 256 ? (a << 16) | (b << 8) | c : mix(a + Math.imul(b, 0x9e3779b1) + Math.imul(c, 0x85ebca77)) | 0x80000000;
  }
  return tokens;
}

/** The Jaccard index of two sorted sets of numbers without repeats. */
export function jaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const total = a.length + b.length;
  const aEnd = a.length;
  const bEnd = b.length;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < aEnd && j < bEnd) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared / (total - shared);
}

export type { ExampleText } from './intents';
export { filterNeeds } from './bands';

/** How builds share their work with a helper thread (\`setBandHelpers\`). */
interface Helpers {
  start: () => BandHelper | undefined;
  /** A build of at least this many entries has a helper: below, the pass takes less time than starting a thread. */
  from: number;
  /** A helper that makes no progress (entries sketched, bands finished) for this long is given up on: the builder does its share. */
  stallMs: number;
}

let helpers: Helpers | undefined;

/**
 * How builds get a helper thread, to sketch their entries and take half of their band pass (\`BandHelper\`;
 * host/bandHelper.ts), or undefined: none. The options are for tests.
 */
export function setBandHelpers(start: (() => BandHelper | undefined) | undefined, options: { from?: number; stallMs?: number } = {}): void {
  helpers = start && { start, from: options.from ?? 10_000, stallMs: options.stallMs ?? 5_000 };
}

/**
 * The confusable examples of one language of a bot: the examples, their trigrams, the LSH buckets, and each example's
 * best match. Updated in place after edits.
 *
 * The buckets are kept as each band's entries sorted by (the high 16 bits of the band key, trigram count, entry): a
 * bucket is the entries with its key in a run of that order, found by binary search. Sorting 200,000 keys per band (a
 * counting sort) costs much less than filling a \`Map\` with 2 million one-entry lists. The build then compares the
 * pairs of each bucket, band after band; entries added by edits go into a small \`Map\` until the next build.
 */
export class ConfusableIndex {
  /** The examples, by entry number (an entry keeps its number while the example stays the same). */
  readonly examples: ExampleText[] = [];
  /**
   * Per entry, what the inner loop reads, side by side in one record (one cache line, not six): where its trigrams
   * are in the pool, how many, its intent (a number; -1 once the entry left the bot), the stamp of the last lookup
   * that saw it, its band keys and its filter. Then, apart: its most similar example in another intent (an entry number, -1: none
   * at or above the threshold) and that similarity.
   */
  private info: Int32Array = new Int32Array(RECORD * 1024);
  private bestOf = new Int32Array(1024);
  /**
   * While the index is built, the entries' band keys, band after band (\`keys[band·capacity + entry]\`); empty once it
   * is built (8 MB on the issue-3 bot): a lookup reads the high half of each key in the records, and computes the
   * whole keys of the few entries it meets again from their trigrams (\`keysOf\`).
   */
  private keys: Int32Array = new Int32Array(0);
  /** The band keys of the entries added after the build. */
  private readonly recentKeys = new Map<number, Int32Array>();
  /** The band keys of the example last added (\`add\`) or looked at (\`keysOf\`). */
  private readonly bandKeys = new Int32Array(BANDS);
  private similarityOf = new Float64Array(1024);
  /**
   * Every entry's trigrams (their numbers, see \`trigramOf\`), without repeats, one after the other: 16 bits each while
   * the index has at most 65,536 trigrams (a bot in one language has a few thousand), else 32.
   */
  private pool: Uint16Array | Int32Array = new Uint16Array(1 << 16);
  private poolEnd = 0;
  /**
   * Per band, when built: the entries sorted by (high 16 bits of the key, trigram count, entry). Within a bucket the
   * entries go by size, so a lookup stops where sizes can no longer match. (The build also has their keys in that
   * order, for reading them in sequence; a lookup reads their high halves in the records.)
   */
  private bands: Int32Array[] = [];
  /** Entries added after the build: band key (band mixed in) → entries. */
  private readonly recent = new Map<number, number[]>();
  private readonly intentIds = new Map<string, number>();
  /** The intent of the example last added, and its number (an intent's examples come one after the other). */
  private lastIntent = '';
  private lastIntentId = -1;
  /** The entries of each file. */
  private readonly byFile = new Map<string, number[]>();
  private stamp = 0;
  /** Other trigrams (24-bit Latin-1 code or hash, never 0) → their number (\`trigramOf\`): open addressing, 0 is empty. */
  private table = new Int32Array(1 << 14);
  private numbers = new Int32Array(1 << 14);
  private trigrams = 0;
  /** Per trigram number: the stamp of the last example that marked it (\`add\` and \`query\`). */
  private marks = new Int32Array(1 << 13).fill(-1);
  /** Each trigram's sketch values, by bin (\`trigramOf\`), and the sketches of examples. */
  private readonly sketches = new SketchTable();
  private readonly row = new Int32Array(BINS);
  dead = 0;
  /** Entries added since the build (in `recent`). */
  added = 0;

  /** How many of two filters' values may differ for the pair to be verified (\`FILTER\`, bands.ts). */
  private readonly differing: number;
  /** While a build with a helper thread adds its entries: what the band pass reads goes into shared memory. */
  private shared = false;
  /** While a build's helper thread sketches the entries added (\`SketchJob\`): \`add\` only numbers their trigrams. */
  private sketching: SketchJob | undefined;

  constructor(readonly threshold: number) {
    this.differing = filterDiffering(threshold);
  }

  /** Memory for an array the band pass reads (shared with the helper thread while \`shared\`). */
  private buffer(bytes: number): ArrayBuffer | SharedArrayBuffer {
    return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }

  /** Indexes every example, then finds every example's best match. */
  *build(files: Map<string, ExampleText[]>): Generator<void, void, void> {
    let n = 0;
    // Room for every entry and trigram at once (growing by doubling would allocate and copy about twice as much).
    let room = 0;
    let count = 0;
    for (const examples of files.values()) {
      count += examples.length;
      for (const example of examples) room += example.normalized.length;
    }
    // A helper thread starts now, so that it is ready to sketch the entries as they are numbered; what it reads is
    // then in memory both threads share.
    const given = helpers;
    const helper = given && count >= given.from ? given.start() : undefined;
    this.shared = helper !== undefined;
    try {
      // (With a helper, in new memory even when the pool has room: the helper reads it as it is filled.)
      if (room > this.pool.length || this.shared) this.resizePool(Math.max(room, this.pool.length));
      this.grow(count);
      this.keys = new Int32Array(this.buffer(4 * BANDS * this.capacity));
      const control = new Int32Array(this.buffer(4 * CONTROL_LENGTH));
      // The helper's first job: sketching the entries as they are numbered here (a few thousand trigrams' tokens: a
      // bot in one language has fewer than 65,536 trigrams, and one with more is sketched here from that one on).
      const job: SketchJob | undefined = helper && {
        kind: 'sketch',
        info: this.info,
        pool: this.pool,
        keys: this.keys,
        capacity: this.capacity,
        count,
        tokens: new Int32Array(new SharedArrayBuffer(4 * 0x10000)),
        control,
      };
      if (job) helper!.run(job);
      this.sketching = job;
      for (const [uri, examples] of files) {
        const ids: number[] = [];
        for (const example of examples) {
          if (++n % 2000 === 0) yield;
          ids.push(this.add(example));
          if (job && (n & 63) === 0) entriesNumbered(control, n, Math.min(this.trigrams, job.tokens.length));
        }
        this.byFile.set(uri, ids);
      }
      this.shared = false;
      if (job) {
        entriesNumbered(control, n, Math.min(this.trigrams, job.tokens.length));
        yield* this.awaitSketches(job, given?.stallMs ?? 0);
      }
      yield* this.bandPass(helper, given?.stallMs ?? 0, control);
    } finally {
      this.shared = false;
      this.sketching = undefined;
      helper?.close();
      this.keys = new Int32Array(0);
    }
  }

  /**
   * Waits for the helper to sketch the entries, and sketches those it did not (all of them once it stopped, stalled or
   * failed; sketching one twice writes the same).
   */
  private *awaitSketches(job: SketchJob, stallMs: number): Generator<void, void, void> {
    const { control, count } = job;
    yield* awaitHelper(control, 'sketched', () => entriesSketched(control) >= count || sketchingStopped(control), stallMs);
    stopSketching(control);
    this.sketching = undefined;
    for (let id = entriesSketched(control); id < count; id++) {
      if (id % 2000 === 0) yield;
      const record = id * RECORD;
      const start = this.info[record + START];
      const size = this.info[record + SIZE];
      writeSketch(this.info, this.keys, this.capacity, id, size, this.sketch(start, start + size), this.bandKeys);
    }
  }

  /**
   * Sorts each band into buckets and compares their pairs (bands.ts), with the helper thread if there is one: each
   * takes the next band until none is left; then the builder waits for the helper's last bands and merges its best
   * matches into its own. If the helper fails or stalls, the builder does its bands again.
   */
  private *bandPass(helper: BandHelper | undefined, stallMs: number, control: Int32Array): Generator<void, void, void> {
    const count = this.examples.length;
    const shared = helper !== undefined;
    const ints = (length: number): Int32Array => (shared ? new Int32Array(new SharedArrayBuffer(4 * length)) : new Int32Array(length));
    const bySize = ints(count);
    const sizes = shared ? new Uint16Array(new SharedArrayBuffer(2 * count)) : new Uint16Array(count);
    bySizeOf(this.info, count, bySize, sizes);
    const job: BandJob = {
      kind: 'bands',
      info: this.info,
      pool: this.pool,
      keys: this.keys,
      capacity: this.capacity,
      count,
      trigrams: this.trigrams,
      threshold: this.threshold,
      bySize,
      sizes,
      // Every band's order in one array (kept after the build: \`bands\`).
      orders: ints(BANDS * count),
      control,
      best: ints(shared ? count : 0).fill(-1),
      similarity: shared ? new Float64Array(new SharedArrayBuffer(8 * count)) : new Float64Array(0),
      // Pairs of equal trigrams are rare (151 on the issue-3 bot); more than this many and the helper fails.
      equal: ints(shared ? 1 + 2 * Math.max(4096, count >> 3) : 1),
    };
    helper?.run(job);
    const examples = this.examples;
    const pass = new BandPass(job, this.bestOf, this.similarityOf, (x, y) => examples[x].normalized === examples[y].normalized);
    const orders: Int32Array[] = [];
    const doBand = function* (band: number, order: Int32Array): Generator<void, void, void> {
      yield;
      orders[band] = pass.sort(band, order);
      for (let group = 0; (group = pass.compare(order, band, group)) < 65536; ) yield;
    };
    for (let band = pass.take(); band >= 0; band = pass.take()) {
      yield* doBand(band, job.orders.subarray(band * count, (band + 1) * count));
      pass.finish();
    }
    if (helper) {
      const done = () => {
        const { failed, finished } = helperState(control);
        return failed || finished >= BANDS;
      };
      yield* awaitHelper(control, 'finished', done, stallMs);
      if (helperState(control).failed) {
        helper.close();
        // The helper's bands again, here, into arrays of their own (the helper may still be writing its own).
        for (let band = 0; band < BANDS; band++) if (!pass.taken.includes(band)) yield* doBand(band, new Int32Array(count));
      } else {
        for (let band = 0; band < BANDS; band++) orders[band] ??= job.orders.subarray(band * count, (band + 1) * count);
        for (let id = 0; id < count; id++) {
          const y = job.best[id];
          if (y !== -1) keepBest(this.bestOf, this.similarityOf, id, y, job.similarity[id]);
        }
        for (let i = 0, n = job.equal[0]; i < n; i++) {
          const x = job.equal[2 * i + 1];
          const y = job.equal[2 * i + 2];
          if (examples[x].normalized !== examples[y].normalized) keepBest(this.bestOf, this.similarityOf, x, y, 1);
        }
      }
    }
    this.bands = orders;
  }

  /** Gives the pool room for \`size\` trigrams, in 32 bits once trigram numbers no longer fit in 16. */
  private resizePool(size: number): void {
    const pool = this.trigrams > 0xffff ? new Int32Array(this.buffer(4 * size)) : new Uint16Array(this.buffer(2 * size));
    pool.set(this.pool.subarray(0, Math.min(size, this.pool.length))); // with what an example being added wrote
    this.pool = pool;
  }

  /** The room of the per-entry arrays. */
  private get capacity(): number {
    return this.bestOf.length;
  }

  /**
   * A file's examples changed (undefined: the file left the bot). Examples with the same intent and words keep their
   * entry; the others are removed or added; the new ones, and those whose best match was removed, are looked up.
   */
  update(uri: string, examples: ExampleText[] | undefined): void {
    const previous = this.byFile.get(uri) ?? [];
    const unmatched = new Map<string, number[]>();
    for (const id of previous) {
      const key = `${this.examples[id].intent}\u0000${this.examples[id].normalized}`;
      const list = unmatched.get(key);
      if (list) list.push(id);
      else unmatched.set(key, [id]);
    }
    const ids: number[] = [];
    const added: number[] = [];
    for (const example of examples ?? []) {
      const same = unmatched.get(`${example.intent}\u0000${example.normalized}`)?.pop();
      if (same !== undefined) {
        this.examples[same] = example; // the same words, maybe at another place
        ids.push(same);
      } else {
        const id = this.add(example);
        const keys = this.bandKeys.slice();
        this.recentKeys.set(id, keys);
        for (let band = 0; band < BANDS; band++) {
          const key = mix(keys[band] ^ band);
          const list = this.recent.get(key);
          if (list) list.push(id);
          else this.recent.set(key, [id]);
        }
        this.added++;
        ids.push(id);
        added.push(id);
      }
    }
    if (examples) this.byFile.set(uri, ids);
    else this.byFile.delete(uri);
    let removed = 0;
    for (const list of unmatched.values()) {
      for (const id of list) {
        this.info[id * RECORD + INTENT] = -1;
        this.recentKeys.delete(id);
        this.dead++;
        removed++;
      }
    }
    const again = [...added];
    if (removed > 0) {
      for (let y = 0; y < this.examples.length; y++) {
        if (this.alive(y) && this.bestOf[y] !== -1 && !this.alive(this.bestOf[y])) {
          this.bestOf[y] = -1;
          this.similarityOf[y] = 0;
          again.push(y);
        }
      }
    }
    for (const x of again) this.query(x);
  }

  private add(example: ExampleText): number {
    const id = this.examples.length;
    // A build makes room for its entries; edits then add a few at a time, and the index is built again before they
    // reach a third more (\`REBUILD_SHARE\`): an eighth more room at a time, not twice (on the issue-3 bot doubling
    // held 24 MB more after the first edited example).
    if (id === this.capacity) this.grow(id + Math.max(1024, id >> 3));
    let intentId = this.lastIntentId;
    if (example.intent !== this.lastIntent || intentId === -1) {
      intentId = this.intentIds.get(example.intent) ?? -1;
      if (intentId === -1) this.intentIds.set(example.intent, (intentId = this.intentIds.size));
      this.lastIntent = example.intent;
      this.lastIntentId = intentId;
    }
    // The trigrams, as the index's trigram numbers, written straight into the pool (no array per example), each once.
    const text = example.normalized;
    const count = text.length; // ' ' + text + ' ' has text.length trigrams
    // A build makes room for all its examples; edits add a few at a time.
    if (this.poolEnd + count > this.pool.length) this.resizePool(Math.max(this.pool.length + (this.pool.length >> 3), this.poolEnd + count));
    const start = this.poolEnd;
    // Most examples: every trigram of small-alphabet characters, and numbered already (the WebAssembly kernel).
    const known = this.sketches.trigrams(text, this.pool, start);
    const end = known >= 0 ? start + known : this.numberTrigrams(text, start);
    this.poolEnd = end;
    const size = end - start;
    this.examples.push(example);
    const record = id * RECORD;
    this.info[record + START] = start;
    this.info[record + SIZE] = size;
    this.info[record + INTENT] = intentId;
    this.info[record + SEEN] = -1;
    this.bestOf[id] = -1;
    this.similarityOf[id] = 0;
    if (!this.sketching) writeSketch(this.info, this.keys, this.capacity, id, size, known >= 0 ? this.sketches.sketchOfTrigrams(known) : this.sketch(start, end), this.bandKeys);
    return id;
  }

  /**
   * Numbers the trigrams of \` text \` (new ones get the next numbers, \`trigramOf\`) and writes each once into the
   * pool from \`start\` on (the caller makes room for text.length); returns where they end. A trigram of
   * small-alphabet characters (space, a-z, 0-9: most of the text) is found in the sketch table's \`direct\` at its
   * 18-bit code; others in the hash table.
   */
  private numberTrigrams(text: string, start: number): number {
    const count = text.length;
    let end = start;
    const stamp = ++this.stamp;
    let direct = this.sketches.direct;
    let marks = this.marks;
    let pool = this.pool;
    let code = SMALL[32];
    let run = 1; // small-alphabet characters in a row, ending at the current one
    let a = 32;
    let b = 32;
    for (let j = 0; j < count + 1; j++) {
      const c = j < count ? text.charCodeAt(j) : 32;
      const small = c < 128 ? SMALL[c] : 0;
      code = ((code << 6) | small) & 0x3ffff;
      run = small === 0 ? 0 : run + 1;
      if (j > 0) {
        let trigram: number;
        if (run >= 3) {
          trigram = direct[code] - 1;
          if (trigram < 0) {
            trigram = this.trigramOf((a << 16) | (b << 8) | c);
            direct = this.sketches.direct; // its memory may have grown (a write into the old view would be lost)
            direct[code] = trigram + 1;
            marks = this.marks;
            pool = this.pool;
          }
        } else {
          trigram = this.trigramOf((a | b | c) < 256 ? (a << 16) | (b << 8) | c : mix(a + Math.imul(b, 0x9e3779b1) + Math.imul(c, 0x85ebca77)) | 0x80000000);
          direct = this.sketches.direct;
          marks = this.marks;
          pool = this.pool;
        }
        if (marks[trigram] !== stamp) {
          marks[trigram] = stamp;
          pool[end++] = trigram;
        }
      }
      a = b;
      b = c;
    }
    return end;
  }

  /** The sketch of the trigrams \`pool[start..end)\` (see \`trigramOf\`), until the next call. */
  private sketch(start: number, end: number): Int32Array {
    return this.sketches.sketch(this.pool, start, end);
  }

  /** An entry's band keys (in \`bandKeys\`, until the next call): kept for one added since the build, else computed. */
  private keysOf(id: number): Int32Array {
    const kept = this.recentKeys.get(id);
    if (kept) return kept;
    const record = id * RECORD;
    const start = this.info[record + START];
    const size = this.info[record + SIZE];
    return bandKeysOf(this.sketch(start, start + size), size, id, this.bandKeys);
  }

  /**
   * The number of a trigram in the index (0, 1, 2… in order of first sight), from an open-addressing table, and its
   * row of BINS sketch values (\`rowOf\`, sketch.ts).
   */
  private trigramOf(token: number): number {
    let mask = this.table.length - 1;
    let at = mix(token) & mask;
    for (;;) {
      const held = this.table[at];
      if (held === token) return this.numbers[at];
      if (held === 0) break;
      at = (at + 1) & mask;
    }
    const trigram = this.trigrams++;
    if (trigram === 0x10000 && this.pool instanceof Uint16Array) this.resizePool(this.pool.length);
    if (2 * this.trigrams > this.table.length) {
      // Kept at most half full: twice the room, every token placed again.
      const table = this.table;
      const numbers = this.numbers;
      this.table = new Int32Array(table.length * 2);
      this.numbers = new Int32Array(table.length * 2);
      mask = this.table.length - 1;
      for (let i = 0; i < table.length; i++) {
        if (table[i] === 0) continue;
        let j = mix(table[i]) & mask;
        while (this.table[j] !== 0) j = (j + 1) & mask;
        this.table[j] = table[i];
        this.numbers[j] = numbers[i];
      }
      at = mix(token) & mask;
      while (this.table[at] !== 0) at = (at + 1) & mask;
      const marks = new Int32Array(this.table.length / 2).fill(-1);
      marks.set(this.marks);
      this.marks = marks;
    }
    this.table[at] = token;
    this.numbers[at] = trigram;
    const sketching = this.sketching;
    if (sketching) {
      if (trigram < sketching.tokens.length) sketching.tokens[trigram] = token;
      else stopSketching(sketching.control);
    }
    rowOf(token, this.row);
    this.sketches.addRow(trigram, this.row);
    return trigram;
  }

  /**
   * Compares entry x (added or changed by an edit) with the entries sharing one of its buckets and keeps the best
   * match of both.
   */
  private query(x: number): void {
    const info = this.info;
    const xSize = info[x * RECORD + SIZE];
    if (!this.alive(x) || xSize < MIN_TRIGRAMS) return;
    const stamp = ++this.stamp;
    // x's trigrams are marked: a candidate's shared trigrams are then counted in one pass over its own.
    for (let i = info[x * RECORD + START], end = i + xSize; i < end; i++) this.marks[this.pool[i]] = stamp;
    info[x * RECORD + SEEN] = stamp;
    // Sizes that can reach the threshold: t·|x| ≤ |y| ≤ |x|/t.
    const smallest = this.threshold * xSize - EPS;
    const largest = xSize / this.threshold + EPS;
    const keys = this.keysOf(x).slice();
    for (let band = 0; band < BANDS; band++) {
      const key = keys[band];
      if (band < this.bands.length) {
        // The group of the key's high half, by binary search in the records (x itself, when it was there at the build,
        // is skipped as seen); its entries with the whole key are the bucket.
        const order = this.bands[band];
        const group = key >>> 16;
        const at = SHORT_KEYS + (band >> 1);
        const shift = (band & 1) << 4;
        let low = 0;
        let high = order.length;
        while (low < high) {
          const middle = (low + high) >>> 1;
          if (((info[order[middle] * RECORD + at] >>> shift) & 0xffff) < group) low = middle + 1;
          else high = middle;
        }
        for (let i = low; i < order.length && ((info[order[i] * RECORD + at] >>> shift) & 0xffff) === group; i++) {
          const y = order[i];
          const size = info[y * RECORD + SIZE];
          if (size > largest) break;
          if (size >= smallest && info[y * RECORD + SEEN] !== stamp && this.keysOf(y)[band] === key) this.compare(x, y, stamp);
        }
      }
      for (const y of this.recent.get(mix(key ^ band)) ?? []) this.compare(x, y, stamp);
    }
  }

  /** Filters one candidate pair of a lookup (x's trigrams are marked with \`stamp\`), then verifies it. */
  private compare(x: number, y: number, stamp: number): void {
    const info = this.info;
    const record = y * RECORD;
    if (info[record + SEEN] === stamp) return;
    info[record + SEEN] = stamp;
    const intent = info[record + INTENT];
    const ySize = info[record + SIZE];
    const xSize = info[x * RECORD + SIZE];
    const t = this.threshold;
    if (intent === -1 || intent === info[x * RECORD + INTENT] || ySize < MIN_TRIGRAMS || ySize < t * xSize - EPS || xSize < t * ySize - EPS) return;
    if (differingNibbles(info, x * RECORD, record) > this.differing) return;
    this.verify(x, y, stamp);
  }

  /** Verifies a candidate pair (x's trigrams are marked with \`stamp\`) and keeps it as the best match of either side. */
  private verify(x: number, y: number, stamp: number): void {
    const info = this.info;
    const similarity = similarityAtLeast(this.pool, this.marks, stamp, info[x * RECORD + SIZE], info[y * RECORD + START], info[y * RECORD + SIZE], this.threshold);
    if (similarity < 0) return;
    // The same words are a duplicate-example, not a confusable one.
    if (similarity === 1 && this.examples[x].normalized === this.examples[y].normalized) return;
    keepBest(this.bestOf, this.similarityOf, x, y, similarity);
  }

  /** Whether an entry is still in the bot. */
  private alive(id: number): boolean {
    return this.info[id * RECORD + INTENT] !== -1;
  }

  /** Makes room for \`size\` entries. */
  private grow(size: number): void {
    if (size <= this.capacity) return;
    const info = new Int32Array(this.buffer(4 * size * RECORD));
    info.set(this.info);
    this.info = info;
    if (this.keys.length > 0) {
      const keys = new Int32Array(this.buffer(4 * size * BANDS));
      for (let band = 0; band < BANDS; band++) keys.set(this.keys.subarray(band * this.capacity, (band + 1) * this.capacity), band * size);
      this.keys = keys;
    }
    const bestOf = new Int32Array(size);
    bestOf.set(this.bestOf);
    this.bestOf = bestOf;
    const similarityOf = new Float64Array(size);
    similarityOf.set(this.similarityOf);
    this.similarityOf = similarityOf;
  }

  /** The examples still in the bot that have a match: the example, its most similar one, and how similar. */
  *matches(): Generator<{ example: ExampleText; other: ExampleText; similarity: number }, void, void> {
    for (let i = 0; i < this.examples.length; i++) {
      if (this.alive(i) && this.bestOf[i] !== -1) yield { example: this.examples[i], other: this.examples[this.bestOf[i]], similarity: this.similarityOf[i] };
    }
  }

  /** The same (\`matches\`) for the entries from \`from\` to \`to\` (excluded), without an object per match. */
  eachMatch(from: number, to: number, found: (example: ExampleText, other: ExampleText, similarity: number) => void): void {
    for (let i = from, end = Math.min(to, this.examples.length); i < end; i++) {
      if (this.alive(i) && this.bestOf[i] !== -1) found(this.examples[i], this.examples[this.bestOf[i]], this.similarityOf[i]);
    }
  }

  /** Entries in the index, removed ones included (they go at the next build). */
  get size(): number {
    return this.examples.length;
  }
}

/** Every example's most similar example in another intent, at or above `threshold` (for tests and tools). */
export function findConfusables(examples: ExampleText[], threshold: number): Map<ExampleText, { other: ExampleText; similarity: number }> {
  const index = new ConfusableIndex(threshold);
  const steps = index.build(new Map([['', examples]]));
  while (!steps.next().done);
  const result = new Map<ExampleText, { other: ExampleText; similarity: number }>();
  for (const { example, other, similarity } of index.matches()) result.set(example, { other, similarity });
  return result;
}

/**
 * The confusable examples of a bot: one index per language, and the version of each file they hold (its model in
 * this thread; a number in the worker thread, which has no models: confusablesWorker.ts).
 */
export interface BotState {
  threshold: number;
  versions: Map<string, unknown>;
  locales: Map<string, ConfusableIndex>;
}

/** A file as the index reads it: its version, and its examples per language (asked only when it changed). */
export interface IndexedFile {
  version: unknown;
  examples: () => Map<string, ExampleText[]>;
}

const states = new WeakMap<Bot, BotState>();

/** Above this share of changed files (or of entries removed or added since the build), the index is built again. */
const REBUILD_SHARE = 0.3;

/**
 * Brings a bot's confusable index up to date with its files: updated in place when few files changed, else built
 * again into a new state (the old one is left as it was: a build the server abandons half-way leaves nothing).
 */
export function* syncIndex(state: BotState | undefined, threshold: number, current: Map<string, IndexedFile>): Generator<void, BotState, void> {
  if (state && state.threshold === threshold) {
    const changed = [...current].filter(([uri, file]) => state.versions.get(uri) !== file.version).map(([uri]) => uri);
    for (const uri of state.versions.keys()) if (!current.has(uri)) changed.push(uri);
    const deadShare = Math.max(0, ...[...state.locales.values()].map((index) => (index.dead + index.added) / Math.max(1, index.size)));
    if (changed.length <= Math.max(1, REBUILD_SHARE * current.size) && deadShare < REBUILD_SHARE) {
      // Small changes: updated in place, without pausing (a half-updated index must never be left behind).
      for (const uri of changed) {
        const file = current.get(uri);
        const byLocale = file ? file.examples() : new Map<string, ExampleText[]>();
        for (const locale of byLocale.keys()) if (!state.locales.has(locale)) state.locales.set(locale, new ConfusableIndex(threshold));
        for (const [locale, index] of state.locales) index.update(uri, file ? (byLocale.get(locale) ?? []) : undefined);
      }
      state.versions = new Map([...current].map(([uri, file]) => [uri, file.version]));
      return state;
    }
  }
  const byLocale = new Map<string, Map<string, ExampleText[]>>();
  for (const [uri, file] of current) {
    for (const [locale, examples] of file.examples()) {
      let files = byLocale.get(locale);
      if (!files) byLocale.set(locale, (files = new Map()));
      files.set(uri, examples);
    }
    yield;
  }
  const fresh: BotState = { threshold, versions: new Map([...current].map(([uri, file]) => [uri, file.version])), locales: new Map() };
  for (const [locale, files] of byLocale) {
    const index = new ConfusableIndex(threshold);
    yield* index.build(files);
    fresh.locales.set(locale, index);
  }
  return fresh;
}

function* indexFor(context: BotContext, threshold: number): Generator<void, BotState, void> {
  const current = new Map(context.models.map((m): [string, IndexedFile] => [m.uri, { version: m, examples: () => examplesOf(m) }]));
  const state = states.get(context.bot);
  const synced = yield* syncIndex(state, threshold, current);
  if (synced !== state) states.set(context.bot, synced);
  return synced;
}

/**
 * A confusable example as a problem. A big bot has tens of thousands: their message, related place and data are
 * built when read (when the diagnostic is sent), not kept (about 650 bytes each when they were).
 */
class ConfusableProblem implements Problem {
  constructor(
    readonly example: ExampleText,
    readonly other: ExampleText,
    readonly similarity: number,
    readonly locale: string,
  ) {}

  /** On the prototype (below): read for every problem of a file at each keystroke, a getter cost 1 ms of it. */
  declare readonly code: 'confusable-examples';

  get span(): Span {
    return this.example.span;
  }

  get message(): string {
    const { example, other } = this;
    return `This example is ${Math.round(this.similarity * 100)}% like "${other.text}" in \`${other.intent}\`: the bot may confuse \`${example.intent}\` and \`${other.intent}\`.`;
  }

  get related(): NonNullable<Problem['related']> {
    return [{ uri: this.other.uri, span: this.other.span, message: `In \`${this.other.intent}\`` }];
  }

  get data(): NonNullable<Problem['data']> {
    return { moveTo: [this.other.intent], locale: this.locale };
  }
}

Object.defineProperty(ConfusableProblem.prototype, 'code', { value: 'confusable-examples' });

/** Entries read between two pauses of the check. */
const MATCHES_PER_STEP = 20_000;

/** The problem reported for an entry, kept while the entry, its match and their texts stay the same objects. */
const problems = new WeakMap<ExampleText, ConfusableProblem>();

export function* checkConfusables(context: BotContext, report: Report): Generator<void, void, void> {
  const threshold = context.manifest?.confusableSimilarity ?? DEFAULT_SIMILARITY;
  const found = (example: ExampleText, other: ExampleText, similarity: number, locale: string) => {
    // The same problem object as before when nothing changed: the server then sees at once that the file's
    // diagnostics did not change (tens of thousands of them on a big bot).
    let problem = problems.get(example);
    if (!problem || problem.other !== other || problem.similarity !== similarity || problem.locale !== locale) {
      problem = new ConfusableProblem(example, other, similarity, locale);
      problems.set(example, problem);
    }
    report.add(example.uri, problem);
  };
  // In a worker thread when the server started one (confusablesWorker.ts), else here.
  const fromWorker = workerReady() ? yield* matchesFromWorker(context.bot, context.models, threshold, examplesOf) : undefined;
  if (fromWorker) {
    let count = 0;
    for (const { example, other, similarity, locale } of fromWorker) {
      if (++count % 10_000 === 0) yield;
      found(example, other, similarity, locale);
    }
    return;
  }
  const state = yield* indexFor(context, threshold);
  for (const [locale, index] of state.locales) {
    // Read from the index as they are, not as an object per match: 72,694 of them lived long enough on the issue-3
    // bot for V8 to allocate them in the old generation at times, five times slower (a tenth of a second per run).
    for (let from = 0; from < index.size; from += MATCHES_PER_STEP) {
      yield;
      index.eachMatch(from, from + MATCHES_PER_STEP, (example, other, similarity) => found(example, other, similarity, locale));
    }
  }
}

/**
 * Starts the confusable-example check of a bot in the worker thread, if there is one, so that it runs while the
 * server does the cheap checks (its result is read by the heavy checks' run). \`onlyFirst\`: only when the worker has
 * not had this bot yet (the cold start; while the user types, the heavy checks wait for a longer pause, so that the
 * worker does not take the second core from the server's thread).
 */
export function prefetchConfusables(workspace: Workspace, bot: Bot, onlyFirst = false): void {
  if (!workerReady()) return;
  const context = new BotContext(workspace, bot);
  prefetch(bot, context.models, context.manifest?.confusableSimilarity ?? DEFAULT_SIMILARITY, onlyFirst);
}
