import * as assert from 'node:assert/strict';
import { summarizeRuns } from '../../bench/runs.mjs';

describe('bench: several runs summed up (bench/runs.mjs)', () => {
  const run = (parse: string, edit: string, found: string, slowest: string) => [
    '| issue-3: 200 files, 200,000 examples | |',
    '|---|---:|',
    `| parse and index, cold | ${parse} |`,
    `| edit → diagnostics, p50 / p95 | ${edit} |`,
    `| problems found | ${found} |`,
    `| the slowest checks | ${slowest} |`,
  ];

  it('gives the median of each figure, keeps how the first run wrote it, and lists every run', () => {
    const table = summarizeRuns([
      run('7368 ms', '20 ms / 94 ms', '72,694', 'intents 568 ms, dialog 235 ms'),
      run('10569 ms', '29 ms / 102 ms', '72,694', 'intents 1192 ms, dialog 534 ms'),
      run('6328 ms', '24 ms / 61 ms', '72,690', 'dialog 300 ms, intents 900 ms'),
    ]);
    assert.deepEqual(table, [
      '| issue-3: 200 files, 200,000 examples | median of 3 runs | each run |',
      '|---|---:|---|',
      '| parse and index, cold | 7368 ms | 7,368 · 10,569 · 6,328 |',
      '| edit → diagnostics, p50 / p95 | 24 ms / 94 ms | 20 / 94 · 29 / 102 · 24 / 61 |',
      '| problems found | 72,694 | 72,694 · 72,694 · 72,690 |',
      // The words differ (another order): the first run's row, said so.
      '| the slowest checks | intents 568 ms, dialog 235 ms | (as in the first run) |',
    ]);
  });

  it('gives the mean of the two middle runs for an even number, and one run as it is', () => {
    assert.equal(summarizeRuns([run('10 ms', '1 ms / 2 ms', '3', 'x'), run('13 ms', '1 ms / 2 ms', '3', 'x')])[2], '| parse and index, cold | 12 ms | 10 · 13 |');
    const one = run('10 ms', '1 ms / 2 ms', '3', 'x');
    assert.deepEqual(summarizeRuns([one]), one);
  });

  it('takes a label that comes twice in a run as two rows', () => {
    const twice = (a: string, b: string) => [...run('10 ms', '1 ms / 2 ms', '3', 'x'), `| total | ${a} |`, `| total | ${b} |`];
    const table = summarizeRuns([twice('1 ms', '100 ms'), twice('2 ms', '200 ms'), twice('3 ms', '300 ms')]);
    assert.deepEqual(table.slice(-2), ['| total | 2 ms | 1 · 2 · 3 |', '| total | 200 ms | 100 · 200 · 300 |']);
    // Even when the first run wrote the two rows alike.
    const alike = summarizeRuns([twice('1 ms', '1 ms'), twice('2 ms', '200 ms'), twice('3 ms', '300 ms')]);
    assert.deepEqual(alike.slice(-2), ['| total | 2 ms | 1 · 2 · 3 |', '| total | 200 ms | 1 · 200 · 300 |']);
  });

  it('says when a row is missing from a run instead of failing', () => {
    const short = run('10 ms', '1 ms / 2 ms', '3', 'x').slice(0, 3);
    assert.equal(summarizeRuns([run('10 ms', '1 ms / 2 ms', '3', 'x'), short])[3], '| edit → diagnostics, p50 / p95 | 1 ms / 2 ms | (as in the first run) |');
  });
});
