/**
 * The intent model: a linear classifier over the features of features.ts, trained in-process from the bot's examples.
 *
 * Training is an averaged passive-aggressive multiclass learner (Crammer et al., 2006): for each example in turn, the
 * score of its intent must beat every other intent's score, and a score of 0 ("none of them"), by a margin of 1; when it
 * does not, the weights move just enough to fix it (at most C = 1). The result is the average of the weights over all
 * steps from the second pass on, which makes it stable. Examples are visited in a seeded order: training is
 * deterministic. Five passes; an example that beat its rivals by the margin skips the next pass (shrinking).
 *
 * Each intent only learns weights for the features that occur in its own examples ("observed pairs", as in classic
 * maximum-entropy models): memory grows with the examples, not with intents × features, and it regularises.
 * Weights are stored per feature as a list of (intent, weight), so scoring a sentence visits only what it contains.
 *
 * Confidence: the best score times the sentence's coverage (how much of it the vocabulary knows), clamped to 0..1.
 * A training example scores about 1 by construction of the margin; a sentence made of unknown words scores 0.
 */
import { countAll, countFeatures, Vocabulary } from './features';
import type { SparseTable } from './features';
import { seededRandom } from './random';

export interface IntentScore {
  intent: string;
  confidence: number;
}

export interface TrainingOptions {
  /** Passes over the examples. Default 5. */
  epochs?: number;
  /** Seed of the order in which examples are visited. */
  seed?: number;
}

const AGGRESSIVENESS = 1;
const AVERAGE_FROM = 1;

/** Where the weights are: feature f's at start[f] .. start[f + 1], for the intents in `intentOf` (sorted). */
interface Layout {
  intents: number;
  start: Int32Array;
  intentOf: Int32Array;
}

export class IntentModel {
  private readonly scores: Float64Array;

  private constructor(
    readonly intents: string[],
    private readonly vocabulary: Vocabulary,
    private readonly layout: Layout,
    private readonly weights: Float32Array,
  ) {
    this.scores = new Float64Array(intents.length);
  }

  /** Trains on examples: a text, its intent, and the ids of the entities marked in it. */
  static train(examples: { text: string; intent: string; entities?: readonly string[] }[], options: TrainingOptions = {}): IntentModel {
    const intents: string[] = [];
    const intentIndex = new Map<string, number>();
    const labels = new Int32Array(examples.length);
    examples.forEach((example, n) => {
      let c = intentIndex.get(example.intent);
      if (c === undefined) {
        c = intents.length;
        intentIndex.set(example.intent, c);
        intents.push(example.intent);
      }
      labels[n] = c;
    });
    const counted = countAll(examples);
    const vocabulary = Vocabulary.build(counted);
    const vectors = vocabulary.vectorAll(counted);
    const { layout, own } = observedPairs(vectors, labels, intents.length, vocabulary.size);
    const weights = trainWeights(vectors, labels, layout, own, options);
    return new IntentModel(intents, vocabulary, layout, weights);
  }

  /**
   * The intents ranked by confidence, best first (at most `limit`, only those above 0), for a text and the ids of the
   * entities found in it.
   */
  rank(text: string, limit = 5, entities: readonly string[] = []): IntentScore[] {
    const vector = this.vocabulary.vector(countFeatures(text, entities));
    const scores = this.scores;
    scores.fill(0);
    addScores(vector.ids, vector.weights, 0, vector.ids.length, this.layout, this.weights, scores);
    return topIndices(scores, limit)
      .map((c) => ({ intent: this.intents[c], confidence: clamp01(scores[c] * vector.coverage) }))
      .filter((s) => s.confidence > 0);
  }
}

/** The indices of the `limit` largest scores, largest first (ties: the lower index first). */
function topIndices(scores: Float64Array, limit: number): number[] {
  const top: number[] = [];
  for (let c = 0; c < scores.length; c++) {
    if (top.length === limit && !(scores[c] > scores[top[limit - 1]])) continue;
    if (top.length === limit) top.pop();
    let i = top.length;
    top.push(c);
    while (i > 0 && scores[top[i - 1]] < scores[c]) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = c;
  }
  return top;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : Math.round(x * 1e4) / 1e4;
}

/** Adds to `scores` the features ids[from .. to] with their values. */
function addScores(ids: Int32Array, values: Float32Array, from: number, to: number, layout: Layout, weights: Float32Array, scores: Float64Array): void {
  const { start, intentOf } = layout;
  for (let k = from; k < to; k++) {
    const f = ids[k];
    const v = values[k];
    for (let p = start[f], end = start[f + 1]; p < end; p++) scores[intentOf[p]] += weights[p] * v;
  }
}

/** The (feature, intent) pairs seen in training, and for each example's feature where its own pair is (`own`, aligned with `ids`). */
function observedPairs(vectors: SparseTable, labels: Int32Array, intents: number, features: number): { layout: Layout; own: Int32Array } {
  const { offsets, ids } = vectors;
  const byIntent: number[][] = Array.from({ length: intents }, () => []);
  labels.forEach((c, n) => byIntent[c].push(n));
  // Intents are visited in order: a feature's pair with intent c is new when the feature was last seen with another.
  const lastIntent = new Int32Array(features).fill(-1);
  const start = new Int32Array(features + 1);
  for (let c = 0; c < intents; c++) {
    for (const n of byIntent[c]) {
      for (let k = offsets[n]; k < offsets[n + 1]; k++) {
        const f = ids[k];
        if (lastIntent[f] !== c) {
          lastIntent[f] = c;
          start[f + 1]++;
        }
      }
    }
  }
  for (let f = 0; f < features; f++) start[f + 1] += start[f];
  const layout: Layout = { intents, start, intentOf: new Int32Array(start[features]) };
  const next = start.slice(0, features);
  const own = new Int32Array(ids.length);
  lastIntent.fill(-1);
  // Postings come out sorted by intent, and an example's own pair is the latest posting of the feature.
  for (let c = 0; c < intents; c++) {
    for (const n of byIntent[c]) {
      for (let k = offsets[n]; k < offsets[n + 1]; k++) {
        const f = ids[k];
        if (lastIntent[f] !== c) {
          lastIntent[f] = c;
          layout.intentOf[next[f]++] = c;
        }
        own[k] = next[f] - 1;
      }
    }
  }
  return { layout, own };
}

/** Where the weight of (feature, intent) is, or -1 when that pair was not seen in training. */
function positionOf(layout: Layout, f: number, c: number): number {
  const { start, intentOf } = layout;
  let lo = start[f];
  let hi = start[f + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = intentOf[mid];
    if (v === c) return mid;
    if (v < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function trainWeights(vectors: SparseTable, labels: Int32Array, layout: Layout, own: Int32Array, options: TrainingOptions): Float32Array {
  const { offsets, ids, weights: values } = vectors;
  const intents = layout.intents;
  const epochs = options.epochs ?? 5;
  const random = seededRandom(options.seed ?? 1);
  const n = labels.length;
  const weights = new Float32Array(layout.intentOf.length);
  // Averaging (from the second pass: the first one starts from nothing) without a copy per step: keep the sum of
  // step × update, and subtract its mean at the end.
  const stepSums = new Float32Array(layout.intentOf.length);
  const scores = new Float64Array(intents);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  // Shrinking: an example that beat every rival by the margin is skipped in the next pass (it is seen every other pass
  // at least), as in liblinear. Halves the work of the later passes at no measurable cost.
  const skipNext = new Uint8Array(n);
  let step = 1;
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (epoch === AVERAGE_FROM) step = 1;
    const averaging = epoch >= AVERAGE_FROM;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let o = 0; o < n; o++, step++) {
      const e = order[o];
      if (skipNext[e]) {
        skipNext[e] = 0;
        continue;
      }
      const from = offsets[e];
      const to = offsets[e + 1];
      const label = labels[e];
      scores.fill(0);
      addScores(ids, values, from, to, layout, weights, scores);
      // The strongest rival; -1 stands for "none of them", whose score is 0.
      let rival = -1;
      let rivalScore = 0;
      for (let c = 0; c < intents; c++) {
        if (c !== label && scores[c] > rivalScore) {
          rivalScore = scores[c];
          rival = c;
        }
      }
      const loss = 1 - (scores[label] - rivalScore);
      if (loss <= 0) {
        skipNext[e] = 1;
        continue;
      }
      // ||x|| = 1, so the update's norm is 1 (rival = none) or 2.
      const tau = Math.min(AGGRESSIVENESS, loss / (rival === -1 ? 1 : 2));
      for (let k = from; k < to; k++) {
        const delta = values[k] * tau;
        const p = own[k];
        weights[p] += delta;
        if (averaging) stepSums[p] += step * delta;
        if (rival === -1) continue;
        const q = positionOf(layout, ids[k], rival);
        if (q === -1) continue;
        weights[q] -= delta;
        if (averaging) stepSums[q] -= step * delta;
      }
    }
  }
  for (let p = 0; p < weights.length; p++) weights[p] -= stepSums[p] / step;
  return weights;
}
