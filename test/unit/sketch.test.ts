import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BINS, EMPTY, SketchTable } from '../../server/src/service/analysis/sketch';

/** A small deterministic random number generator (xorshift32). */
function random(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('the sketches of the confusable-example check', () => {
  it('are the minima of the trigrams\' rows, by WebAssembly and by JavaScript alike, while the table grows', () => {
    const next = random(42);
    const wasm = new SketchTable();
    const js = new SketchTable(false);
    // The tests run where the server does (Node 20): the kernel must be the one in use, or this compares JS with JS.
    assert.equal(wasm.native, true);
    assert.equal(js.native, false);
    const rows: Int32Array[] = [];
    const pool = new Uint16Array(40_000);
    const check = (start: number, end: number, label: string): void => {
      const expected = new Int32Array(BINS).fill(EMPTY);
      for (let i = start; i < end; i++) for (let bin = 0; bin < BINS; bin++) expected[bin] = Math.min(expected[bin], rows[pool[i]][bin]);
      assert.deepEqual([...wasm.sketch(pool, start, end)], [...expected], `WebAssembly, ${label}`);
      assert.deepEqual([...js.sketch(pool, start, end)], [...expected], `JavaScript, ${label}`);
    };
    // 3,000 rows of 208 bytes: the memory (64 kB at first) grows ten times over while rows are added between sketches.
    for (let trigram = 0; trigram < 3000; trigram++) {
      const row = new Int32Array(BINS);
      for (let bin = 0; bin < BINS; bin++) row[bin] = Math.floor(next() * 0x3fffff);
      rows.push(row);
      wasm.addRow(trigram, row);
      js.addRow(trigram, row);
      if (trigram % 97 === 0) {
        const count = 1 + Math.floor(next() * 60);
        for (let i = 0; i < count; i++) pool[i] = Math.floor(next() * rows.length);
        check(0, count, `${count} trigrams of ${rows.length}`);
      }
    }
    check(5, 5, 'no trigram');
    check(7, 8, 'one trigram');
    // A list longer than the room left past the rows: the memory grows for it.
    for (let i = 0; i < pool.length; i++) pool[i] = Math.floor(next() * rows.length);
    check(0, pool.length, `${pool.length} trigrams`);
    check(100, 160, 'a slice of the pool');
  });

  it('rejects a row added out of order', () => {
    const table = new SketchTable();
    table.addRow(0, new Int32Array(BINS));
    assert.throws(() => table.addRow(2, new Int32Array(BINS)), /row 2 added after 1 rows/);
  });

  it('come from a kernel that is sketch.wat compiled (npm run wasm)', function () {
    this.timeout(20_000);
    const run = spawnSync(process.execPath, [path.join(__dirname, '../../../scripts/wasm.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });
});
