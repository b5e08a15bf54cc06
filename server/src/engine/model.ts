/**
 * The intent model: a linear classifier over the features of features.ts, trained in-process from the bot's examples.
 *
 * Training is an averaged passive-aggressive multiclass learner (Crammer et al., 2006): for each example in turn, the
 * score of its intent must beat every other intent's score, and a score of 0 ("none of them"), by a margin of 1; when it
 * does not, the weights move just enough to fix it (at most C = 1). The result is the average of the weights over all
 * steps from the second pass on, which makes it stable. Examples are visited in a seeded order: training is
 * deterministic. Five passes; an example that beat its rivals by the margin skips the next pass (shrinking).
 *
 * Rivals: scoring every intent on an example is what training costs (it reads the weight of every intent for every
 * feature of the example). The first pass does it, and keeps for each example the 8 other intents that scored highest
 * on it (its candidates); the later passes only score the example's own intent and its candidates. An intent that did
 * not come near an example in the first pass is seldom its strongest rival later: on CLINC150 this measured as
 * accurate as scoring every intent in every pass (docs/engine.md), and the later passes no longer grow with the number
 * of intents.
 *
 * Each intent only learns weights for the features that occur in its own examples ("observed pairs", as in classic
 * maximum-entropy models): memory grows with the examples, not with intents × features, and it regularises.
 * Scoring a sentence reads only the weights of the features it contains (see Layout).
 *
 * Confidence: the best score times the sentence's coverage (how much of it the vocabulary knows), clamped to 0..1.
 * A training example scores about 1 by construction of the margin; a sentence made of unknown words scores 0.
 *
 * Training is written as steps (steps.ts): `trainInSteps` pauses about every millisecond of work, so the language
 * server can answer requests while a big bot trains; `train` runs it at once. Both give the same model.
 */
import { countAllInSteps, countFeatures, Vocabulary } from './features';
import type { SparseTable } from './features';
import { seededRandom } from './random';
import { runSteps } from './steps';
import type { Steps } from './steps';

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
/** Rivals kept per example after the first pass (at most 31). 4 to 16 measured alike on CLINC150. */
const CANDIDATES = 8;
/** Weights read (or looked up) between two pauses of a stepped training: about a millisecond. */
const WORK_PER_STEP = 200_000;

/**
 * Where the weights are. Most features are held by a few intents: their weights are listed per feature as (intent,
 * weight), sorted by intent: feature f's at start[f] .. start[f + 1], for the intents in `intentOf`. A feature held by
 * at least a quarter of the intents (`the`, `what`, ` wh`) has a row instead, with a place for every intent: row
 * r = denseRow[f] is at denseFrom + r × intents, in intent order (a place of an intent that does not hold the feature
 * stays 0). Rows have no intent list to read, and an intent's place in them is known without searching.
 */
interface Layout {
  intents: number;
  start: Int32Array;
  intentOf: Int32Array;
  /** The row of each feature, -1 for a listed one. */
  denseRow: Int32Array;
  rows: number;
  /** Where the rows start in the weights (after the lists). */
  denseFrom: number;
}

/** A feature held by at least this share of the intents gets a row (see Layout). */
const ROW_SHARE = 0.25;

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
  static train(examples: readonly TrainingExample[], options: TrainingOptions = {}): IntentModel {
    return runSteps(IntentModel.trainInSteps(examples, options));
  }

  /** The same training, pausing about every millisecond of work (steps.ts). */
  static *trainInSteps(examples: readonly TrainingExample[], options: TrainingOptions = {}): Steps<IntentModel> {
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
    const counted = yield* countAllInSteps(examples);
    const { vocabulary, vectors } = yield* Vocabulary.buildInSteps(counted);
    const { layout, held, own } = yield* observedPairs(vectors, labels, intents.length, vocabulary.size);
    const weights = yield* trainWeights(vectors, labels, layout, held, own, options);
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

export interface TrainingExample {
  text: string;
  intent: string;
  /** The ids of the entities marked in the example. */
  entities?: readonly string[];
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

/** Adds to `scores` the features ids[from .. to] with their values; returns how many weights it read. */
function addScores(ids: Int32Array, values: Float32Array, from: number, to: number, layout: Layout, weights: Float32Array, scores: Float64Array): number {
  const { start, intentOf, denseRow, denseFrom, intents } = layout;
  let read = 0;
  for (let k = from; k < to; k++) {
    const f = ids[k];
    const v = values[k];
    const r = denseRow[f];
    if (r !== -1) {
      for (let c = 0, p = denseFrom + r * intents; c < intents; c++, p++) scores[c] += weights[p] * v;
      read += intents;
      continue;
    }
    const end = start[f + 1];
    read += end - start[f];
    for (let p = start[f]; p < end; p++) scores[intentOf[p]] += weights[p] * v;
  }
  return read;
}

/** Examples handled between two pauses while pairing features with intents. */
const EXAMPLES_PER_CHECK = 512;

/**
 * The (feature, intent) pairs seen in training: the layout, which places of the rows are pairs (`held`, row by row),
 * and for each example's feature where its own pair is (`own`, aligned with `ids`): its place in the lists, or -1 - r
 * for a feature with row r.
 */
function* observedPairs(vectors: SparseTable, labels: Int32Array, intents: number, features: number): Steps<{ layout: Layout; held: Uint8Array; own: Int32Array }> {
  const { offsets, ids } = vectors;
  // The examples grouped by intent, in order (a counting sort).
  const first = new Int32Array(intents + 1);
  for (let n = 0; n < labels.length; n++) first[labels[n] + 1]++;
  for (let c = 0; c < intents; c++) first[c + 1] += first[c];
  const byIntent = new Int32Array(labels.length);
  const fill = first.slice(0, intents);
  for (let n = 0; n < labels.length; n++) byIntent[fill[labels[n]]++] = n;
  // Intents are visited in order: a feature's pair with intent c is new when the feature was last seen with another.
  const lastIntent = new Int32Array(features).fill(-1);
  const start = new Int32Array(features + 1);
  let c = 0;
  for (let i = 0; i < byIntent.length; i++) {
    if (i % EXAMPLES_PER_CHECK === 0) yield;
    const n = byIntent[i];
    while (i >= first[c + 1]) c++;
    for (let k = offsets[n]; k < offsets[n + 1]; k++) {
      const f = ids[k];
      if (lastIntent[f] !== c) {
        lastIntent[f] = c;
        start[f + 1]++;
      }
    }
  }
  const denseRow = new Int32Array(features).fill(-1);
  let rows = 0;
  for (let f = 0; f < features; f++) {
    if (start[f + 1] >= ROW_SHARE * intents) {
      denseRow[f] = rows++;
      start[f + 1] = 0;
    }
  }
  for (let f = 0; f < features; f++) start[f + 1] += start[f];
  const layout: Layout = { intents, start, intentOf: new Int32Array(start[features]), denseRow, rows, denseFrom: start[features] };
  const held = new Uint8Array(rows * intents);
  const next = start.slice(0, features);
  const own = new Int32Array(ids.length);
  lastIntent.fill(-1);
  // Lists come out sorted by intent, and an example's own pair is the latest entry of the feature's list.
  c = 0;
  for (let i = 0; i < byIntent.length; i++) {
    if (i % EXAMPLES_PER_CHECK === 0) yield;
    const n = byIntent[i];
    while (i >= first[c + 1]) c++;
    for (let k = offsets[n]; k < offsets[n + 1]; k++) {
      const f = ids[k];
      const r = denseRow[f];
      if (r !== -1) {
        held[r * intents + c] = 1;
        own[k] = -1 - r;
        continue;
      }
      if (lastIntent[f] !== c) {
        lastIntent[f] = c;
        layout.intentOf[next[f]++] = c;
      }
      own[k] = next[f] - 1;
    }
  }
  return { layout, held, own };
}

/** Where the weight of (listed feature, intent) is, or -1 when that pair was not seen in training. */
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

/** The rows part of `weights` with rows and intents swapped (rows × intents ↔ intents × rows). */
function transposeRows(weights: Float32Array | Uint8Array, from: number, rows: number, intents: number): void {
  const rowMajor = weights.slice(from, from + rows * intents);
  for (let r = 0; r < rows; r++) for (let c = 0; c < intents; c++) weights[from + c * rows + r] = rowMajor[r * intents + c];
}

function* trainWeights(vectors: SparseTable, labels: Int32Array, layout: Layout, held: Uint8Array, own: Int32Array, options: TrainingOptions): Steps<Float32Array> {
  const epochs = options.epochs ?? 5;
  const random = seededRandom(options.seed ?? 1);
  const n = labels.length;
  const learner = new Learner(vectors, labels, layout, held, own);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let work = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    learner.startPass(epoch);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let o = 0; o < n; o++) {
      if (work >= WORK_PER_STEP) {
        work = 0;
        yield;
      }
      work += learner.visit(order[o]);
    }
  }
  return learner.finish();
}

/** A growable list of 32-bit integers. */
class IntList {
  data = new Int32Array(1024);
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

/** The state of a training: weights, their running sums for the average, each example's candidates. */
class Learner {
  private readonly weights: Float32Array;
  // Averaging (from the second pass: the first one starts from nothing) without a copy per step: keep the sum of
  // step × update, and subtract its mean at the end.
  private readonly stepSums: Float32Array;
  private step = 1;
  private averaging = false;
  private everyIntent = true;
  // Shrinking: an example that beat every rival by the margin is skipped in the next pass (it is seen every other pass
  // at least), as in liblinear. Halves the work of the later passes at no measurable cost.
  private readonly skipNext: Uint8Array;
  private readonly scores: Float64Array;
  /** Candidates kept per example. */
  private readonly kept: number;
  /** Each example's candidates, in increasing intent order, -1 after the last. */
  private readonly candidates: Int32Array;
  private readonly top: Int32Array;
  private readonly topScores: Float64Array;
  /**
   * The candidates' pairs with the example's listed features, found when the candidates are chosen: example e's are
   * pairFrom[e] .. pairFrom[e] + pairCount[e] in `pairAt` (the place of the weight) and `pairOf` (the feature's index
   * in the example × 32 + the candidate's). Rows need no such list.
   */
  private readonly pairFrom: Int32Array;
  private readonly pairCount: Int32Array;
  private readonly pairAt = new IntList();
  private readonly pairOf = new IntList();
  private readonly candidateScores: Float64Array;
  /** For the example at hand: where the weights of its intent and of the rival are (-1: not a pair). */
  private readonly labelAt: Int32Array;
  private readonly rivalAt: Int32Array;
  /** The example's rows (their places) and its values for them. */
  private readonly rowsAt: Int32Array;
  private readonly rowValues: Float64Array;
  /** The strongest rival of the example at hand (-1: none of them, whose score is 0) and the loss. */
  private rival = -1;
  private loss = 0;
  // The place of (row r, intent c): denseFrom + r × intents + c in the first pass (it reads whole rows), then
  // denseFrom + c × rows + r (the later passes read a few intents' places in many rows).
  private byIntent = false;

  constructor(
    private readonly vectors: SparseTable,
    private readonly labels: Int32Array,
    private readonly layout: Layout,
    private readonly held: Uint8Array,
    private readonly own: Int32Array,
  ) {
    const { intents, rows, denseFrom } = layout;
    const n = labels.length;
    this.weights = new Float32Array(denseFrom + rows * intents);
    this.stepSums = new Float32Array(this.weights.length);
    this.skipNext = new Uint8Array(n);
    this.scores = new Float64Array(intents);
    this.kept = Math.max(0, Math.min(CANDIDATES, intents - 1));
    this.candidates = new Int32Array(n * this.kept).fill(-1);
    this.top = new Int32Array(this.kept);
    this.topScores = new Float64Array(this.kept);
    this.pairFrom = new Int32Array(n);
    this.pairCount = new Int32Array(n);
    this.candidateScores = new Float64Array(this.kept);
    let longest = 0;
    for (let e = 0; e < n; e++) longest = Math.max(longest, vectors.offsets[e + 1] - vectors.offsets[e]);
    this.labelAt = new Int32Array(longest);
    this.rivalAt = new Int32Array(longest);
    this.rowsAt = new Int32Array(longest);
    this.rowValues = new Float64Array(longest);
  }

  startPass(epoch: number): void {
    if (epoch === AVERAGE_FROM) this.step = 1;
    this.averaging = epoch >= AVERAGE_FROM;
    this.everyIntent = epoch === 0;
    if (epoch === 1) {
      const { denseFrom, rows, intents } = this.layout;
      transposeRows(this.weights, denseFrom, rows, intents);
      transposeRows(this.held, 0, rows, intents);
      this.byIntent = true;
    }
  }

  /** Learns from example e; returns the work done (weights read and written). */
  visit(e: number): number {
    const step = this.step++;
    if (this.skipNext[e]) {
      this.skipNext[e] = 0;
      return 1;
    }
    const from = this.vectors.offsets[e];
    const to = this.vectors.offsets[e + 1];
    const work = this.everyIntent ? this.scoreEveryIntent(e, from, to) : this.scoreCandidates(e, from, to);
    if (this.loss <= 0) {
      this.skipNext[e] = 1;
      return work;
    }
    return work + this.update(from, to, step);
  }

  /** Scores every intent (the first pass); keeps the example's candidates. */
  private scoreEveryIntent(e: number, from: number, to: number): number {
    const { scores, top, topScores, kept, weights, held, own, labelAt, rivalAt, rowsAt, rowValues } = this;
    const { intents, start, intentOf, denseFrom } = this.layout;
    const { ids, weights: values } = this.vectors;
    const label = this.labels[e];
    scores.fill(0);
    let work = 0;
    let rowCount = 0;
    for (let k = from; k < to; k++) {
      const v = values[k];
      const slot = own[k];
      if (slot < 0) {
        const row = denseFrom + (-1 - slot) * intents;
        labelAt[k - from] = row + label;
        rowsAt[rowCount] = row;
        rowValues[rowCount++] = v;
      } else {
        labelAt[k - from] = slot;
        const f = ids[k];
        const end = start[f + 1];
        work += end - start[f];
        for (let p = start[f]; p < end; p++) scores[intentOf[p]] += weights[p] * v;
      }
    }
    // Rows four at a time: one read and write of each score for four rows.
    let i = 0;
    for (; i + 3 < rowCount; i += 4) {
      const r0 = rowsAt[i], r1 = rowsAt[i + 1], r2 = rowsAt[i + 2], r3 = rowsAt[i + 3];
      const v0 = rowValues[i], v1 = rowValues[i + 1], v2 = rowValues[i + 2], v3 = rowValues[i + 3];
      for (let c = 0; c < intents; c++) scores[c] += weights[r0 + c] * v0 + weights[r1 + c] * v1 + weights[r2 + c] * v2 + weights[r3 + c] * v3;
    }
    for (; i < rowCount; i++) {
      const r = rowsAt[i];
      const v = rowValues[i];
      for (let c = 0; c < intents; c++) scores[c] += weights[r + c] * v;
    }
    work += rowCount * intents;
    const labelScore = scores[label];
    let rival = -1;
    let rivalScore = 0;
    let m = 0;
    for (let c = 0; c < intents; c++) {
      if (c === label) continue;
      const s = scores[c];
      if (s > rivalScore) {
        rivalScore = s;
        rival = c;
      }
      if (kept > 0 && (m < kept || s > topScores[m - 1])) {
        let i = m < kept ? m++ : kept - 1;
        while (i > 0 && topScores[i - 1] < s) {
          topScores[i] = topScores[i - 1];
          top[i] = top[i - 1];
          i--;
        }
        topScores[i] = s;
        top[i] = c;
      }
    }
    const mine = this.candidates.subarray(e * kept, e * kept + m);
    mine.set(top.subarray(0, m));
    mine.sort();
    // While the example's lists are at hand (in the processor's cache).
    this.findPairs(e, from, to, m);
    this.rival = rival;
    this.loss = 1 - (labelScore - rivalScore);
    if (rival !== -1 && this.loss > 0) {
      for (let k = from; k < to; k++) {
        const slot = own[k];
        const r = -1 - slot;
        rivalAt[k - from] = slot >= 0 ? positionOf(this.layout, ids[k], rival) : held[r * intents + rival] ? denseFrom + r * intents + rival : -1;
      }
    }
    return work;
  }

  /** Finds the pairs of example e's candidates with its listed features (a merge of sorted lists). */
  private findPairs(e: number, from: number, to: number, m: number): void {
    const { own, kept, candidates, pairAt, pairOf } = this;
    const { start, intentOf } = this.layout;
    const ids = this.vectors.ids;
    this.pairFrom[e] = pairAt.length;
    for (let k = from; k < to; k++) {
      if (own[k] < 0) continue;
      const f = ids[k];
      // Intents are distinct and sorted: intent c cannot be further than high - c places before the end of the list.
      const last = start[f + 1] - 1;
      const high = intentOf[last];
      let p = start[f];
      for (let i = 0; i < m; i++) {
        const c = candidates[e * kept + i];
        if (c > high) break;
        const skip = last - (high - c);
        if (skip > p) p = skip;
        while (intentOf[p] < c) p++;
        if (intentOf[p] === c) {
          pairAt.push(p);
          pairOf.push((k - from) * 32 + i);
        }
      }
    }
    this.pairCount[e] = pairAt.length - this.pairFrom[e];
  }

  /** Scores the example's intent and its candidates (the later passes). */
  private scoreCandidates(e: number, from: number, to: number): number {
    const { weights, held, own, kept, candidates, candidateScores, labelAt, rivalAt } = this;
    const { denseFrom, rows } = this.layout;
    const values = this.vectors.weights;
    const label = this.labels[e];
    const length = to - from;
    let m = 0;
    while (m < kept && candidates[e * kept + m] !== -1) m++;
    let labelScore = 0;
    candidateScores.fill(0);
    for (let k = from; k < to; k++) {
      const v = values[k];
      const slot = own[k];
      if (slot >= 0) {
        labelAt[k - from] = slot;
        labelScore += weights[slot] * v;
        continue;
      }
      const row = denseFrom + (-1 - slot);
      labelAt[k - from] = row + label * rows;
      labelScore += weights[row + label * rows] * v;
      for (let i = 0; i < m; i++) candidateScores[i] += weights[row + candidates[e * kept + i] * rows] * v;
    }
    const pairFrom = this.pairFrom[e];
    const pairTo = pairFrom + this.pairCount[e];
    const pairAt = this.pairAt.data;
    const pairOf = this.pairOf.data;
    for (let j = pairFrom; j < pairTo; j++) {
      const which = pairOf[j];
      candidateScores[which & 31] += weights[pairAt[j]] * values[from + (which >>> 5)];
    }
    let best = -1;
    let rivalScore = 0;
    for (let i = 0; i < m; i++) {
      if (candidateScores[i] > rivalScore) {
        rivalScore = candidateScores[i];
        best = i;
      }
    }
    this.loss = 1 - (labelScore - rivalScore);
    this.rival = best === -1 ? -1 : candidates[e * kept + best];
    if (best !== -1 && this.loss > 0) {
      const rival = this.rival;
      for (let k = from; k < to; k++) {
        const slot = own[k];
        const place = denseFrom + (-1 - slot) + rival * rows;
        rivalAt[k - from] = slot < 0 && held[place - denseFrom] ? place : -1;
      }
      for (let j = pairFrom; j < pairTo; j++) if ((pairOf[j] & 31) === best) rivalAt[pairOf[j] >>> 5] = pairAt[j];
    }
    return length * (m + 1) + (pairTo - pairFrom);
  }

  /** Moves the weights just enough to meet the margin (at most C). */
  private update(from: number, to: number, step: number): number {
    const { weights, stepSums, labelAt, rivalAt, averaging, rival, loss } = this;
    const values = this.vectors.weights;
    const length = to - from;
    // ||x|| = 1, so the update's norm is 1 (rival = none) or 2.
    const tau = Math.min(AGGRESSIVENESS, loss / (rival === -1 ? 1 : 2));
    for (let k = 0; k < length; k++) {
      const delta = values[from + k] * tau;
      const p = labelAt[k];
      weights[p] += delta;
      if (averaging) stepSums[p] += step * delta;
      if (rival === -1) continue;
      const q = rivalAt[k];
      if (q === -1) continue;
      weights[q] -= delta;
      if (averaging) stepSums[q] -= step * delta;
    }
    return 2 * length;
  }

  /** The averaged weights, rows back in row order. */
  finish(): Float32Array {
    const { weights, stepSums } = this;
    const { denseFrom, rows, intents } = this.layout;
    if (this.byIntent) {
      transposeRows(weights, denseFrom, intents, rows);
      transposeRows(stepSums, denseFrom, intents, rows);
    }
    for (let p = 0; p < weights.length; p++) weights[p] -= stepSums[p] / this.step;
    return weights;
  }
}
