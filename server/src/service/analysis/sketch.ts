/**
 * The MinHash sketches of the confusable-example check (confusables.ts): each trigram of the index has a row of
 * \`BINS\` values, one per bin, and an example's sketch is, bin by bin, the minimum of its trigrams' rows. The
 * minimum is taken by a WebAssembly SIMD kernel (sketch.wat, compiled into sketchWasm.ts by \`npm run wasm\`): four
 * bins per step, about five times faster than the fast-similarity-sketching loop it replaced (which threw each
 * trigram into one bin per round until every bin held a value). The kernel also gives the example's band keys and its
 * filter (confusables.ts says what they are for). Where WebAssembly SIMD is missing, JavaScript computes the same.
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
/** A row: the bins, then padding to whole 16-byte vectors (the padding is always \`EMPTY\`). */
const ROW = 52;
const ROW_BYTES = ROW * 4;
/** Where the kernel writes a sketch (280 bytes), then where the rows start (bytes into the memory). */
const OUT = 0;
const TABLE = 512;
const PAGE = 65536;

/** 32-bit mixing (the finaliser of MurmurHash3). */
export function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

type Kernel = (list: number, end: number, out: number) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The kernel's compiled module, or null where WebAssembly (or its SIMD) is missing. */
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

/** The rows of an index's trigrams, and the sketch of a list of them. */
export class SketchTable {
  private readonly memory: WebAssembly.Memory | undefined;
  private readonly kernel: Kernel | undefined;
  /** The memory as 32-bit numbers, and the sketch's place in it (new views after each growth). */
  private view: Int32Array;
  private out: Int32Array;
  /** Where the list of rows to take the minimum of starts: past the last row. */
  private list = TABLE;
  private rows = 0;

  /** \`useWasm\` false: the JavaScript minimum (tests compare both). */
  constructor(useWasm = true) {
    const module = useWasm ? kernelModule() : null;
    if (module) {
      const instance = new WebAssembly.Instance(module, {});
      this.memory = instance.exports.memory as WebAssembly.Memory;
      this.kernel = instance.exports.sketch as Kernel;
      this.view = new Int32Array(this.memory.buffer);
    } else {
      this.view = new Int32Array(PAGE / 4);
    }
    this.out = this.view.subarray(OUT >> 2, (OUT >> 2) + FILTER_AT + FILTER_NUMBERS);
  }

  /** Whether the sketches are taken by the WebAssembly kernel. */
  get native(): boolean {
    return this.kernel !== undefined;
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
   * The sketch of the trigrams \`pool[start..end)\` (numbers of rows added), in an array that the next call overwrites
   * (a view of the memory): its BINS minima (\`EMPTY\` everywhere when the list is empty); at \`KEYS_AT + b\` the key
   * of band b, b mixed with the band's ROWS minima in turn; at \`FILTER_AT + i\` number i of its filter, the low 4
   * bits of bins 8i to 8i + 7.
   */
  sketch(pool: Uint16Array | Int32Array, start: number, end: number): Int32Array {
    const list = this.list;
    if (list + (end - start) * 4 > this.view.byteLength) this.room(list + (end - start) * 4);
    const view = this.view;
    const kernel = this.kernel;
    if (kernel) {
      let at = list >> 2;
      for (let i = start; i < end; i++) view[at++] = TABLE + pool[i] * ROW_BYTES;
      kernel(list, at << 2, OUT);
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
    this.out = this.view.subarray(OUT >> 2, (OUT >> 2) + FILTER_AT + FILTER_NUMBERS);
  }
}
