/**
 * What the intent model sees of a sentence: hashed n-grams, weighted by tf-idf and scaled to length 1.
 *   - words and pairs of neighbouring words: `track`, `track my`;
 *   - the first and the last word, marked as such: how a request starts and ends says a lot;
 *   - the 4-letter pieces of each word with its edges (` tra`, `rack`, `ack `), and the 3-letter pieces of words of up
 *     to 5 letters (longer words have enough 4-letter ones; measured better and faster on CLINC150): they survive
 *     typos, plurals and conjugations;
 *   - the entities found in the sentence (`[AcmeBook](product:laptop)` in an example, `my laptop` said by the user,
 *     both count as "a product"), so that any product teaches about all products.
 * Hashes are 30-bit FNV-1a values; collisions at that size are rare and harmless.
 */
import type { Steps } from './steps';
import { words } from './text';

const FNV_PRIME = 16777619;
const MASK = 0x3fffffff;
const SEED_WORD = 0x811c9dc5;
const SEED_PAIR = 0x01000193;
const SEED_FIRST = 0x2545f491;
const SEED_LAST = 0x5bd1e995;
const SEED_CHARS = [0, 0, 0, 0x9e3779b1, 0x85ebca6b];
const SEED_ENTITY = 0xc2b2ae35;
const SPACE = 32;
/** Words longer than this get no 3-letter pieces. */
const MAX_LENGTH_FOR_TRIGRAMS = 5;

function hashWord(word: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h;
}

/** A growable list of 32-bit integers, reused between sentences. */
class IntList {
  data = new Int32Array(256);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length++] = value;
  }
  /** Makes room for `size` values in all. */
  reserve(size: number): void {
    if (size <= this.data.length) return;
    const bigger = new Int32Array(Math.max(size, this.data.length * 2));
    bigger.set(this.data.subarray(0, this.length));
    this.data = bigger;
  }
}

/**
 * The words of a text as character codes, each word between spaces (` track my order `): what `words` gives, without
 * a string per word. Plain ASCII (most sentences) is read directly; other text goes through `words` (accents, other
 * scripts).
 */
class Tokens {
  /** The character codes, a space before and after each word. */
  codes = new Int32Array(256);
  /** Where each word starts in `codes` (after its space), and ends (at its space). */
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  count = 0;
  private size = 0;

  read(text: string): void {
    this.count = 0;
    this.size = 0;
    this.room(text.length * 2 + 2, text.length + 1);
    let ascii = true;
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 127) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      for (const word of words(text)) {
        this.room(this.size + word.length + 2, this.count + 1);
        this.codes[this.size++] = SPACE;
        this.starts[this.count] = this.size;
        for (let j = 0; j < word.length; j++) this.codes[this.size++] = word.charCodeAt(j);
        this.ends[this.count++] = this.size;
      }
      this.codes[this.size] = SPACE;
      return;
    }
    const codes = this.codes;
    let inWord = false;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) c += 32; // A-Z → a-z
      const wordChar = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
      if (wordChar) {
        if (!inWord) {
          codes[this.size++] = SPACE;
          this.starts[this.count] = this.size;
          inWord = true;
        }
        codes[this.size++] = c;
      } else if (inWord) {
        this.ends[this.count++] = this.size;
        inWord = false;
      }
    }
    if (inWord) this.ends[this.count++] = this.size;
    codes[this.size] = SPACE;
  }

  private room(codes: number, words: number): void {
    if (codes + 1 > this.codes.length) {
      const bigger = new Int32Array(Math.max(codes + 1, this.codes.length * 2));
      bigger.set(this.codes);
      this.codes = bigger;
    }
    if (words > this.starts.length) {
      const starts = new Int32Array(Math.max(words, this.starts.length * 2));
      const ends = new Int32Array(starts.length);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
  }

  /** The FNV-1a hash of word i from `seed`. */
  hash(i: number, seed: number): number {
    const codes = this.codes;
    let h = seed;
    for (let j = this.starts[i], end = this.ends[i]; j < end; j++) h = Math.imul(h ^ codes[j], FNV_PRIME);
    return h;
  }
}

const scratch = new IntList();
const tokens = new Tokens();
const SEED_TRIGRAM = SEED_CHARS[3];
const SEED_FOURGRAM = SEED_CHARS[4];

function collectHashes(text: string, entities: readonly string[], out: IntList): void {
  out.length = 0;
  for (const entity of entities) out.push(hashWord(entity, SEED_ENTITY) & MASK);
  tokens.read(text);
  const count = tokens.count;
  if (count === 0) return;
  const { codes, starts, ends } = tokens;
  // Per word: itself, the pair with the next one, 4-letter pieces (3-letter ones too for short words); plus first and
  // last. The most a word of n letters gives is 2 + (n - 1) + n pieces.
  out.reserve(entities.length + 2 + 2 * count + 2 * (ends[count - 1] + 2));
  const data = out.data;
  let n = out.length;
  data[n++] = tokens.hash(0, SEED_FIRST) & MASK;
  data[n++] = tokens.hash(count - 1, SEED_LAST) & MASK;
  for (let i = 0; i < count; i++) {
    data[n++] = tokens.hash(i, SEED_WORD) & MASK;
    if (i + 1 < count) data[n++] = tokens.hash(i + 1, Math.imul(tokens.hash(i, SEED_PAIR) ^ SPACE, FNV_PRIME)) & MASK;
    // The word with its edges: codes[start - 1] and codes[end] are spaces.
    const from = starts[i] - 1;
    const to = ends[i] + 1;
    if (to - from - 2 <= MAX_LENGTH_FOR_TRIGRAMS) {
      for (let s = from; s + 3 <= to; s++) {
        let h = Math.imul(SEED_TRIGRAM ^ codes[s], FNV_PRIME);
        h = Math.imul(h ^ codes[s + 1], FNV_PRIME);
        data[n++] = Math.imul(h ^ codes[s + 2], FNV_PRIME) & MASK;
      }
    }
    for (let s = from; s + 4 <= to; s++) {
      let h = Math.imul(SEED_FOURGRAM ^ codes[s], FNV_PRIME);
      h = Math.imul(h ^ codes[s + 1], FNV_PRIME);
      h = Math.imul(h ^ codes[s + 2], FNV_PRIME);
      data[n++] = Math.imul(h ^ codes[s + 3], FNV_PRIME) & MASK;
    }
  }
  out.length = n;
}

/** The distinct features of a text, sorted, with how many times each occurs. */
export interface FeatureCounts {
  keys: Int32Array;
  counts: Int32Array;
}

/** The features of many texts in flat arrays (no array per text): text i's are at offsets[i] .. offsets[i + 1]. */
export interface FeatureTable extends FeatureCounts {
  offsets: Int32Array;
}

const sortedKeys = new IntList();
const sortedCounts = new IntList();

/** Sorts values[0 .. length] in increasing order (an insertion sort: a sentence has a few dozen features). */
function sortSmall(values: Int32Array, length: number): void {
  if (length > 256) {
    values.subarray(0, length).sort();
    return;
  }
  for (let i = 1; i < length; i++) {
    const v = values[i];
    let j = i - 1;
    while (j >= 0 && values[j] > v) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = v;
  }
}

/** Appends the distinct hashes of `hashes`, sorted, and how many times each occurs. */
function appendCounts(hashes: IntList, keys: IntList, counts: IntList): void {
  const sorted = hashes.data;
  const length = hashes.length;
  sortSmall(sorted, length);
  keys.reserve(keys.length + length);
  counts.reserve(counts.length + length);
  const keyData = keys.data;
  const countData = counts.data;
  let n = keys.length;
  for (let i = 0; i < length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      keyData[n] = sorted[i];
      countData[n++] = 1;
    } else countData[n - 1]++;
  }
  keys.length = n;
  counts.length = n;
}

/** The features of a text and of the entities found in it (entity ids). */
export function countFeatures(text: string, entities: readonly string[] = []): FeatureCounts {
  collectHashes(text, entities, scratch);
  sortedKeys.length = 0;
  sortedCounts.length = 0;
  appendCounts(scratch, sortedKeys, sortedCounts);
  return { keys: sortedKeys.data.slice(0, sortedKeys.length), counts: sortedCounts.data.slice(0, sortedCounts.length) };
}

/** Texts handled between two pauses of the stepped training (steps.ts): about a millisecond. */
const TEXTS_PER_STEP = 128;

/** The features of many texts (training examples), pausing now and then. */
export function* countAllInSteps(texts: readonly { text: string; entities?: readonly string[] }[]): Steps<FeatureTable> {
  const keys = new IntList();
  const counts = new IntList();
  const offsets = new Int32Array(texts.length + 1);
  for (let i = 0; i < texts.length; i++) {
    if (i % TEXTS_PER_STEP === 0) yield;
    collectHashes(texts[i].text, texts[i].entities ?? [], scratch);
    appendCounts(scratch, keys, counts);
    offsets[i + 1] = keys.length;
  }
  return { offsets, keys: keys.data.slice(0, keys.length), counts: counts.data.slice(0, counts.length) };
}

/** An open-addressing hash map from feature hashes (non-negative, well mixed) to small integers. */
class FeatureMap {
  private keys = new Int32Array(1024).fill(-1);
  private values = new Int32Array(1024);
  size = 0;

  get(key: number): number {
    const mask = this.keys.length - 1;
    for (let i = key & mask; ; i = (i + 1) & mask) {
      const k = this.keys[i];
      if (k === key) return this.values[i];
      if (k === -1) return -1;
    }
  }

  /** Adds the key with the next id if it is new; returns its id. */
  intern(key: number): number {
    if (this.size * 2 >= this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let i = key & mask; ; i = (i + 1) & mask) {
      const k = this.keys[i];
      if (k === key) return this.values[i];
      if (k === -1) {
        this.keys[i] = key;
        this.values[i] = this.size;
        return this.size++;
      }
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Int32Array(oldKeys.length * 2).fill(-1);
    this.values = new Int32Array(oldKeys.length * 2);
    const mask = this.keys.length - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const key = oldKeys[j];
      if (key === -1) continue;
      let i = key & mask;
      while (this.keys[i] !== -1) i = (i + 1) & mask;
      this.keys[i] = key;
      this.values[i] = oldValues[j];
    }
  }
}

/** A sentence as the model sees it: feature ids and weights (length 1), and how much of it the model knows (0 to 1). */
export interface SparseVector {
  ids: Int32Array;
  weights: Float32Array;
  /** The share of the sentence's tf-idf weight carried by features seen in training. */
  coverage: number;
}

/** Many sentences as the model sees them, in flat arrays: sentence i's features are at offsets[i] .. offsets[i + 1]. */
export interface SparseTable {
  offsets: Int32Array;
  ids: Int32Array;
  weights: Float32Array;
}

/** Feature occurrences counted between two pauses of the stepped training. */
const KEYS_PER_STEP = 16_384;

/** The vocabulary of a training set: feature ids and their inverse document frequencies. */
export class Vocabulary {
  private constructor(
    private readonly ids: FeatureMap,
    private readonly idf: Float32Array,
    private readonly unknownIdf: number,
  ) {}

  /**
   * The vocabulary of training texts (their features, from `countAllInSteps`) and the texts as vectors, pausing now
   * and then.
   */
  static *buildInSteps(table: FeatureTable): Steps<{ vocabulary: Vocabulary; vectors: SparseTable }> {
    const map = new FeatureMap();
    let frequency = new Int32Array(1024);
    const { offsets, keys, counts } = table;
    const ids = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      if (i % KEYS_PER_STEP === 0) yield;
      const id = map.intern(keys[i]);
      if (id === frequency.length) {
        const bigger = new Int32Array(frequency.length * 2);
        bigger.set(frequency);
        frequency = bigger;
      }
      frequency[id]++;
      ids[i] = id;
    }
    const n = offsets.length - 1;
    const idf = new Float32Array(map.size);
    for (let id = 0; id < map.size; id++) idf[id] = Math.log((n + 1) / (frequency[id] + 1)) + 1;
    const vocabulary = new Vocabulary(map, idf, Math.log(n + 1) + 1);
    // Sublinear tf-idf, scaled to length 1, as `vector` does.
    const weights = new Float32Array(keys.length);
    for (let t = 0; t < n; t++) {
      if (t % TEXTS_PER_STEP === 0) yield;
      let norm = 0;
      for (let i = offsets[t]; i < offsets[t + 1]; i++) {
        const w = (counts[i] === 1 ? 1 : 1 + Math.log(counts[i])) * idf[ids[i]];
        weights[i] = w;
        norm += w * w;
      }
      norm = Math.sqrt(norm) || 1;
      for (let i = offsets[t]; i < offsets[t + 1]; i++) weights[i] /= norm;
    }
    return { vocabulary, vectors: { offsets, ids, weights } };
  }

  get size(): number {
    return this.idf.length;
  }

  /** Sublinear tf-idf, scaled to length 1; unknown features only lower the coverage. */
  vector(features: FeatureCounts): SparseVector {
    const { keys, counts } = features;
    const ids = new Int32Array(keys.length);
    const weights = new Float32Array(keys.length);
    let n = 0;
    let known = 0;
    let unknown = 0;
    for (let i = 0; i < keys.length; i++) {
      const tf = 1 + Math.log(counts[i]);
      const id = this.ids.get(keys[i]);
      if (id === -1) {
        unknown += (tf * this.unknownIdf) ** 2;
        continue;
      }
      const w = tf * this.idf[id];
      ids[n] = id;
      weights[n++] = w;
      known += w * w;
    }
    const norm = Math.sqrt(known) || 1;
    for (let i = 0; i < n; i++) weights[i] /= norm;
    return {
      ids: n === keys.length ? ids : ids.slice(0, n),
      weights: n === keys.length ? weights : weights.slice(0, n),
      coverage: known + unknown > 0 ? Math.sqrt(known / (known + unknown)) : 0,
    };
  }
}
