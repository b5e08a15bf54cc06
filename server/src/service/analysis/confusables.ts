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
import type { ConfusableMatch } from './confusablesWorker';
import { examplesOf } from './intents';
import type { ExampleText } from './intents';
import { BANDS, BINS, FILTER_AT, FILTER_NUMBERS, KEYS_AT, mix, ROWS, SketchTable, SMALL } from './sketch';

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


/** Examples with fewer trigrams ("hi", "ok") are never reported: a short word is not a confusable sentence. */
const MIN_TRIGRAMS = 3;
/** Candidate comparisons between two pauses of a generator: a few milliseconds of work. */
const WORK_PER_STEP = 30_000;
/** Floating-point slack for `t·n` when t is a decimal like 0.85. */
const EPS = 1e-9;
/** The fields of an entry's record in \`ConfusableIndex.info\`. */
const START = 0;
const SIZE = 1;
const INTENT = 2;
const SEEN = 3;
/**
 * Then the high 16 bits of its band keys, two per number (BANDS/2 numbers): enough to tell whether a pair shares an
 * earlier band (a pair that does not is taken for one that does 1 time in 65,536 per band), and what a lookup after an
 * edit searches the bands' orders by; the whole keys are in \`ConfusableIndex.keys\` while the index is built.
 */
const SHORT_KEYS = 4;
/**
 * Then its filter: the low 4 bits of each of its BINS sketch values, 8 per number. A candidate pair's filters are
 * compared before its trigrams: the pair shares the ROWS values of one band, and each other value is equal with
 * probability J + (1 - J)/16. Too few equal values for the threshold and the pair is dropped unverified. Most
 * candidates are far below the threshold (the issue-3 bot: 1.1 million of its 1.8 million candidate pairs are under
 * 50 % similar, 60,000 reach 85 %): the filter leaves 310,000, where a verification marks and reads some 50
 * trigrams per pair. A record is 16 numbers, 64 bytes: one cache line.
 */
const FILTER = SHORT_KEYS + BANDS / 2;
const RECORD = 16; // so BANDS (sketch.ts) is at most 10
/** The filter values of a pair that can differ: those outside the band that made it a candidate. */
const FREE = BINS - ROWS;
/** The share of pairs at the threshold the filter may drop: each is dropped with probability at most 1 in 1,000. */
const FILTER_MISS = 1e-3;
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
  private info = new Int32Array(RECORD * 1024);
  private bestOf = new Int32Array(1024);
  /**
   * While the index is built, the entries' band keys, band after band (\`keys[band·capacity + entry]\`); empty once it
   * is built (8 MB on the issue-3 bot): a lookup reads the high half of each key in the records, and computes the
   * whole keys of the few entries it meets again from their trigrams (\`keysOf\`).
   */
  private keys = new Int32Array(0);
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
  private readonly permutation = new Uint8Array(BINS);
  private readonly row = new Int32Array(BINS);
  dead = 0;
  /** Entries added since the build (in `recent`). */
  added = 0;

  /** How many of two filters' values may differ for the pair to be verified (\`FILTER\`). */
  private readonly differing: number;

  constructor(readonly threshold: number) {
    this.differing = FREE - filterNeeds(FREE, threshold);
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
    if (room > this.pool.length) this.resizePool(room);
    this.grow(count);
    this.keys = new Int32Array(BANDS * this.capacity);
    for (const [uri, examples] of files) {
      const ids: number[] = [];
      for (const example of examples) {
        if (++n % 2000 === 0) yield;
        ids.push(this.add(example));
      }
      this.byFile.set(uri, ids);
    }
    const { order: bySize, sizes } = this.bySize();
    const ends = new Int32Array(65537);
    // One array for a band's low key halves and sizes in its order, used band after band: typed arrays the build
    // drops still count as memory outside the heap until a full collection, and V8 starts one once that memory has
    // grown by 64 MB (one array per band made this build cross it: a 200 ms pause on the issue-3 bot).
    const lows = new Int32Array(this.examples.length);
    // Every pair of a bucket, band after band (pairs already in a bucket of an earlier band are skipped, by the keys'
    // high halves in the records): the band's order is read in sequence, and each entry's record once per bucket
    // (looking entries up one by one jumped to ten places per entry).
    let work = 0;
    for (let band = 0; band < BANDS; band++) {
      yield;
      const order = this.sortBand(band, bySize, sizes, ends, lows);
      this.bands.push(order);
      for (let group = 0, from = 0; group < 65536; group++) {
        const to = ends[group];
        if (to - from > 1) work += this.compareBucket(order, lows, from, to, band);
        from = to;
        if (work > WORK_PER_STEP) {
          work = 0;
          yield;
        }
      }
    }
    this.keys = new Int32Array(0);
  }

  /**
   * Compares the pairs of each bucket in one group of a band (entries \`order[from..to)\`, by size) whose sizes can
   * reach the threshold and whose filters agree enough, except those already in one bucket of an earlier band.
   * Returns the work done.
   */
  private compareBucket(order: Int32Array, lows: Int32Array, from: number, to: number, band: number): number {
    const info = this.info;
    const t = this.threshold;
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
          for (let i = info[xRecord + START], end = i + info[xRecord + SIZE]; i < end; i++) this.marks[this.pool[i]] = stamp;
        }
        this.verify(x, y, stamp);
      }
    }
    return work;
  }

  /** The entries by trigram count, then entry (a counting sort), and their counts in that order (at most 65,535). */
  private bySize(): { order: Int32Array; sizes: Uint16Array } {
    const count = this.examples.length;
    const info = this.info;
    let largest = 0;
    for (let id = 0; id < count; id++) largest = Math.max(largest, info[id * RECORD + SIZE]);
    const counts = new Int32Array(largest + 2);
    for (let id = 0; id < count; id++) counts[info[id * RECORD + SIZE] + 1]++;
    for (let i = 1; i < counts.length; i++) counts[i] += counts[i - 1];
    const order = new Int32Array(count);
    const sizes = new Uint16Array(count);
    for (let id = 0; id < count; id++) {
      const size = info[id * RECORD + SIZE];
      const at = counts[size]++;
      order[at] = id;
      sizes[at] = Math.min(size, 0xffff);
    }
    return { order, sizes };
  }

  /**
   * A band's entries grouped by the high 16 bits of their key (a counting sort of the entries by size, so each group
   * goes by size), with \`ends[g]\` the end of group g in that order. In \`lows\`, in that order: each entry's key's
   * low 16 bits, then its trigram count (\`bySize\`'s \`sizes\`). A bucket is the entries of a group with the same
   * low half: a group holds about three entries of different keys, told apart by comparing the low halves, and the
   * sizes end a bucket's pairs, without reading the entries' records.
   */
  private sortBand(band: number, bySize: Int32Array, sizes: Uint16Array, ends: Int32Array, lows: Int32Array): Int32Array {
    const count = this.examples.length;
    const order = new Int32Array(count);
    const bandKeys = this.keys.subarray(band * this.capacity, band * this.capacity + count);
    // ends[g] counts group g - 1's entries, then holds where group g starts, then (once every entry is placed) ends.
    ends.fill(0);
    for (let id = 0; id < count; id++) ends[(bandKeys[id] >>> 16) + 1]++;
    for (let i = 1; i <= 65536; i++) ends[i] += ends[i - 1];
    for (let i = 0; i < count; i++) {
      const id = bySize[i];
      const key = bandKeys[id];
      const to = ends[key >>> 16]++;
      order[to] = id;
      lows[to] = (key << 16) | sizes[i];
    }
    return order;
  }

  /** Gives the pool room for \`size\` trigrams, in 32 bits once trigram numbers no longer fit in 16. */
  private resizePool(size: number): void {
    const pool = this.trigrams > 0xffff ? new Int32Array(size) : new Uint16Array(size);
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
    const sketch = known >= 0 ? this.sketches.sketchOfTrigrams(known) : this.sketch(start, end);
    this.examples.push(example);
    const record = id * RECORD;
    this.info[record + START] = start;
    this.info[record + SIZE] = size;
    this.info[record + INTENT] = intentId;
    this.info[record + SEEN] = -1;
    this.bestOf[id] = -1;
    this.similarityOf[id] = 0;
    const info = this.info;
    const keys = this.keysFrom(sketch, size, id);
    const building = this.keys.length > 0;
    for (let band = 0; band < BANDS; band += 2) {
      if (building) {
        this.keys[band * this.capacity + id] = keys[band];
        this.keys[(band + 1) * this.capacity + id] = keys[band + 1];
      }
      info[record + SHORT_KEYS + (band >> 1)] = (keys[band] >>> 16) | (keys[band + 1] & 0xffff0000);
    }
    for (let i = 0; i < FILTER_NUMBERS; i++) info[record + FILTER + i] = sketch[FILTER_AT + i];
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

  /**
   * The band keys of a sketch (\`SketchTable.sketch\`), in \`bandKeys\`. A short example gets keys of its own, so it is
   * never compared: spread like the others' (a build groups its entries by the keys' high half, and thousands of "yes"
   * and "hi" in one group would be compared with each other for nothing).
   */
  private keysFrom(sketch: Int32Array, size: number, id: number): Int32Array {
    const keys = this.bandKeys;
    for (let band = 0; band < BANDS; band++) keys[band] = size < MIN_TRIGRAMS ? mix(id + Math.imul(band, 0x9e3779b9)) : sketch[KEYS_AT + band];
    return keys;
  }

  /** An entry's band keys (in \`bandKeys\`, until the next call): kept for one added since the build, else computed. */
  private keysOf(id: number): Int32Array {
    const kept = this.recentKeys.get(id);
    if (kept) return kept;
    const record = id * RECORD;
    const start = this.info[record + START];
    const size = this.info[record + SIZE];
    return this.keysFrom(this.sketch(start, start + size), size, id);
  }

  /**
   * The number of a trigram in the index (0, 1, 2… in order of first sight), from an open-addressing table, and its
   * row of BINS sketch values (\`SketchTable\`): bin π(r) holds (r, v_r), packed as r << 16 | v_r, where π is a random
   * permutation of the bins and v_r a random 16-bit number, both from MurmurHash3 mixes of the trigram. Each bin of an
   * example's sketch is the minimum of its trigrams' values there, the minimum of one random hash function over the
   * trigrams, a MinHash: two examples' bins are equal with probability their Jaccard index. (These are the values of
   * fast similarity sketching, Dahlgaard, Knudsen and Thorup, FOCS 2017, where in round r every trigram throws (r, v_r)
   * into bin π(r) until every bin holds a value: the same minima, which the index took that way, about 200 steps per
   * example, until the minimum of whole rows by WebAssembly SIMD, 50 values per trigram four at a time, was faster.)
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
    const bins = this.permutation;
    for (let i = 0; i < BINS; i++) bins[i] = i;
    let h = mix(token ^ 0x5bd1e995);
    for (let round = 0; round < BINS; round++) {
      h = mix(h + 0x9e3779b9);
      // Fisher–Yates: the bin of this round is drawn from those not drawn yet.
      const pick = round + ((h >>> 16) % (BINS - round));
      const bin = bins[pick];
      bins[pick] = bins[round];
      bins[round] = bin;
      this.row[bin] = (round << 16) | (h & 0xffff);
    }
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
    if (similarity > this.similarityOf[x]) {
      this.similarityOf[x] = similarity;
      this.bestOf[x] = y;
    }
    if (similarity > this.similarityOf[y]) {
      this.similarityOf[y] = similarity;
      this.bestOf[y] = x;
    }
  }

  /** Whether an entry is still in the bot. */
  private alive(id: number): boolean {
    return this.info[id * RECORD + INTENT] !== -1;
  }

  /** Makes room for \`size\` entries. */
  private grow(size: number): void {
    if (size <= this.capacity) return;
    const info = new Int32Array(size * RECORD);
    info.set(this.info);
    this.info = info;
    if (this.keys.length > 0) {
      const keys = new Int32Array(size * BANDS);
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

  /** Entries in the index, removed ones included (they go at the next build). */
  get size(): number {
    return this.examples.length;
  }
}

/** How many filter values of two records differ (8 per number: a nibble of their xor is 0 where they are equal). */
function differingNibbles(info: Int32Array, a: number, b: number): number {
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

/**
 * The Jaccard index of x (its trigrams marked with \`stamp\`) and the run of the pool at b, or -1 as soon as it cannot
 * reach \`t\`: it needs an overlap of ⌈t/(1+t)·(|a|+|b|)⌉, so the count stops once too many trigrams of b were missed.
 */
function similarityAtLeast(pool: Uint16Array | Int32Array, marks: Int32Array, stamp: number, aSize: number, b: number, bSize: number, t: number): number {
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

/** The problem reported for an entry, kept while the entry, its match and their texts stay the same objects. */
const problems = new WeakMap<ExampleText, ConfusableProblem>();

export function* checkConfusables(context: BotContext, report: Report): Generator<void, void, void> {
  const threshold = context.manifest?.confusableSimilarity ?? DEFAULT_SIMILARITY;
  // In a worker thread when the server started one (confusablesWorker.ts), else here.
  const fromWorker = workerReady() ? yield* matchesFromWorker(context.bot, context.models, threshold, examplesOf) : undefined;
  const matches = fromWorker ?? (yield* localMatches(context, threshold));
  let count = 0;
  for (const { example, other, similarity, locale } of matches) {
    if (++count % 10_000 === 0) yield;
    // The same problem object as before when nothing changed: the server then sees at once that the file's
    // diagnostics did not change (tens of thousands of them on a big bot).
    let problem = problems.get(example);
    if (!problem || problem.other !== other || problem.similarity !== similarity || problem.locale !== locale) {
      problem = new ConfusableProblem(example, other, similarity, locale);
      problems.set(example, problem);
    }
    report.add(example.uri, problem);
  }
}

function* localMatches(context: BotContext, threshold: number): Generator<void, ConfusableMatch[], void> {
  const state = yield* indexFor(context, threshold);
  const matches: ConfusableMatch[] = [];
  for (const [locale, index] of state.locales) {
    yield;
    for (const { example, other, similarity } of index.matches()) matches.push({ example, other, similarity, locale });
  }
  return matches;
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
