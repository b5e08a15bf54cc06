import * as assert from 'node:assert/strict';
import { collectGarbage, compactHeap, idleCompactor, oldSpace } from '../../server/src/host/idleCompaction';
import type { CompactionResult } from '../../server/src/host/idleCompaction';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `test` holds, checking every 20 ms, for at most `timeout` ms. */
async function until(test: () => boolean, timeout: number): Promise<boolean> {
  const end = Date.now() + timeout;
  while (!test() && Date.now() < end) await sleep(20);
  return test();
}

describe('idle compaction of the heap', () => {
  it('gives back the old generation pages that objects left scattered', function () {
    this.timeout(30_000);
    // 60 MB of small objects, moved to the old generation, then every other one dropped: the pages stay, half empty.
    let objects: { n: number; text: string }[] = [];
    for (let i = 0; i < 600_000; i++) objects.push({ n: i, text: `object number ${i} `.repeat(2) });
    collectGarbage();
    collectGarbage();
    objects = objects.filter((_, i) => i % 2 === 0);
    collectGarbage();
    const fragmented = oldSpace();
    const result = compactHeap();
    const compacted = oldSpace();
    assert.equal(objects.length, 300_000, 'the kept objects are still there');
    assert.equal(result.before, fragmented.size);
    assert.equal(result.after, compacted.size);
    // A plain collection leaves the pages; the compaction moves the live objects together and frees the rest.
    assert.ok(fragmented.size - fragmented.used > 20e6, `free inside the pages before: ${fragmented.size - fragmented.used}`);
    assert.ok(fragmented.size - compacted.size > 20e6, `old generation ${fragmented.size} -> ${compacted.size}`);
    assert.ok(compacted.size - compacted.used < 8e6, `free inside the pages after: ${compacted.size - compacted.used}`);
    assert.equal(objects[149_999].n, 299_998, 'the objects read the same after they moved');
  });

  it('compacts once per idle period, never while busy, and again only after more work', async function () {
    this.timeout(20_000);
    let busy = true;
    const results: CompactionResult[] = [];
    const compactor = idleCompactor({ idleMs: 50, minGrowthBytes: 0, releaseMs: 50, busy: () => busy, onCompacted: (r) => results.push(r) });
    try {
      await sleep(400);
      assert.equal(results.length, 0, 'not while work is waiting');
      busy = false;
      assert.ok(await until(() => results.length === 1, 5000), 'once idle');
      await sleep(400);
      assert.equal(results.length, 1, 'not again without work in between');
      compactor.activity();
      await sleep(20);
      assert.equal(results.length, 1, 'not right after work');
      assert.ok(await until(() => results.length === 2, 5000), 'again after the next idle pause');
    } finally {
      compactor.stop();
    }
  });

  it('collects once more a while after the compaction if still idle, and not when work came in between', async function () {
    this.timeout(20_000);
    const settled: { before: number; after: number }[] = [];
    let compacted = 0;
    const options = { idleMs: 30, minGrowthBytes: 0, releaseMs: 30, busy: () => false, onSettled: (young: { before: number; after: number }) => settled.push(young) };
    const idle = idleCompactor({ ...options, settleMs: 100, onCompacted: () => compacted++ });
    try {
      assert.ok(await until(() => settled.length === 1, 5000), 'collected after the compaction');
      assert.equal(compacted, 1);
      assert.ok(settled[0].after > 0, 'the young generation is measured');
      await sleep(400);
      assert.equal(settled.length, 1, 'once');
    } finally {
      idle.stop();
    }
    settled.length = 0;
    let busyCompactor: ReturnType<typeof idleCompactor> | undefined;
    const interrupted = idleCompactor({ ...options, settleMs: 300, onCompacted: () => setTimeout(() => busyCompactor?.activity(), 50) });
    busyCompactor = interrupted;
    try {
      await sleep(700);
      assert.equal(settled.length, 0, 'work came before it: not collected then');
    } finally {
      interrupted.stop();
    }
  });

  it('does nothing once stopped, whatever work comes after', async function () {
    this.timeout(20_000);
    const results: CompactionResult[] = [];
    const compactor = idleCompactor({ idleMs: 30, minGrowthBytes: 0, releaseMs: 30, busy: () => false, onCompacted: (r) => results.push(r) });
    compactor.stop();
    compactor.activity();
    await sleep(400);
    compactor.activity();
    await sleep(400);
    assert.equal(results.length, 0);
  });

  it('does not compact a heap that did not grow enough since the last time', async function () {
    this.timeout(20_000);
    const results: CompactionResult[] = [];
    const compactor = idleCompactor({ idleMs: 30, minGrowthBytes: 64 * 1024 ** 3, releaseMs: 30, busy: () => false, onCompacted: (r) => results.push(r) });
    try {
      await sleep(400);
      compactor.activity();
      await sleep(400);
      assert.equal(results.length, 0);
    } finally {
      compactor.stop();
    }
  });
});
