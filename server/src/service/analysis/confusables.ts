/**
 * Confusable examples: nearly the same training example in two intents. Similarity is the Jaccard index of the
 * examples' character trigrams (after the same normalisation as duplicates). Candidate pairs come from MinHash
 * locality-sensitive hashing with banding (Leskovec, Rajaraman and Ullman, "Mining of Massive Datasets", ch. 3), then
 * every candidate is verified exactly. Each example is hashed once per file version, so the work grows with the
 * number of examples, not with its square. With 10 bands of 5 rows, a pair at 85 % similarity becomes a candidate with
 * probability 0.997, one at 50 % with 0.27, one at 20 % with 0.003.
 * (One-permutation hashing was tried first: on short sentences most of its bins are copies, and every sentence with
 * "please" fell in one bucket.)
 */
import type { FileModel, Span } from '../types';
import type { BotContext, Report } from './context';
import { normalizedOf } from './intents';

export const DEFAULT_SIMILARITY = 0.85;

/** 32-bit mixing (the finaliser of MurmurHash3). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

const BANDS = 10;
const ROWS = 5;
const HASHES = BANDS * ROWS;
/**
 * The hash functions: MurmurHash3's finaliser of the token xor a fixed seed. (Multiply-add hashes were tried first:
 * they are cheaper but far from min-wise independent, and every sentence ending in "if you can" shared a bucket.)
 */
const SEEDS = Int32Array.from({ length: HASHES }, (_, i) => mix(0x9e3779b9 + i * 0x632be5ab));

export interface Example {
  uri: string;
  intent: string;
  locale?: string;
  span: Span;
  text: string;
  normalized: string;
  /** Trigram hashes, sorted, without repeats. */
  tokens: Int32Array;
  signature: Int32Array;
}

/** The hashes of the character trigrams of ` text `, sorted and unique. */
export function trigramHashes(normalized: string): Int32Array {
  const padded = ` ${normalized} `;
  const hashes = new Int32Array(Math.max(0, padded.length - 2));
  for (let i = 0; i + 3 <= padded.length; i++) {
    hashes[i] = mix(padded.charCodeAt(i) + Math.imul(padded.charCodeAt(i + 1), 0x9e3779b1) + Math.imul(padded.charCodeAt(i + 2), 0x85ebca77));
  }
  hashes.sort();
  let unique = 0;
  for (let i = 0; i < hashes.length; i++) if (i === 0 || hashes[i] !== hashes[i - 1]) hashes[unique++] = hashes[i];
  return hashes.slice(0, unique);
}

/** MinHash: for each hash function, the smallest value over the tokens. */
export function signatureOf(tokens: Int32Array): Int32Array {
  const signature = new Int32Array(HASHES);
  for (let i = 0; i < HASHES; i++) {
    const seed = SEEDS[i];
    let min = 0x7fffffff;
    for (let t = 0; t < tokens.length; t++) {
      let h = tokens[t] ^ seed;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h = (h ^ (h >>> 16)) >>> 1;
      if (h < min) min = h;
    }
    signature[i] = min;
  }
  return signature;
}

export function jaccard(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/** Every example's best match in another intent at or above `threshold` (verified exactly). */
export function findConfusables(examples: Example[], threshold: number): Map<Example, { other: Example; similarity: number }> {
  const steps = findConfusablesInSteps(examples, threshold);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Pair comparisons between two pauses of the generator: a few milliseconds of work. */
const WORK_PER_STEP = 20_000;

function* findConfusablesInSteps(examples: Example[], threshold: number): Generator<void, Map<Example, { other: Example; similarity: number }>, void> {
  let work = 0;
  const intentIds = new Map<string, number>();
  const intentOf = Int32Array.from(examples, (e) => {
    let id = intentIds.get(e.intent);
    if (id === undefined) intentIds.set(e.intent, (id = intentIds.size));
    return id;
  });
  const bestOther = new Int32Array(examples.length).fill(-1);
  const bestSimilarity = new Float64Array(examples.length);
  /** The last example that looked at each example as a candidate: a set without allocations. */
  const seenBy = new Int32Array(examples.length).fill(-1);
  for (let band = 0; band < BANDS; band++) {
    yield;
    const buckets = new Map<number, number[]>();
    for (let i = 0; i < examples.length; i++) {
      if (i % 5000 === 4999) yield;
      const e = examples[i];
      if (e.tokens.length < 3) continue;
      let key = band;
      for (let r = 0; r < ROWS; r++) key = mix(key ^ e.signature[band * ROWS + r]);
      const bucket = buckets.get(key);
      if (bucket) bucket.push(i);
      else buckets.set(key, [i]);
    }
    for (const bucket of buckets.values()) {
      if (bucket.length < 2) continue;
      for (let a = 1; a < bucket.length; a++) {
        work += a;
        if (work > WORK_PER_STEP) {
          work = 0;
          yield;
        }
        const x = bucket[a];
        const tokens = examples[x].tokens;
        for (let b = 0; b < a; b++) {
          const y = bucket[b];
          if (seenBy[y] === x || intentOf[y] === intentOf[x]) continue;
          seenBy[y] = x;
          const sizes = tokens.length / examples[y].tokens.length;
          if (sizes < threshold || 1 / sizes < threshold) continue; // Jaccard is at most the ratio of the sizes
          if (examples[y].normalized === examples[x].normalized) continue; // the same words: duplicate-example
          const similarity = jaccard(tokens, examples[y].tokens);
          if (similarity < threshold) continue;
          if (similarity > bestSimilarity[x]) {
            bestSimilarity[x] = similarity;
            bestOther[x] = y;
          }
          if (similarity > bestSimilarity[y]) {
            bestSimilarity[y] = similarity;
            bestOther[y] = x;
          }
        }
      }
    }
  }
  const best = new Map<Example, { other: Example; similarity: number }>();
  bestOther.forEach((other, i) => {
    if (other !== -1) best.set(examples[i], { other: examples[other], similarity: bestSimilarity[i] });
  });
  return best;
}

/** Hashes of each example, per file version (files that did not change keep theirs). */
const hashed = new WeakMap<FileModel, Map<string, Example[]>>();

/** The hashed examples of a file, computed once per version of it, pausing every few hundred examples. */
function* examplesOf(model: FileModel): Generator<void, Map<string, Example[]>, void> {
  const known = hashed.get(model);
  if (known) return known;
  const byLocale = new Map<string, Example[]>();
  let count = 0;
  const normalizedExamples = normalizedOf(model);
  for (const [intent, info] of model.intents) {
    for (const [locale, examples] of info.examples) {
      let list = byLocale.get(locale);
      if (!list) byLocale.set(locale, (list = []));
      const normalized = normalizedExamples.get(`${intent}\u0000${locale}`) ?? [];
      for (const [index, e] of examples.entries()) {
        if (++count % 500 === 0) yield;
        const tokens = trigramHashes(normalized[index]);
        list.push({ uri: model.uri, intent, locale, span: e.span, text: e.text, normalized: normalized[index], tokens, signature: signatureOf(tokens) });
      }
    }
  }
  hashed.set(model, byLocale);
  return byLocale;
}

export function* checkConfusables(context: BotContext, report: Report): Generator<void, void, void> {
  const threshold = context.manifest?.confusableSimilarity ?? DEFAULT_SIMILARITY;
  const byLocale = new Map<string, Example[]>();
  for (const model of context.models) {
    for (const [locale, list] of yield* examplesOf(model)) {
      const all = byLocale.get(locale);
      if (all) for (const e of list) all.push(e);
      else byLocale.set(locale, [...list]);
    }
  }
  for (const examples of byLocale.values()) {
    const best = yield* findConfusablesInSteps(examples, threshold);
    yield;
    for (const [example, match] of best) {
      report.add(example.uri, {
        code: 'confusable-examples',
        message: `This example is ${Math.round(match.similarity * 100)}% like "${match.other.text}" in \`${match.other.intent}\`: the bot may confuse \`${example.intent}\` and \`${match.other.intent}\`.`,
        span: example.span,
        related: [{ uri: match.other.uri, span: match.other.span, message: `In \`${match.other.intent}\`` }],
        data: { moveTo: [match.other.intent], locale: example.locale },
      });
    }
  }
}
