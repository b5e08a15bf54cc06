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
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
}

const scratch = new IntList();
const codes: number[] = [];

function collectHashes(text: string, entities: readonly string[], out: IntList): void {
  out.length = 0;
  for (const entity of entities) out.push(hashWord(entity, SEED_ENTITY) & MASK);
  const tokens = words(text);
  if (tokens.length > 0) {
    out.push(hashWord(tokens[0], SEED_FIRST) & MASK);
    out.push(hashWord(tokens[tokens.length - 1], SEED_LAST) & MASK);
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    out.push(hashWord(token, SEED_WORD) & MASK);
    if (i + 1 < tokens.length) out.push(hashWord(tokens[i + 1], Math.imul(hashWord(token, SEED_PAIR) ^ SPACE, FNV_PRIME)) & MASK);
    codes.length = 0;
    codes.push(SPACE);
    for (let j = 0; j < token.length; j++) codes.push(token.charCodeAt(j));
    codes.push(SPACE);
    for (let n = token.length > MAX_LENGTH_FOR_TRIGRAMS ? 4 : 3; n <= 4; n++) {
      for (let s = 0; s + n <= codes.length; s++) {
        let h = SEED_CHARS[n];
        for (let j = s; j < s + n; j++) h = Math.imul(h ^ codes[j], FNV_PRIME);
        out.push(h & MASK);
      }
    }
  }
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

/** Appends the distinct hashes of `hashes`, sorted, and how many times each occurs. */
function appendCounts(hashes: IntList, keys: IntList, counts: IntList): void {
  const sorted = hashes.data.subarray(0, hashes.length).sort();
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      keys.push(sorted[i]);
      counts.push(1);
    } else counts.data[counts.length - 1]++;
  }
}

/** The features of a text and of the entities found in it (entity ids). */
export function countFeatures(text: string, entities: readonly string[] = []): FeatureCounts {
  collectHashes(text, entities, scratch);
  sortedKeys.length = 0;
  sortedCounts.length = 0;
  appendCounts(scratch, sortedKeys, sortedCounts);
  return { keys: sortedKeys.data.slice(0, sortedKeys.length), counts: sortedCounts.data.slice(0, sortedCounts.length) };
}

/** The features of many texts (training examples). */
export function countAll(texts: { text: string; entities?: readonly string[] }[]): FeatureTable {
  const keys = new IntList();
  const counts = new IntList();
  const offsets = new Int32Array(texts.length + 1);
  texts.forEach(({ text, entities }, i) => {
    collectHashes(text, entities ?? [], scratch);
    appendCounts(scratch, keys, counts);
    offsets[i + 1] = keys.length;
  });
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

/** The vocabulary of a training set: feature ids and their inverse document frequencies. */
export class Vocabulary {
  private constructor(
    private readonly ids: FeatureMap,
    private readonly idf: Float32Array,
    private readonly unknownIdf: number,
  ) {}

  static build(table: FeatureTable): Vocabulary {
    const ids = new FeatureMap();
    let frequency = new Int32Array(1024);
    for (const key of table.keys) {
      const id = ids.intern(key);
      if (id === frequency.length) {
        const bigger = new Int32Array(frequency.length * 2);
        bigger.set(frequency);
        frequency = bigger;
      }
      frequency[id]++;
    }
    const n = table.offsets.length - 1;
    const idf = new Float32Array(ids.size);
    for (let id = 0; id < ids.size; id++) idf[id] = Math.log((n + 1) / (frequency[id] + 1)) + 1;
    return new Vocabulary(ids, idf, Math.log(n + 1) + 1);
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

  /** The training texts as vectors (all their features are in the vocabulary). */
  vectorAll(table: FeatureTable): SparseTable {
    const { offsets, keys, counts } = table;
    const ids = new Int32Array(keys.length);
    const weights = new Float32Array(keys.length);
    for (let t = 0; t + 1 < offsets.length; t++) {
      let norm = 0;
      for (let i = offsets[t]; i < offsets[t + 1]; i++) {
        const id = this.ids.get(keys[i]);
        const w = (1 + Math.log(counts[i])) * this.idf[id];
        ids[i] = id;
        weights[i] = w;
        norm += w * w;
      }
      norm = Math.sqrt(norm) || 1;
      for (let i = offsets[t]; i < offsets[t + 1]; i++) weights[i] /= norm;
    }
    return { offsets, ids, weights };
  }
}
