/**
 * The MinHash sketches of the confusable-example check (confusables.ts): each trigram of the index has a row of
 * \`BINS\` values, one per bin, and an example's sketch is, bin by bin, the minimum of its trigrams' rows. The
 * minimum is taken by a WebAssembly SIMD kernel (sketch.wat, compiled into sketchWasm.ts by \`npm run wasm\`): four
 * bins per step, about twice as fast on the issue-3 bot as the fast-similarity-sketching loop it replaced (which threw
 * each trigram into one bin per round until every bin held a value), and three to five times in a micro-benchmark.
 * The kernel also gives the example's band keys and its filter (confusables.ts says what they are for). A second
 * kernel numbers the trigrams of an example written in the small alphabet (space, a-z, 0-9: most examples) from the
 * table of such trigrams, which lives in the kernels' memory (\`direct\`). Where WebAssembly SIMD is missing,
 * JavaScript computes the same.
 */
import { SKETCH_WASM } from './sketchWasm';

/** The number of sketch values (bins) of an example: BANDS bands of ROWS values. */
export const BINS = 50;
export const BANDS = 10;
export const ROWS = BINS / BANDS;
/** The numbers of a filter: the low 4 bits of each bin, 8 per number. */
export const FILTER_NUMBERS = Math.ceil(BINS / 8);
/** Where a sketch's band keys and filter are (after its BINS minima and their padding, see \`SketchTable.sketch\`). */
export const KEYS_AT = 52;
export const FILTER_AT = KEYS_AT + BANDS;
/** A bin that no trigram reached (the sketch of an example without trigrams). */
export const EMPTY = 0x7fffffff;
/** Character code (below 128) → its 6-bit number in the small alphabet (space, a-z, 0-9), 0: not in it. */
export const SMALL = new Uint8Array(128);
SMALL[32] = 1;
for (let c = 97; c <= 122; c++) SMALL[c] = c - 95;
for (let c = 48; c <= 57; c++) SMALL[c] = c - 20;
/** The small-alphabet trigrams: one per 18-bit code (three 6-bit numbers). */
const CODES = 1 << 18;
/** A row: the bins, then padding to whole 16-byte vectors (the padding is always \`EMPTY\`). */
const ROW = 52;
const ROW_BYTES = ROW * 4;
/**
 * The memory, in bytes: where the kernel writes a sketch (280 bytes), the small-alphabet trigrams' numbers + 1 by code
 * (\`direct\`), the stamp of the last example that saw each code (for the trigram kernel), then the rows, then room for
 * an example's trigram numbers and its characters.
 */
const OUT = 0;
const DIRECT = 512;
const SEEN = DIRECT + 4 * CODES;
const TABLE = SEEN + 4 * CODES;
const PAGE = 65536;

type SketchKernel = (list: number, end: number, out: number, table: number) => void;
type TrigramKernel = (text: number, length: number, list: number, stamp: number, direct: number, seen: number) => number;

/** 32-bit mixing (the finaliser of MurmurHash3). */
export function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

const permutation = new Uint8Array(BINS);

/**
 * The row of a trigram (its 24-bit Latin-1 code or hash, see confusables.ts) into \`row\`: bin π(r) holds (r, v_r),
 * packed as r << 16 | v_r, where π is a random permutation of the bins and v_r a random 16-bit number, both from
 * MurmurHash3 mixes of the trigram. Each bin of an example's sketch is the minimum of its trigrams' values there, the
 * minimum of one random hash function over the trigrams, a MinHash: two examples' bins are equal with probability
 * their Jaccard index. (These are the values of fast similarity sketching, Dahlgaard, Knudsen and Thorup, FOCS 2017,
 * where in round r every trigram throws (r, v_r) into bin π(r) until every bin holds a value: the same minima, which
 * the index took that way, about 200 steps per example, until the minimum of whole rows by WebAssembly SIMD, 50 values
 * per trigram four at a time, was faster.)
 */
export function rowOf(token: number, row: Int32Array): void {
  const bins = permutation;
  for (let i = 0; i < BINS; i++) bins[i] = i;
  let h = mix(token ^ 0x5bd1e995);
  for (let round = 0; round < BINS; round++) {
    h = mix(h + 0x9e3779b9);
    // Fisher–Yates: the bin of this round is drawn from those not drawn yet.
    const pick = round + ((h >>> 16) % (BINS - round));
    const bin = bins[pick];
    bins[pick] = bins[round];
    bins[round] = bin;
    row[bin] = (round << 16) | (h & 0xffff);
  }
}

let compiled: WebAssembly.Module | null | undefined;

/** The kernels' compiled module, or null where WebAssembly (or its SIMD) is missing. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const binary = atob(SKETCH_WASM);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** The rows of an index's trigrams, its table of small-alphabet trigrams, and the sketch of a list of trigrams. */
export class SketchTable {
  private readonly memory: WebAssembly.Memory | undefined;
  private readonly sketchKernel: SketchKernel | undefined;
  private readonly trigramKernel: TrigramKernel | undefined;
  /** The memory as 32-bit numbers and as bytes, the sketch's place in it, and \`direct\` (new views after a growth). */
  private view: Int32Array;
  private bytes: Uint8Array;
  private out: Int32Array;
  /**
   * Small-alphabet trigram (its 18-bit code, see \`SMALL\`) → its number + 1, 0: not numbered yet. Written by the
   * index (confusables.ts); a new array after the memory grows (\`addRow\`), so read it again after adding a row.
   */
  direct: Int32Array;
  /** Where the rows end: an example's trigram numbers, then its characters, go there. */
  private list = TABLE;
  private rows = 0;
  private stamp = 0;

  /** \`useWasm\` false: JavaScript (tests compare both). */
  constructor(useWasm = true) {
    const module = useWasm ? kernelModule() : null;
    if (module) {
      const instance = new WebAssembly.Instance(module, {});
      this.memory = instance.exports.memory as WebAssembly.Memory;
      this.sketchKernel = instance.exports.sketch as SketchKernel;
      this.trigramKernel = instance.exports.trigrams as TrigramKernel;
      this.view = new Int32Array(this.memory.buffer);
    } else {
      this.view = new Int32Array(PAGE / 4);
    }
    this.bytes = new Uint8Array(this.view.buffer);
    this.out = this.view.subarray(OUT >> 2, (OUT >> 2) + FILTER_AT + FILTER_NUMBERS);
    this.direct = this.view.subarray(DIRECT >> 2, (DIRECT >> 2) + CODES);
    this.room(TABLE + PAGE);
  }

  /** Whether the kernels are WebAssembly. */
  get native(): boolean {
    return this.sketchKernel !== undefined;
  }

  /** Sets the row of trigram number \`trigram\` (the next one: rows are added in order) to \`values\` (by bin). */
  addRow(trigram: number, values: ArrayLike<number>): void {
    if (trigram !== this.rows) throw new Error(`row ${trigram} added after ${this.rows} rows`);
    this.room(TABLE + (trigram + 1) * ROW_BYTES);
    const at = (TABLE + trigram * ROW_BYTES) >> 2;
    const view = this.view;
    for (let bin = 0; bin < BINS; bin++) view[at + bin] = values[bin];
    for (let bin = BINS; bin < ROW; bin++) view[at + bin] = EMPTY;
    this.rows++;
    this.list += ROW_BYTES;
  }

  /**
   * The trigrams of \` text \` when every character is in the small alphabet and every trigram is numbered in
   * \`direct\` (most examples, once the index has seen a few hundred): each number once, in order of first sight,
   * written into \`pool\` from \`start\` on (the caller makes room for text.length). Returns how many, or -1 (nothing
   * to use: the caller numbers the trigrams itself). Then \`sketchOfTrigrams\` gives their sketch.
   */
  trigrams(text: string, pool: Uint16Array | Int32Array, start: number): number {
    const kernel = this.trigramKernel;
    if (!kernel) return -1;
    const length = text.length;
    const list = this.list;
    // The numbers (4 bytes per trigram, at most one per character), then the characters.
    const textAt = list + 4 * length;
    if (textAt + length > this.bytes.length) this.room(textAt + length);
    const bytes = this.bytes;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      const small = c < 128 ? SMALL[c] : 0;
      if (small === 0) return -1;
      bytes[textAt + i] = small;
    }
    const count = kernel(textAt, length, list, ++this.stamp, DIRECT, SEEN);
    if (count < 0) return -1;
    const view = this.view;
    for (let i = 0, from = list >> 2; i < count; i++) pool[start + i] = view[from + i];
    return count;
  }

  /** The sketch (see \`sketch\`) of the \`count\` trigrams \`trigrams\` has just numbered. */
  sketchOfTrigrams(count: number): Int32Array {
    this.sketchKernel!(this.list, this.list + 4 * count, OUT, TABLE);
    return this.out;
  }

  /**
   * The sketch of the trigrams \`pool[start..end)\` (numbers of rows added), in an array that the next call overwrites
   * (a view of the memory): its BINS minima (\`EMPTY\` everywhere when the list is empty); at \`KEYS_AT + b\` the key
   * of band b, b mixed with the band's ROWS minima in turn; at \`FILTER_AT + i\` number i of its filter, the low 4
   * bits of bins 8i to 8i + 7.
   */
  sketch(pool: Uint16Array | Int32Array, start: number, end: number): Int32Array {
    const list = this.list;
    if (list + (end - start) * 4 > this.view.byteLength) this.room(list + (end - start) * 4);
    const view = this.view;
    const kernel = this.sketchKernel;
    if (kernel) {
      let at = list >> 2;
      for (let i = start; i < end; i++) view[at++] = pool[i];
      kernel(list, at << 2, OUT, TABLE);
      return this.out;
    }
    const out = this.out.fill(EMPTY, 0, BINS);
    for (let i = start; i < end; i++) {
      const row = (TABLE + pool[i] * ROW_BYTES) >> 2;
      for (let bin = 0; bin < BINS; bin++) {
        const value = view[row + bin];
        if (value < out[bin]) out[bin] = value;
      }
    }
    for (let band = 0; band < BANDS; band++) {
      let key = band;
      for (let r = 0; r < ROWS; r++) key = mix(key ^ out[band * ROWS + r]);
      out[KEYS_AT + band] = key;
    }
    out.fill(0, FILTER_AT, FILTER_AT + FILTER_NUMBERS);
    for (let bin = 0; bin < BINS; bin++) out[FILTER_AT + (bin >> 3)] |= (out[bin] & 0xf) << ((bin & 7) << 2);
    return out;
  }

  /** Makes the memory at least \`bytes\` long (twice as long at a time). */
  private room(bytes: number): void {
    const length = this.view.byteLength;
    if (bytes <= length) return;
    const pages = Math.ceil(Math.max(bytes, 2 * length) / PAGE);
    if (this.memory) {
      this.memory.grow(pages - this.memory.buffer.byteLength / PAGE);
      this.view = new Int32Array(this.memory.buffer);
    } else {
      const view = new Int32Array((pages * PAGE) / 4);
      view.set(this.view);
      this.view = view;
    }
    this.bytes = new Uint8Array(this.view.buffer);
    this.out = this.view.subarray(OUT >> 2, (OUT >> 2) + FILTER_AT + FILTER_NUMBERS);
    this.direct = this.view.subarray(DIRECT >> 2, (DIRECT >> 2) + CODES);
  }
}
