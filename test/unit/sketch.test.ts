import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BANDS, BINS, EMPTY, FILTER_AT, FILTER_NUMBERS, KEYS_AT, mix, ROWS, SketchTable, SMALL } from '../../server/src/service/analysis/sketch';

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
  it('are the minima of the trigrams\' rows with their band keys and filter, by WebAssembly and by JavaScript alike, while the table grows', () => {
    const next = random(42);
    const wasm = new SketchTable();
    const js = new SketchTable(false);
    // The tests run where the server does (Node 20): the kernel must be the one in use, or this compares JS with JS.
    assert.equal(wasm.native, true);
    assert.equal(js.native, false);
    const rows: Int32Array[] = [];
    const pool = new Uint16Array(500_000);
    const check = (start: number, end: number, label: string): void => {
      const expected = new Int32Array(BINS).fill(EMPTY);
      for (let i = start; i < end; i++) for (let bin = 0; bin < BINS; bin++) expected[bin] = Math.min(expected[bin], rows[pool[i]][bin]);
      const keys = Array.from({ length: BANDS }, (_, band) => expected.subarray(band * ROWS, (band + 1) * ROWS).reduce((key, value) => mix(key ^ value), band));
      const filter = Array.from({ length: FILTER_NUMBERS }, (_, i) => [...expected.subarray(8 * i, 8 * i + 8)].reduce((word, value, j) => word | ((value & 15) << (4 * j)), 0));
      for (const [table, name] of [[wasm, 'WebAssembly'], [js, 'JavaScript']] as const) {
        const sketch = table.sketch(pool, start, end);
        assert.deepEqual([...sketch.subarray(0, BINS)], [...expected], `${name}, ${label}: the minima`);
        assert.deepEqual([...sketch.subarray(KEYS_AT, KEYS_AT + BANDS)], keys, `${name}, ${label}: the band keys`);
        assert.deepEqual([...sketch.subarray(FILTER_AT, FILTER_AT + FILTER_NUMBERS)], filter, `${name}, ${label}: the filter`);
      }
    };
    // 3,000 rows of 208 bytes: the memory (64 kB past its tables at first) grows while rows are added between sketches.
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
    // A list longer than the room left past the rows (2 MB of 4-byte numbers, about 1.7 MB left): the memory grows.
    for (let i = 0; i < pool.length; i++) pool[i] = Math.floor(next() * rows.length);
    check(0, pool.length, `${pool.length} trigrams`);
    check(100, 160, 'a slice of the pool');
  });

  it('number the trigrams of a small-alphabet text from the table of codes, or say they cannot', () => {
    const table = new SketchTable();
    const codeOf = (a: string, b: string, c: string) => (SMALL[a.charCodeAt(0)] << 12) | (SMALL[b.charCodeAt(0)] << 6) | SMALL[c.charCodeAt(0)];
    /** The distinct trigrams of " text ", in order of first sight. */
    const trigramsOf = (text: string) => [...new Set(Array.from({ length: text.length }, (_, i) => ` ${text} `.slice(i, i + 3)))];
    const numbers = new Map<string, number>();
    const number = (trigram: string) => {
      if (!numbers.has(trigram)) {
        numbers.set(trigram, numbers.size);
        table.addRow(numbers.size - 1, new Int32Array(BINS).fill(numbers.size));
        table.direct[codeOf(trigram[0], trigram[1], trigram[2])] = numbers.size; // read again: adding a row may grow the memory
      }
      return numbers.get(trigram)!;
    };
    const pool = new Uint16Array(4096);
    const next = random(7);
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const words = Array.from({ length: 80 }, () => Array.from({ length: 1 + Math.floor(next() * 8) }, () => letters[Math.floor(next() * letters.length)]).join(''));
    for (let round = 0; round < 600; round++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 12) }, () => words[Math.floor(next() * words.length)]).join(' ');
      const expected = trigramsOf(text);
      const known = expected.every((trigram) => numbers.has(trigram));
      const count = table.trigrams(text, pool, 100);
      if (!known) {
        assert.equal(count, -1, `"${text}": a trigram is not numbered yet`);
        expected.forEach(number);
        continue;
      }
      assert.deepEqual([...pool.subarray(100, 100 + count)], expected.map((trigram) => numbers.get(trigram)), `"${text}"`);
      // The sketch of what it numbered: the rows' minimum (row n holds n + 1 everywhere).
      const least = Math.min(...expected.map((trigram) => numbers.get(trigram)! + 1));
      assert.deepEqual([...table.sketchOfTrigrams(count).subarray(0, BINS)], new Array(BINS).fill(least), `"${text}": its sketch`);
    }
    // The memory first has room for 315 rows past the tables: more rows grew it, and \`direct\` was read again.
    assert.ok(numbers.size > 315, `${numbers.size} rows`);
    assert.equal(table.trigrams('', pool, 0), 0, 'an empty text has no trigram');
    for (const text of ['where is my card?', 'où est ma carte', 'Where']) assert.equal(table.trigrams(text, pool, 0), -1, `"${text}": not the small alphabet`);
    assert.equal(new SketchTable(false).trigrams('where', pool, 0), -1, 'JavaScript numbers them itself');
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
