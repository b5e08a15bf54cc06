import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { startConfusablesWorker } from '../../server/src/host/confusablesWorker';
import { prefetchConfusables } from '../../server/src/service/analysis/confusables';
import { pauseConfusablesWorker, useConfusablesWorker } from '../../server/src/service/analysis/confusablesWorker';
import { createLanguageService } from '../../server/src/service';
import type { LanguageService } from '../../server/src/service';
import { uriOf } from '../fixture';

/** The worker's bundle, built next to the tests by scripts/build-tests.mjs. */
const WORKER = path.resolve(__dirname, '../confusables-worker.js');

const FILES: Record<string, string> = {
  '/bot/bot.bot.yaml': 'bot: { name: Shop, locales: [en, fr], start: hello }\nflows: { main: { nodes: { hello: { say: { en: Hi, fr: Salut }, end: true } } } }\n',
  '/bot/a.bot.yaml': `intents:
  order.track:
    examples:
      en: [where is my parcel please, track my order number, I want to know where my order is]
      fr: [où est mon colis s'il vous plaît, suivre ma commande]
  order.cancel:
    examples:
      en: [please cancel my order right now for me, I do not want my order anymore]
      fr: [annuler ma commande tout de suite]
`,
  '/bot/b.bot.yaml': `intents:
  order.where:
    examples:
      en: [where is my parcel please now, 'I want to know where my [orders](item) are!']
      fr: [où est mon colis s'il vous plaît merci]
  order.stop:
    examples:
      en: [please cancel my orders right now for me]
`,
};

function confusables(service: LanguageService): string[] {
  const lines: string[] = [];
  for (const uri of service.allFiles().sort()) {
    for (const d of service.getDiagnostics(uri)) {
      if (d.code === 'confusable-examples') lines.push(`${uri}:${d.range.start.line}:${d.range.start.character} ${d.message} → ${d.relatedInformation?.[0].location.uri}:${d.relatedInformation?.[0].location.range.start.line}`);
    }
  }
  return lines;
}

describe('confusable examples in a worker thread', () => {
  after(() => useConfusablesWorker(undefined));

  it('gives what the check gives in the server thread, edit after edit', () => {
    useConfusablesWorker(startConfusablesWorker(WORKER), (message) => assert.fail(message));
    const inWorker = createLanguageService();
    const here = createLanguageService();
    const both = (run: (s: LanguageService) => void) => [inWorker, here].forEach(run);
    both((s) => Object.entries(FILES).forEach(([p, text]) => s.setFile(uriOf(p), text, 1)));
    const compare = (label: string, expected?: number) => {
      const answers = pauseConfusablesWorker(false).answers;
      const fromWorker = confusables(inWorker);
      assert.equal(pauseConfusablesWorker(true).answers, answers + 1, `${label}: the worker answered`);
      const fromHere = confusables(here);
      pauseConfusablesWorker(false);
      assert.deepEqual(fromWorker, fromHere, label);
      if (expected !== undefined) assert.equal(fromWorker.length, expected, `${label}: ${fromWorker.join('\n')}`);
    };
    compare('at first', 6);
    both((s) => s.setFile(uriOf('/bot/a.bot.yaml'), FILES['/bot/a.bot.yaml'].replace('track my order number', 'track my order numbers'), 2));
    compare('after an edit that changes no pair', 6);
    both((s) => s.setFile(uriOf('/bot/a.bot.yaml'), FILES['/bot/a.bot.yaml'].replace('please cancel my order right now for me', 'stop every single thing right away'), 3));
    compare('after an edit that removes a pair', 4);
    both((s) => s.setFile(uriOf('/bot/c.bot.yaml'), 'intents:\n  order.stop_all:\n    examples:\n      en: [stop every single thing right aways]\n', 1));
    compare('after a new file', 6);
    both((s) => s.removeFile(uriOf('/bot/b.bot.yaml')));
    compare('after a file left the bot', 2);
    both((s) => s.setFile(uriOf('/bot/bot.bot.yaml'), FILES['/bot/bot.bot.yaml'].replace('start: hello', 'start: hello, nlu: { confusable_similarity: 0.5 }'), 2));
    compare('after the threshold changed');
    // The worker gets each language's texts one after the other and answers with places in that order: intents that
    // list their languages in another order, or one language only, and texts with accents and annotations.
    both((s) =>
      s.setFile(
        uriOf('/bot/d.bot.yaml'),
        `intents:
  order.lost:
    examples:
      fr: ["où est passé mon colis s'il vous plaît", 'je veux savoir où est ma [commande](item) maintenant']
      en: [where is my parcel please now then, I want to know where my order is now]
  order.refund:
    examples:
      fr: [je veux savoir où est ma commande maintenant svp, annuler ma commande tout de suite merci]
  order.drop:
    examples:
      en: [I do not want my order any more]
      fr: [je ne veux plus de ma commande]
`,
        1,
      ),
    );
    compare('after a file whose intents list their languages in another order', 14);
  });

  it('takes several requests at once, and answers the last', () => {
    useConfusablesWorker(startConfusablesWorker(WORKER), (message) => assert.fail(message));
    const inWorker = createLanguageService();
    const before = pauseConfusablesWorker(false);
    for (const [p, text] of Object.entries(FILES)) {
      inWorker.setFile(uriOf(p), text, 1);
      // What the server does when the cheap checks start: a request per file here, queued while the worker works.
      prefetchConfusables(inWorker.workspace, inWorker.workspace.botOf(uriOf(p)));
    }
    const fromWorker = confusables(inWorker);
    const after = pauseConfusablesWorker(true);
    const here = createLanguageService();
    Object.entries(FILES).forEach(([p, text]) => here.setFile(uriOf(p), text, 1));
    assert.deepEqual(fromWorker, confusables(here));
    pauseConfusablesWorker(false);
    assert.equal(fromWorker.length, 6);
    assert.equal(after.requests - before.requests, 3, 'one request per file (the manifest has no examples but is a file of the bot)');
    assert.equal(after.answers - before.answers, 1, 'one answer read: the last request');
  });

  it('falls back to the server thread when the worker cannot start, and says why', async () => {
    const errors: string[] = [];
    useConfusablesWorker(startConfusablesWorker(path.join(__dirname, 'no-such-worker.js')), (message) => errors.push(message));
    const service = createLanguageService();
    Object.entries(FILES).forEach(([p, text]) => service.setFile(uriOf(p), text, 1));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the worker's error event
    assert.equal(confusables(service).length, 6);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /the confusable-examples worker failed: .*; the check runs in the server's thread\./);
  });
});
