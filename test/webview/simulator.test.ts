/**
 * The simulator's webview in headless Chromium, in the extension's own page and Content-Security-Policy, with a
 * stand-in for the VS Code API (harness.ts). The conversations shown are real: the simulator's session manager runs the
 * example bots (or a fixture) through a language service, as the language server does. Needs a build (dist/webview/).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { fileUri, findDialogFiles, readText } from '../../server/src/host/files';
import { createLanguageService } from '../../server/src/service';
import type { SimulatorInput, SimulatorState, SimulatorTurnResult } from '../../server/src/simulator/protocol';
import { Simulator } from '../../server/src/simulator/sessions';
import type { Entry, SimulatorView } from '../../client/webview/simulator/protocol';
import { fixture } from '../fixture';
import { ROOT } from './exampleGraph';
import { launch, openSimulatorWebview } from './harness';
import type { SimulatorWebview } from './harness';

const XSS_BOT = `
//- /bot/bot.bot.yaml
bot:
  name: <img src=x onerror="window.__pwned='bot name'">
  locales: [en]
  start: welcome
  fallback: lost
slots:
  thing: { type: text }
flows:
  main:
    nodes:
      welcome:
        say: <img src=x onerror="window.__pwned='say'">
        quick_replies:
          - label: <b onmouseover="window.__pwned='label'">bold</b>
            goto: script_node
        on:
          greeting: script_node
      script_node:
        say: </script><script>window.__pwned='script'</script> {missing_slot}
        ask: thing
        prompt: "[click](javascript:window.__pwned='markdown')"
        goto: done
      done:
        say: "You said {thing}"
        handoff: { queue: <i>agents</i> }
      lost:
        say: <iframe src="javascript:window.__pwned='iframe'"></iframe>
        goto: welcome
intents:
  greeting: { examples: { en: [hello, hi, hey there, good morning, hello bot] } }
`;

/** A real simulator session on the files given, and the view the panel would send for it. */
function session(service = createLanguageService(), uri?: string) {
  const simulator = new Simulator(service.workspace);
  let state: SimulatorState | undefined;
  return {
    simulator,
    start(options: { locale?: string; channel?: string } = {}): SimulatorView {
      state = simulator.start({ uri: uri!, today: '2025-03-04', ...options });
      return { uri: uri!, bot: state.bot, options: state.options, entries: state.turns.map((turn) => ({ turn })) };
    },
    send(input: SimulatorInput): SimulatorTurnResult {
      return simulator.send({ session: state!.session, input });
    },
  };
}

function example(name: string, file: string) {
  const service = createLanguageService();
  for (const f of findDialogFiles(path.join(ROOT, 'examples', name))) service.setFile(fileUri(f), readText(f).text);
  return session(service, fileUri(path.join(ROOT, 'examples', name, file)));
}

const entryOf = (result: SimulatorTurnResult): Entry => ({ turn: result.turn, reload: result.reloaded ? result.reload : undefined });

describe('simulator webview (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let webview: SimulatorWebview;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'passed' && webview) {
      assert.deepEqual(await webview.problems(), [], 'no error and no policy violation in the page');
      assert.deepEqual(webview.refused, [], 'nothing loaded from anywhere else');
    }
    await webview?.page.context().close();
  });

  async function show(view: SimulatorView, options: Parameters<typeof openSimulatorWebview>[1] = {}): Promise<void> {
    webview = await openSimulatorWebview(browser, options);
    await webview.send({ type: 'state', view });
    await webview.page.waitForSelector('.turn');
  }
  const sent = async () => (await webview.posted()).filter((m) => m.type === 'send');
  const texts = (selector: string) => webview.page.locator(selector).allTextContents();

  it('shows the support bot’s opening: bot bubbles, live buttons, the bot’s languages and nodes; a button click sends it', async () => {
    const sim = example('support', 'bot.bot.yaml');
    await show(sim.start());
    const page = webview.page;
    assert.equal(await page.locator('.toolbar .title').textContent(), 'Acme Shop support');
    const bubbles = await texts('.msg.bot > .text');
    assert.equal(bubbles.length, 2);
    assert.equal(bubbles[1], 'What can I help you with? Pick a topic or type your question.');
    assert.deepEqual(await texts('button.quick-reply'), ['Track an order', 'Return an item', 'Delivery & payment', 'My account', 'Talk to a person']);
    assert.deepEqual(await page.locator('label.field select').first().locator('option').allTextContents(), ['en', 'fr']);
    assert.equal(await page.locator('select.start option').count(), 122, 'the bot’s start and its 121 nodes');
    assert.equal(await page.locator('.log').getAttribute('aria-live'), 'polite');
    assert.equal(await page.locator('.log').getAttribute('role'), 'log');

    await page.locator('button.quick-reply', { hasText: 'Return an item' }).click();
    assert.deepEqual(await sent(), [{ type: 'send', input: { quickReply: 1 } }]);
    assert.equal(await page.locator('button.quick-reply:disabled').count(), 5, 'no second tap while the answer comes');
    // The answer the real simulator gives to that tap.
    await webview.send({ type: 'turn', entry: entryOf(sim.send({ quickReply: 1 })) });
    await page.waitForSelector('.turn[data-index="1"]');
    assert.equal(await page.locator('.turn[data-index="1"] .msg.user').textContent(), 'You: Return an item');
    assert.equal(await page.locator('.turn[data-index="0"] button.quick-reply').count(), 0, 'the buttons of an earlier turn are no longer live');
    assert.deepEqual(await page.locator('.turn[data-index="0"] .chip').allTextContents(), ['Track an order', 'Return an item', 'Delivery & payment', 'My account', 'Talk to a person']);
    const shown = (await webview.posted()).filter((m) => m.type === 'shown').pop();
    assert.equal(shown?.type === 'shown' && shown.turns, 2, 'the page reports what it shows');
    await page.screenshot({ path: path.join(ROOT, 'out', 'simulator-webview.png') });
  });

  it('sends typed text with Enter; Up and Down go through what was typed; #N taps a button, /intent says an intent', async () => {
    const sim = example('support', 'bot.bot.yaml');
    await show(sim.start());
    const page = webview.page;
    const input = page.locator('input.input');
    await input.focus();
    await input.fill('hello');
    await input.press('Enter');
    assert.equal(await input.inputValue(), '');
    await input.fill('where is my parcel');
    await input.press('Enter');
    await input.fill('#3');
    await input.press('Enter');
    await input.fill('/intent agent');
    await input.press('Enter');
    assert.deepEqual(await sent(), [
      { type: 'send', input: { text: 'hello' } },
      { type: 'send', input: { text: 'where is my parcel' } },
      { type: 'send', input: { quickReply: 2 } },
      { type: 'send', input: { intent: 'agent' } },
    ]);
    await input.fill('a draft');
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), '/intent agent');
    await input.press('ArrowUp');
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'where is my parcel');
    await input.press('ArrowDown');
    assert.equal(await input.inputValue(), '#3');
    await input.press('ArrowDown');
    await input.press('ArrowDown');
    assert.equal(await input.inputValue(), 'a draft', 'back to what was being typed');
    assert.deepEqual((await webview.state())?.history, ['hello', 'where is my parcel', '#3', '/intent agent']);
    // The history survives a reload of the page.
    const saved = (await webview.state())!;
    await webview.page.context().close();
    await show(sim.start(), { state: saved });
    await webview.page.locator('input.input').press('ArrowUp');
    assert.equal(await webview.page.locator('input.input').inputValue(), '/intent agent');
  });

  it('the side bar shows intent, confidence, the next two candidates, entities, slots (changed ones marked); a node click reveals it', async () => {
    const sim = example('support', 'bot.bot.yaml');
    await show(sim.start());
    const page = webview.page;
    const hello = sim.send({ text: 'hello' });
    await webview.send({ type: 'turn', entry: entryOf(hello) });
    await page.waitForSelector('.turn[data-index="1"]');
    const debug = page.locator('aside.debug');
    assert.equal(await debug.locator('h2').textContent(), 'Turn 1 (last)');
    assert.equal(await debug.locator('.intent strong').textContent(), 'greeting');
    assert.match((await debug.locator('.intent').textContent())!, /greeting 1\.00 by text/);
    const next = hello.turn.matched!.candidates.filter((c) => c.intent !== 'greeting').slice(0, 2);
    assert.deepEqual(await debug.locator('.candidates li').allTextContents(), next.map((c) => `${c.intent} ${c.confidence.toFixed(2)}`));
    assert.equal(next.length, 2);

    await webview.send({ type: 'turn', entry: entryOf(sim.send({ text: 'where is my order ACM-482913?' })) });
    await page.waitForSelector('.turn[data-index="2"]');
    assert.match((await debug.locator('.facts', { hasText: 'Entities' }).textContent())!, /order_number = "ACM-482913" from “ACM-482913”/);
    assert.deepEqual(await debug.locator('.slots tr.changed th').allTextContents(), ['●order_number']);
    assert.deepEqual(await debug.locator('.slots td').allTextContents(), ['"ACM-482913"']);
    assert.match((await debug.locator('.facts', { hasText: 'Path' }).textContent())!, /track_start → track_result/);
    await debug.locator('.trace summary').click();
    assert.ok((await debug.locator('.trace li').count()) > 2, 'the trace opens');

    await debug.locator('.facts', { hasText: 'Node' }).locator('button.node-link').click();
    assert.deepEqual((await webview.posted()).filter((m) => m.type === 'reveal'), [{ type: 'reveal', node: 'track_result' }]);
    // An earlier turn, clicked, is shown in the side bar.
    await page.locator('.turn[data-index="1"] .msg.user').click();
    assert.equal(await debug.locator('h2').textContent(), 'Turn 1');
    assert.equal(await page.locator('.turn.selected').getAttribute('data-index'), '1');
    // A bubble's node, clicked, is revealed too.
    await page.locator('.turn[data-index="1"] .msg.bot button.node-link').first().click();
    assert.deepEqual((await webview.posted()).filter((m) => m.type === 'reveal').pop(), { type: 'reveal', node: 'greet_again' });
  });

  it('shows bot text as text: markup, scripts and javascript: links run nothing and load nothing', async () => {
    const f = fixture(XSS_BOT);
    const sim = session(f.service, f.uris['/bot/bot.bot.yaml']);
    await show(sim.start());
    const page = webview.page;
    await page.locator('button.quick-reply').click();
    await webview.send({ type: 'turn', entry: entryOf(sim.send({ quickReply: 0 })) });
    await page.waitForSelector('.turn[data-index="1"]');
    await page.locator('input.input').fill('<img src=x onerror="window.__pwned=\'user\'">');
    await page.locator('input.input').press('Enter');
    await webview.send({ type: 'turn', entry: entryOf(sim.send({ text: '<img src=x onerror="window.__pwned=\'user\'">' })) });
    await page.waitForSelector('.turn[data-index="2"]');
    for (const el of await page.locator('.msg, .chip, .notice, .end').all()) await el.hover();
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined, 'no script ran');
    const injected = await page.evaluate(() => ({
      elements: document.querySelectorAll('#app img, #app iframe, #app a, #app b, #app i, #app script').length,
      handlers: Array.from(document.querySelectorAll('*')).flatMap((el) => Array.from(el.attributes).filter((a) => a.name.startsWith('on')).map((a) => a.name)),
    }));
    assert.deepEqual(injected, { elements: 0, handlers: [] });
    const bubbles = await texts('.msg.bot > .text');
    assert.equal(bubbles[0], `<img src=x onerror="window.__pwned='say'">`);
    assert.ok(bubbles.includes(`</script><script>window.__pwned='script'</script> `), bubbles.join('\n'));
    assert.ok(bubbles.includes(`[click](javascript:window.__pwned='markdown')`));
    assert.ok(bubbles.includes(`You said <img src=x onerror="window.__pwned='user'">`));
    assert.equal(await page.locator('.turn[data-index="2"] .msg.user').textContent(), `You: <img src=x onerror="window.__pwned='user'">`);
    assert.equal(await page.locator('.turn[data-index="1"] .msg.user').textContent(), `You: <b onmouseover="window.__pwned='label'">bold</b>`);
    assert.equal(await page.locator('.toolbar .title').textContent(), `<img src=x onerror="window.__pwned='bot name'">`);
    assert.match((await page.locator('.end.handoff').textContent())!, /queue <i>agents<\/i>/);
    assert.ok((await texts('.notice')).some((n) => n.includes('missing_slot')), 'the notice of the empty placeholder is shown');
  });

  it('says when the bot was reloaded and where the replay went; shows the end and a hand-off; undo takes a turn away', async () => {
    const f = fixture(XSS_BOT.replace(/<[^>\n]*>/g, 'x'));
    const sim = session(f.service, f.uris['/bot/bot.bot.yaml']);
    await show(sim.start());
    const page = webview.page;
    await webview.send({ type: 'turn', entry: entryOf(sim.send({ text: 'hello' })) });
    f.service.setFile(f.uris['/bot/bot.bot.yaml'], f.service.workspace.get(f.uris['/bot/bot.bot.yaml'])!.text.replace('You said {thing}', 'Noted: {thing}'), 2);
    const reloaded = sim.send({ text: 'a parcel' });
    assert.equal(reloaded.reloaded, true);
    await webview.send({ type: 'turn', entry: entryOf(reloaded), bot: reloaded.bot });
    await page.waitForSelector('.turn[data-index="2"]');
    assert.equal(await page.locator('.reload').textContent(), '↻ Bot reloaded after your edit; your 1 earlier message was said again to it.');
    assert.ok((await texts('.turn[data-index="2"] .msg.bot > .text')).includes('Noted: a parcel'));
    assert.match((await page.locator('.end.handoff').textContent())!, /^Handed over to a human \(queue xagentsx\): the conversation is over\.$/);
    assert.equal(await page.locator('input.input').isDisabled(), true, 'no typing after the end');
    await page.locator('button.again').click();
    assert.deepEqual((await webview.posted()).filter((m) => m.type === 'restart'), [{ type: 'restart' }]);

    await page.locator('.toolbar button', { hasText: 'Undo' }).click();
    assert.equal((await webview.posted()).filter((m) => m.type === 'undo').length, 1);
    await webview.send({ type: 'undone', count: 2 });
    await page.waitForFunction(() => document.querySelectorAll('.turn').length === 2);
    assert.equal(await page.locator('input.input').isDisabled(), false);
    assert.deepEqual((await webview.state())?.inputs, [{ text: 'hello' }], 'the state keeps the inputs, for a window reload');
  });

  it('restarts in another language, on another channel or from another node; shows voice forms on a voice channel', async () => {
    const sim = example('voicebot', 'bot.bot.yaml');
    await show(sim.start({ channel: 'phone' }));
    const page = webview.page;
    assert.match((await page.locator('.msg.bot .voice').first().textContent())!, /<speak>Hello, you've reached Dr\. Martin's clinic\.<break time="300ms"\/>/);
    assert.equal(await page.locator('label.field', { hasText: 'Language' }).isHidden(), true, 'one language: no switch');
    await page.locator('label.field', { hasText: 'Channel' }).locator('select').selectOption('');
    await page.locator('select.start').selectOption('ask_date');
    const support = example('support', 'bot.bot.yaml');
    await webview.send({ type: 'state', view: support.start() });
    await page.locator('label.field', { hasText: 'Language' }).locator('select').selectOption('fr');
    assert.deepEqual(
      (await webview.posted()).filter((m) => m.type === 'restart'),
      [
        { type: 'restart', channel: null },
        { type: 'restart', startNode: 'ask_date' },
        { type: 'restart', locale: 'fr' },
      ],
    );
  });

  it('shows errors with a way to try again, and keyboard order follows the page', async () => {
    const sim = example('support', 'bot.bot.yaml');
    await show(sim.start());
    const page = webview.page;
    await webview.send({ type: 'error', message: 'The bot has no node `x`.', retry: true });
    assert.equal(await page.locator('.error[role="alert"] .error-text').textContent(), 'The bot has no node `x`.');
    await page.locator('.error button', { hasText: 'Try again' }).click();
    assert.equal((await webview.posted()).filter((m) => m.type === 'retry').length, 1);
    // Tab from the input box reaches the Send button; the toolbar's controls are real buttons and selects.
    await page.locator('input.input').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Send');
    assert.equal(await page.locator('.toolbar [role="button"]').count(), 0);
    assert.equal(await page.locator('.toolbar button').count(), 5, 'Restart, Undo, Copy, Save, Debug');
  });
});
