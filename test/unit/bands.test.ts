import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { bandHelpers } from '../../server/src/host/bandHelper';
import { awaitHelper, BandPass, entriesSketched, helperFailed, helperState, helpWithBands, stopSketching } from '../../server/src/service/analysis/bands';
import type { BandHelper, BandJob, SketchJob } from '../../server/src/service/analysis/bands';
import { ConfusableIndex, setBandHelpers } from '../../server/src/service/analysis/confusables';
import type { ExampleText } from '../../server/src/service/analysis/confusables';
import { BANDS } from '../../server/src/service/analysis/sketch';
import { createLanguageService } from '../../server/src/service';

/** The helper's bundle, built next to the tests by scripts/build-tests.mjs. */
const HELPER = path.resolve(__dirname, '../confusables-bands.js');

/**
 * 3,000 examples of random sentences in 60 intents, and some that trip the band pass's rare cases: the same words in
 * two intents (a duplicate, never a confusable pair) and different words with the same trigrams ("a b a b" and
 * "a b a b a b": a confusable pair at 100 %, which the helper cannot tell from a duplicate without the texts).
 */
function bot(): Map<string, ExampleText[]> {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const words = ['book', 'a', 'table', 'flight', 'for', 'two', 'tonight', 'cancel', 'my', 'hotel', 'change', 'seat', 'où', 'ёж'];
  const sentence = () => Array.from({ length: 3 + Math.floor(random() * 5) }, () => words[Math.floor(random() * words.length)]).join(' ');
  const files = new Map<string, ExampleText[]>();
  for (const uri of ['f1', 'f2', 'f3']) {
    files.set(
      uri,
      Array.from({ length: 1000 }, (_, i) => {
        const text = i % 100 === 0 ? `${uri} same words ${i}` : i % 100 === 1 ? `la di la di${' la di'.repeat(i % 3)} ${i % 7}` : sentence();
        return { uri, intent: `${uri}-i${i % 20}`, span: { start: i, end: i }, text, normalized: text };
      }),
    );
  }
  // The same words in another intent of another file.
  files.get('f2')!.push(...files.get('f1')!.filter((e) => e.text.includes('same words')).map((e, i) => ({ ...e, uri: 'f2', intent: 'copies', span: { start: 2000 + i, end: 2000 + i } })));
  return files;
}

/** Every example's best match: its place, the other's place, and the similarity. */
function matches(index: ConfusableIndex): string[] {
  return [...index.matches()].map((m) => `${m.example.uri}:${m.example.span.start} → ${m.other.uri}:${m.other.span.start} ${m.similarity.toFixed(6)}`);
}

function built(files: Map<string, ExampleText[]>, helper?: () => BandHelper | undefined, stallMs?: number): ConfusableIndex {
  setBandHelpers(helper, { from: 100, stallMs });
  try {
    const index = new ConfusableIndex(0.7);
    const steps = index.build(files);
    while (!steps.next().done);
    return index;
  } finally {
    setBandHelpers(undefined);
  }
}

/**
 * A helper in this thread that does \`share\` to the band job when it is sent, and counts its closes. It says no to the
 * sketch job (it cannot wait for entries in the builder's thread): the builder sketches them.
 */
function inThread(share: (job: BandJob) => void): { start: () => BandHelper; closed: () => number; jobs: BandJob[] } {
  let closed = 0;
  const jobs: BandJob[] = [];
  return {
    start: () => ({
      run: (job) => {
        if (job.kind === 'sketch') return stopSketching(job.control);
        jobs.push(job);
        share(job);
      },
      close: () => void closed++,
    }),
    closed: () => closed,
    jobs,
  };
}

describe('the band pass of the confusable index with a helper thread', () => {
  const files = bot();
  const alone = built(files);
  const expected = matches(alone);

  it('finds what one thread finds, and the cases a helper cannot tell are in the data', () => {
    assert.ok(expected.length > 500, `${expected.length} matches`);
    assert.ok(expected.some((m) => m.endsWith(' 1.000000')), 'a pair at 100 % with other words');
    assert.ok(!expected.some((m) => /^f1:(\d+)00 → f2:/.test(m) && m.endsWith(' 1.000000')), 'the same words in two intents are no confusable pair');
  });

  it('merges the bands a helper did: all of them, or some', () => {
    // The helper takes every band before the builder takes any; it has no texts, so pairs of equal trigrams go to the builder.
    const all = inThread((job) => helpWithBands(job));
    assert.deepEqual(matches(built(files, all.start)), expected);
    assert.equal(all.jobs.length, 1);
    assert.equal(all.closed(), 1, 'the helper is closed after the build');
    assert.ok(all.jobs[0].equal[0] > 0, 'the helper put pairs of equal trigrams aside');
    assert.ok(all.jobs[0].info.buffer instanceof SharedArrayBuffer && all.jobs[0].pool.buffer instanceof SharedArrayBuffer, 'the records and trigrams are in shared memory');
    // The helper takes bands 0 to 3, the builder the others.
    const some = inThread((job) => {
      const pass = new BandPass(job, job.best, job.similarity);
      for (let i = 0; i < 4; i++) {
        const band = pass.take();
        pass.compareAll(pass.sort(band, job.orders.subarray(band * job.count, (band + 1) * job.count)), band);
        pass.finish();
      }
    });
    assert.deepEqual(matches(built(files, some.start)), expected);
  });

  it('does the bands of a helper that fails or stalls again, whatever it wrote', () => {
    const failing = inThread((job) => {
      const pass = new BandPass(job, job.best, job.similarity);
      pass.take();
      job.best.fill(0);
      job.similarity.fill(1);
      helperFailed(job.control);
    });
    assert.deepEqual(matches(built(files, failing.start)), expected);
    // Takes two bands and never finishes them: given up on after 20 ms.
    const stalled = inThread((job) => {
      const pass = new BandPass(job, job.best, job.similarity);
      pass.take();
      pass.take();
    });
    assert.deepEqual(matches(built(files, stalled.start, 20)), expected);
    assert.ok(stalled.closed() >= 1);
    // Fails on its first job: the builder sketches every entry, then does every band.
    let bandJobs = 0;
    const failsAtOnce = (): BandHelper => ({
      run: (job) => (job.kind === 'sketch' ? helperFailed(job.control) : void bandJobs++),
      close: () => undefined,
    });
    assert.deepEqual(matches(built(files, failsAtOnce)), expected);
    assert.equal(bandJobs, 1);
  });

  it('fails a helper with too many pairs of equal trigrams to put aside, and the builder does its bands', () => {
    // 120 × 120 pairs of "x y x y" and "x y x y x y" in two intents, more than a helper keeps (4,096).
    const crowded = new Map(files);
    crowded.set(
      'f4',
      Array.from({ length: 240 }, (_, i) => {
        const text = i % 2 === 0 ? 'x y x y' : 'x y x y x y';
        return { uri: 'f4', intent: `crowd${i % 2}`, span: { start: i, end: i }, text, normalized: text };
      }),
    );
    const all = inThread((job) => helpWithBands(job));
    const helped = matches(built(crowded, all.start));
    assert.deepEqual(helped, matches(built(crowded)));
    assert.ok(helped.some((m) => m.startsWith('f4:0 → f4:') && m.endsWith(' 1.000000')));
  });

  it('runs in a real helper thread (the bundle the server starts), then edits find what a build finds', () => {
    // The thread takes every band before the builder does: the builder waits for it before its own pass.
    const start = bandHelpers(HELPER)!;
    let helped = 0;
    let sketches: SketchJob | undefined;
    const waiting = (): BandHelper => {
      const helper = start()!;
      return {
        run: (job) => {
          helper.run(job);
          if (job.kind === 'sketch') {
            sketches = job;
            return;
          }
          for (const pause of awaitHelper(job.control, 'finished', () => helperState(job.control).finished >= BANDS, 10_000)) void pause;
          helped = helperState(job.control).finished;
        },
        close: () => helper.close(),
      };
    };
    const index = built(files, waiting);
    assert.equal(helped, BANDS, 'the thread did every band');
    // The builder waits for the thread's sketches (counted by the thread alone) before its band pass.
    assert.equal(entriesSketched(sketches!.control), index.size, 'the thread sketched every entry');
    assert.deepEqual(matches(index), expected);
    // The bands' orders the thread wrote serve the lookups after edits.
    const edited = new Map(files);
    const list = [...edited.get('f3')!];
    list.splice(5, 3, { ...list[40], span: { start: 5000, end: 5000 }, intent: 'moved', text: `${list[40].text} x`, normalized: `${list[40].text} x` });
    edited.set('f3', list);
    index.update('f3', list);
    alone.update('f3', list);
    assert.deepEqual(matches(index), matches(alone));
    assert.ok(matches(index).some((m) => m.startsWith('f3:5000 → ')), 'the added example has a match');
  });

  it('sketches here what a helper thread cannot: trigrams past 65,536, when the pool grows to 32 bits', () => {
    let seed = 5;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    // 50 letters of Latin-1: about 100,000 different trigrams in 8,000 random examples, and pairs with one letter changed.
    const letters = Array.from({ length: 50 }, (_, i) => String.fromCharCode(0xc0 + i));
    const texts = Array.from({ length: 4000 }, () => Array.from({ length: 30 }, () => letters[Math.floor(random() * letters.length)]).join(''));
    const examples = [...texts, ...texts.map((t) => `${t.slice(0, 20)}a${t.slice(21)}`)].map((text, i) => ({ uri: 'f', intent: i < texts.length ? 'original' : 'changed', span: { start: i, end: i }, text, normalized: text }));
    const files = new Map([['f', examples]]);
    const index = built(files, bandHelpers(HELPER));
    assert.ok((index as unknown as { trigrams: number }).trigrams > 0x10000, 'more trigrams than a helper takes');
    assert.deepEqual(matches(index), matches(built(files)));
    assert.ok(matches(index).length > 1000, `${matches(index).length} matches`);
  });

  it('stops the helper of a build the server drops because the bot changed', () => {
    const helpers: { closed: boolean }[] = [];
    setBandHelpers(
      () => {
        const helper = { closed: false };
        helpers.push(helper);
        return { run: (job) => (job.kind === 'sketch' ? stopSketching(job.control) : undefined), close: () => void (helper.closed = true) };
      },
      { from: 100 },
    );
    try {
      const service = createLanguageService();
      service.deferChecks();
      const examples = (n: number) => Array.from({ length: 150 }, (_, i) => `      - book a table for ${i} people at ${n}`).join('\n');
      const text = (n: number) => `intents:\n  a:\n    examples:\n      en:\n${examples(n)}\n  b:\n    examples:\n      en:\n${examples(n + 1)}\n`;
      service.setFile('file:///bot/bot.bot.yaml', 'bot: { name: A, locales: [en], start: n }\nflows: { f: { nodes: { n: { say: hi, end: true } } } }\n');
      service.setFile('file:///bot/nlu.bot.yaml', text(1));
      // The heavy checks in steps, as the server runs them, until the build has its helper.
      while (helpers.length === 0) assert.equal(service.stepChecks('heavy', 0).done, false);
      assert.equal(helpers[0].closed, false);
      service.setFile('file:///bot/nlu.bot.yaml', text(2));
      service.stepChecks('heavy', 0);
      assert.equal(helpers[0].closed, true, 'the dropped build closed its helper');
      while (!service.stepChecks('heavy', 0).done);
      assert.ok(helpers.length === 2 && helpers[1].closed, 'the next build had its own, closed once done');
    } finally {
      setBandHelpers(undefined);
    }
  });

  it('gives a helper thread the trigrams of short examples in shared memory too', () => {
    // 200 short examples: their trigrams fit in the pool a new index has, which a build with a helper still replaces.
    const examples = Array.from({ length: 200 }, (_, i) => {
      const text = i % 2 === 0 ? `please go to my home ${i % 20}` : `please go to my homes ${(i - 1) % 20}`;
      return { uri: 'f', intent: i % 2 === 0 ? 'home' : 'homes', span: { start: i, end: i }, text, normalized: text };
    });
    const files = new Map([['f', examples]]);
    const index = built(files, bandHelpers(HELPER));
    assert.ok((index as unknown as { pool: Uint16Array }).pool.buffer instanceof SharedArrayBuffer, 'the pool is shared');
    assert.deepEqual(matches(index), matches(built(files)));
    assert.ok(matches(index).length >= 100, `${matches(index).length} matches`);
  });
});
