/**
 * Confusable examples: nearly the same training example in two intents. Similarity is the Jaccard index of the
 * examples' character trigrams (after the same normalisation as duplicates). Candidate pairs come from MinHash
 * locality-sensitive hashing with banding (Leskovec, Rajaraman and Ullman, "Mining of Massive Datasets", ch. 3), then
 * every candidate is verified exactly, stopping as soon as the pair cannot reach the threshold. With 10 bands of 5
 * rows, a pair at 85 % similarity becomes a candidate with probability 0.997, one at 50 % with 0.27, one at 20 % with
 * 0.003: the work grows with the number of examples, not with its square.
 * (Tried and dropped: one-permutation hashing, whose bins on short sentences are mostly copies, so every sentence with
 * "please" fell in one bucket; and exact prefix filtering, which on bots with many examples per topic compares every
 * pair of a topic: 150 s on the issue-3 bot.)
 *
 * The index is kept per bot and updated after an edit: the examples of a changed file are compared with the file's
 * previous examples, and only the new ones (and the examples whose best match went away) are looked up again.
 */
import type { FileModel, Problem, Span } from '../types';
import type { Bot } from '../workspace';
import type { BotContext, Report } from './context';
import { perFile } from './context';
import { normalizedOf } from './intents';

export const DEFAULT_SIMILARITY = 0.85;

/** 32-bit mixing (the finaliser of MurmurHash3). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

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

/** A training example as the model holds it. */
export interface ExampleText {
  uri: string;
  intent: string;
  span: Span;
  text: string;
  normalized: string;
}


/** Examples with fewer trigrams ("hi", "ok") are never reported: a short word is not a confusable sentence. */
const MIN_TRIGRAMS = 3;
/** Candidate comparisons between two pauses of a generator: a few milliseconds of work. */
const WORK_PER_STEP = 30_000;
/** Floating-point slack for `t·n` when t is a decimal like 0.85. */
const EPS = 1e-9;
const BANDS = 10;
const ROWS = 5;
/**
 * The MinHash functions: MurmurHash3's finaliser of the trigram's hash xor a fixed seed; each gives two 16-bit hash
 * values (its halves), so 25 mixes make the 50 minima. (Multiply-add hashes were tried first: cheaper, but far from
 * min-wise independent: every sentence ending in "if you can" shared a bucket.)
 */
const MIXES = (BANDS * ROWS) / 2;
const SEEDS = Int32Array.from({ length: MIXES }, (_, i) => mix(0x9e3779b9 + i * 0x632be5ab));

/**
 * The confusable examples of one language of a bot: the examples, their trigrams, the LSH buckets, and each example's
 * best match. Updated in place after edits.
 *
 * The buckets are kept as each band's entries sorted by (band key, entry): a bucket is a run of that order, found
 * from an entry's position, or by binary search for a key. Sorting 200,000 keys per band (a radix sort) costs much
 * less than filling a `Map` with 2 million one-entry lists. Entries added by edits go into a small `Map` until the next build.
 */
export class ConfusableIndex {
  /** The examples, by entry number (an entry keeps its number while the example stays the same). */
  readonly examples: ExampleText[] = [];
  /**
   * Per entry, in typed arrays (compact, and cheap to read in the inner loop): its intent (a number), where its
   * trigrams are in the pool and how many, whether it is still in the bot, its most similar example in another intent
   * (an entry number, -1: none at or above the threshold) and that similarity.
   */
  private intentOf = new Int32Array(1024);
  private startOf = new Int32Array(1024);
  private sizeOf = new Int32Array(1024);
  private aliveOf = new Uint8Array(1024);
  private bestOf = new Int32Array(1024);
  private similarityOf = new Float64Array(1024);
  /** Every entry's trigrams, sorted, without repeats, one after the other. */
  private pool = new Int32Array(1 << 16);
  private poolEnd = 0;
  /** The band keys of each entry (BANDS per entry). */
  private keys = new Int32Array(BANDS * 1024);
  /** Per band, when built: the entries sorted by (key, entry), their keys in that order, and each entry's position. */
  private bands: { order: Int32Array; keys: Int32Array; position: Int32Array }[] = [];
  /** Entries added after the build: band key (band mixed in) → entries. */
  private readonly recent = new Map<number, number[]>();
  private readonly intentIds = new Map<string, number>();
  /** The entries of each file. */
  private readonly byFile = new Map<string, number[]>();
  private seen = new Int32Array(1024).fill(-1);
  private stamp = 0;
  private readonly minima = new Uint16Array(BANDS * ROWS);
  /** Each trigram's MinHash values, computed once (\`hashesOf\`). */
  private readonly hashSlots = new Map<number, number>();
  private hashes = new Uint16Array(BANDS * ROWS * 4096);
  dead = 0;
  /** Entries added since the build (in `recent`). */
  added = 0;

  constructor(readonly threshold: number) {}

  /** Indexes every example, then finds every example's best match. */
  *build(files: Map<string, ExampleText[]>): Generator<void, void, void> {
    let n = 0;
    for (const [uri, examples] of files) {
      const ids: number[] = [];
      for (const example of examples) {
        if (++n % 2000 === 0) yield;
        ids.push(this.add(example));
      }
      this.byFile.set(uri, ids);
    }
    this.pool = this.pool.slice(0, this.poolEnd); // no room left over from doubling: edits add little
    for (let band = 0; band < BANDS; band++) {
      yield;
      this.bands.push(this.sortBand(band));
    }
    let work = 0;
    for (let x = 0; x < this.examples.length; x++) {
      work += this.query(x, true);
      if (work > WORK_PER_STEP) {
        work = 0;
        yield;
      }
    }
  }

  private sortBand(band: number): { order: Int32Array; keys: Int32Array; position: Int32Array } {
    const count = this.examples.length;
    const order = new Int32Array(count);
    const keys = new Int32Array(count);
    const position = new Int32Array(count);
    // A radix sort on the unsigned key, 16 bits at a time; stable, so each run is in entry order.
    const lowCounts = new Int32Array(65537);
    const highCounts = new Int32Array(65537);
    for (let id = 0; id < count; id++) {
      const key = this.keys[id * BANDS + band];
      lowCounts[(key & 0xffff) + 1]++;
      highCounts[(key >>> 16) + 1]++;
    }
    for (let i = 1; i <= 65536; i++) {
      lowCounts[i] += lowCounts[i - 1];
      highCounts[i] += highCounts[i - 1];
    }
    const byLow = new Int32Array(count);
    for (let id = 0; id < count; id++) byLow[lowCounts[this.keys[id * BANDS + band] & 0xffff]++] = id;
    for (let i = 0; i < count; i++) {
      const id = byLow[i];
      const key = this.keys[id * BANDS + band];
      const at = highCounts[key >>> 16]++;
      order[at] = id;
      keys[at] = key;
      position[id] = at;
    }
    return { order, keys, position };
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
        for (let band = 0; band < BANDS; band++) {
          const key = mix(this.keys[id * BANDS + band] ^ band);
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
        this.aliveOf[id] = 0;
        this.dead++;
        removed++;
      }
    }
    const again = [...added];
    if (removed > 0) {
      for (let y = 0; y < this.examples.length; y++) {
        if (this.aliveOf[y] && this.bestOf[y] !== -1 && !this.aliveOf[this.bestOf[y]]) {
          this.bestOf[y] = -1;
          this.similarityOf[y] = 0;
          again.push(y);
        }
      }
    }
    for (const x of again) this.query(x, false);
  }

  private add(example: ExampleText): number {
    const id = this.examples.length;
    if (id === this.intentOf.length) this.grow();
    let intentId = this.intentIds.get(example.intent);
    if (intentId === undefined) this.intentIds.set(example.intent, (intentId = this.intentIds.size));
    // The trigrams, written straight into the pool (no array per example), sorted by insertion (a sentence has a few
    // dozen), then without repeats. The same numbers as \`trigramTokens\`.
    const text = example.normalized;
    const count = text.length; // ' ' + text + ' ' has text.length trigrams
    if (this.poolEnd + count > this.pool.length) {
      const pool = new Int32Array(Math.max(this.pool.length * 2, this.poolEnd + count));
      pool.set(this.pool.subarray(0, this.poolEnd));
      this.pool = pool;
    }
    const pool = this.pool;
    const start = this.poolEnd;
    let end = start;
    for (let i = 0; i < count; i++) {
      const a = i === 0 ? 32 : text.charCodeAt(i - 1);
      const b = text.charCodeAt(i);
      const c = i + 1 < text.length ? text.charCodeAt(i + 1) : 32;
      const token = (a | b | c) < 256 ? (a << 16) | (b << 8) | c : mix(a + Math.imul(b, 0x9e3779b1) + Math.imul(c, 0x85ebca77)) | 0x80000000;
      let j = end++;
      while (j > start && pool[j - 1] > token) {
        pool[j] = pool[j - 1];
        j--;
      }
      pool[j] = token;
    }
    let unique = start;
    for (let i = start; i < end; i++) if (i === start || pool[i] !== pool[i - 1]) pool[unique++] = pool[i];
    end = unique;
    this.poolEnd = end;
    const size = end - start;
    // The MinHash minima, from each trigram's 50 hash values (computed once per trigram of the index).
    const minima = this.minima.fill(0xffff);
    for (let i = start; i < end; i++) {
      const at = this.hashesOf(pool[i]);
      const hashes = this.hashes;
      for (let m = 0; m < BANDS * ROWS; m++) if (hashes[at + m] < minima[m]) minima[m] = hashes[at + m];
    }
    this.examples.push(example);
    this.intentOf[id] = intentId;
    this.startOf[id] = start;
    this.sizeOf[id] = size;
    this.aliveOf[id] = 1;
    this.bestOf[id] = -1;
    this.similarityOf[id] = 0;
    for (let band = 0; band < BANDS; band++) {
      // Short examples get a key of their own: they are never compared.
      let key = size < MIN_TRIGRAMS ? id : band;
      if (size >= MIN_TRIGRAMS) for (let r = 0; r < ROWS; r++) key = mix(key ^ minima[band * ROWS + r]);
      this.keys[id * BANDS + band] = key;
    }
    return id;
  }

  /** Where a trigram's 50 hash values are in \`hashes\`: the two 16-bit halves of 25 MurmurHash3 mixes. */
  private hashesOf(token: number): number {
    let slot = this.hashSlots.get(token);
    if (slot !== undefined) return slot;
    slot = this.hashSlots.size * BANDS * ROWS;
    if (slot + BANDS * ROWS > this.hashes.length) {
      const hashes = new Uint16Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashSlots.set(token, slot);
    const h = mix(token);
    for (let m = 0; m < MIXES; m++) {
      const v = mix(h ^ SEEDS[m]);
      this.hashes[slot + 2 * m] = v & 0xffff;
      this.hashes[slot + 2 * m + 1] = v >>> 16;
    }
    return slot;
  }

  /**
   * Compares entry x with the entries sharing one of its buckets (`lower`: only those before it, when every entry is
   * looked up in turn) and keeps the best match of both. Returns the work done (candidates seen).
   */
  private query(x: number, lower: boolean): number {
    if (!this.aliveOf[x] || this.sizeOf[x] < MIN_TRIGRAMS) return 1;
    const stamp = ++this.stamp;
    let work = 0;
    for (let band = 0; band < BANDS; band++) {
      const key = this.keys[x * BANDS + band];
      if (band < this.bands.length) {
        const { order, keys, position } = this.bands[band];
        // The run of this key: from x's own position when x was there at the build, else by binary search.
        let at: number;
        if (x < position.length) at = position[x];
        else {
          let low = 0;
          let high = keys.length;
          while (low < high) {
            const middle = (low + high) >>> 1;
            if (keys[middle] >>> 0 < key >>> 0) low = middle + 1;
            else high = middle;
          }
          at = low;
        }
        for (let i = at - 1; i >= 0 && keys[i] === key; i--) work += this.compare(x, order[i], stamp);
        if (!lower) for (let i = x < position.length ? at + 1 : at; i < keys.length && keys[i] === key; i++) work += this.compare(x, order[i], stamp);
      }
      if (!lower) for (const y of this.recent.get(mix(key ^ band)) ?? []) work += this.compare(x, y, stamp);
    }
    return work;
  }

  /** Verifies one candidate pair and keeps it as the best match of either side. */
  private compare(x: number, y: number, stamp: number): number {
    if (this.seen[y] === stamp || y === x) return 1;
    this.seen[y] = stamp;
    const t = this.threshold;
    const xSize = this.sizeOf[x];
    const ySize = this.sizeOf[y];
    if (!this.aliveOf[y] || this.intentOf[y] === this.intentOf[x] || ySize < MIN_TRIGRAMS || ySize < t * xSize - EPS || xSize < t * ySize - EPS) return 1;
    const similarity = similarityAtLeast(this.pool, this.startOf[x], xSize, this.startOf[y], ySize, t);
    if (similarity < 0) return 1;
    // The same words are a duplicate-example, not a confusable one.
    if (similarity === 1 && this.examples[x].normalized === this.examples[y].normalized) return 1;
    if (similarity > this.similarityOf[x]) {
      this.similarityOf[x] = similarity;
      this.bestOf[x] = y;
    }
    if (similarity > this.similarityOf[y]) {
      this.similarityOf[y] = similarity;
      this.bestOf[y] = x;
    }
    return 1;
  }

  private grow(): void {
    const size = this.intentOf.length * 2;
    const grown = <T extends Int32Array | Uint8Array | Float64Array>(array: T, make: (n: number) => T): T => {
      const copy = make(size);
      copy.set(array as never);
      return copy;
    };
    this.intentOf = grown(this.intentOf, (n) => new Int32Array(n));
    this.startOf = grown(this.startOf, (n) => new Int32Array(n));
    this.sizeOf = grown(this.sizeOf, (n) => new Int32Array(n));
    this.aliveOf = grown(this.aliveOf, (n) => new Uint8Array(n));
    this.bestOf = grown(this.bestOf, (n) => new Int32Array(n));
    this.similarityOf = grown(this.similarityOf, (n) => new Float64Array(n));
    this.keys = grown(this.keys, (n) => new Int32Array(n * BANDS));
    const seen = new Int32Array(size).fill(-1);
    seen.set(this.seen);
    this.seen = seen;
  }

  /** The examples still in the bot that have a match: the example, its most similar one, and how similar. */
  *matches(): Generator<{ example: ExampleText; other: ExampleText; similarity: number }, void, void> {
    for (let i = 0; i < this.examples.length; i++) {
      if (this.aliveOf[i] && this.bestOf[i] !== -1) yield { example: this.examples[i], other: this.examples[this.bestOf[i]], similarity: this.similarityOf[i] };
    }
  }

  /** Entries in the index, removed ones included (they go at the next build). */
  get size(): number {
    return this.examples.length;
  }
}

/**
 * The Jaccard index of two sorted runs of the pool, or -1 as soon as it cannot reach `t`: it needs an overlap of
 * ⌈t/(1+t)·(|a|+|b|)⌉, so the merge stops once too many trigrams were missed.
 */
function similarityAtLeast(pool: Int32Array, a: number, aSize: number, b: number, bSize: number, t: number): number {
  const total = aSize + bSize;
  const needed = Math.ceil((t / (1 + t)) * total - EPS);
  const aEnd = a + aSize;
  const bEnd = b + bSize;
  let shared = 0;
  // Misses allowed on each side: the overlap cannot exceed size minus misses.
  let aSlack = aSize - needed;
  let bSlack = bSize - needed;
  while (a < aEnd && b < bEnd) {
    const x = pool[a];
    const y = pool[b];
    if (x === y) {
      shared++;
      a++;
      b++;
    } else if (x < y) {
      a++;
      if (--aSlack < 0) return -1;
    } else {
      b++;
      if (--bSlack < 0) return -1;
    }
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

/** A file's examples per language, with their normalised words (computed once per version of the file). */
function examplesOf(model: FileModel): Map<string, ExampleText[]> {
  return perFile('confusable-examples', model, '', () => {
    const byLocale = new Map<string, ExampleText[]>();
    const normalized = normalizedOf(model);
    for (const [intent, info] of model.intents) {
      for (const [locale, examples] of info.examples) {
        let list = byLocale.get(locale);
        if (!list) byLocale.set(locale, (list = []));
        const words = normalized.get(`${intent}\u0000${locale}`) ?? [];
        examples.forEach((e, i) => list.push({ uri: model.uri, intent, span: e.span, text: e.text, normalized: words[i] }));
      }
    }
    return byLocale;
  });
}

/** The confusable examples of a bot: one index per language, and the file versions they hold. */
interface BotState {
  threshold: number;
  models: Map<string, FileModel>;
  locales: Map<string, ConfusableIndex>;
}

const states = new WeakMap<Bot, BotState>();

/** Above this share of changed files (or of entries removed or added since the build), the index is built again. */
const REBUILD_SHARE = 0.3;

function* indexFor(context: BotContext, threshold: number): Generator<void, BotState, void> {
  const state = states.get(context.bot);
  const current = new Map(context.models.map((m) => [m.uri, m]));
  if (state && state.threshold === threshold) {
    const changed = [...current.values()].filter((m) => state.models.get(m.uri) !== m).map((m) => m.uri);
    for (const uri of state.models.keys()) if (!current.has(uri)) changed.push(uri);
    const deadShare = Math.max(0, ...[...state.locales.values()].map((index) => (index.dead + index.added) / Math.max(1, index.size)));
    if (changed.length <= Math.max(1, REBUILD_SHARE * current.size) && deadShare < REBUILD_SHARE) {
      // Small changes: updated in place, without pausing (a half-updated index must never be left behind).
      for (const uri of changed) {
        const byLocale = current.has(uri) ? examplesOf(current.get(uri)!) : new Map<string, ExampleText[]>();
        for (const locale of byLocale.keys()) if (!state.locales.has(locale)) state.locales.set(locale, new ConfusableIndex(threshold));
        for (const [locale, index] of state.locales) index.update(uri, current.has(uri) ? (byLocale.get(locale) ?? []) : undefined);
      }
      state.models = current;
      return state;
    }
  }
  // Built from scratch into a new state, stored only once complete: a build the server abandons leaves nothing.
  states.delete(context.bot);
  const byLocale = new Map<string, Map<string, ExampleText[]>>();
  for (const model of current.values()) {
    for (const [locale, examples] of examplesOf(model)) {
      let files = byLocale.get(locale);
      if (!files) byLocale.set(locale, (files = new Map()));
      files.set(model.uri, examples);
    }
    yield;
  }
  const fresh: BotState = { threshold, models: current, locales: new Map() };
  for (const [locale, files] of byLocale) {
    const index = new ConfusableIndex(threshold);
    yield* index.build(files);
    fresh.locales.set(locale, index);
  }
  states.set(context.bot, fresh);
  return fresh;
}

/** The problem reported for an entry, kept while the entry, its match and their texts stay the same objects. */
const problems = new WeakMap<ExampleText, { other: ExampleText; similarity: number; problem: Problem }>();

export function* checkConfusables(context: BotContext, report: Report): Generator<void, void, void> {
  const threshold = context.manifest?.confusableSimilarity ?? DEFAULT_SIMILARITY;
  const state = yield* indexFor(context, threshold);
  for (const [locale, index] of state.locales) {
    yield;
    for (const { example, other, similarity } of index.matches()) {
      // The same problem object as before when nothing changed: the server then sees at once that the file's
      // diagnostics did not change (tens of thousands of them on a big bot).
      const known = problems.get(example);
      if (known && known.other === other && known.similarity === similarity) {
        report.add(example.uri, known.problem);
        continue;
      }
      const problem: Problem = {
        code: 'confusable-examples',
        message: `This example is ${Math.round(similarity * 100)}% like "${other.text}" in \`${other.intent}\`: the bot may confuse \`${example.intent}\` and \`${other.intent}\`.`,
        span: example.span,
        related: [{ uri: other.uri, span: other.span, message: `In \`${other.intent}\`` }],
        data: { moveTo: [other.intent], locale },
      };
      problems.set(example, { other, similarity, problem });
      report.add(example.uri, problem);
    }
  }
}
