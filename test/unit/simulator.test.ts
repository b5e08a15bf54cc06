/**
 * The simulator's session manager (server/src/simulator/sessions.ts) on the example bots, through a real language
 * service holding the examples' files: what a session answers, when the bot is compiled and the matcher trained, and
 * what an edit between turns does.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileUri, findDialogFiles, readText } from '../../server/src/host/files';
import { createLanguageService } from '../../server/src/service';
import type { LanguageService } from '../../server/src/service';
import type { SimulatorErrorKind } from '../../server/src/simulator/protocol';
import { Simulator, SimulatorError } from '../../server/src/simulator/sessions';
import type { Entry } from '../../client/webview/simulator/protocol';
import { transcript } from '../../client/webview/simulator/transcript';
import { fixture } from '../fixture';

const ROOT = path.resolve(__dirname, '../../..');

function load(...names: string[]): { service: LanguageService; uri: (rel: string) => string } {
  const service = createLanguageService();
  for (const name of names) for (const file of findDialogFiles(path.join(ROOT, 'examples', name))) service.setFile(fileUri(file), readText(file).text);
  return { service, uri: (rel) => fileUri(path.join(ROOT, 'examples', rel)) };
}

/** Changes a file of the service as an editor would (the text in the index, not on disk). */
function edit(service: LanguageService, uri: string, from: string, to: string): void {
  const text = service.workspace.get(uri)!.text;
  assert.ok(text.includes(from), `"${from}" is in ${uri}`);
  service.setFile(uri, text.replace(from, to), 99);
}

function rejects(run: () => unknown, kind: SimulatorErrorKind, message: RegExp): void {
  assert.throws(run, (e: unknown) => e instanceof SimulatorError && e.kind === kind && message.test(e.message));
}

const texts = (turn: { messages: { text: string }[] }) => turn.messages.map((m) => m.text);

describe('simulator sessions', function () {
  this.timeout(20_000);

  it('starts a conversation on the support bot: the opening turn, the bot, where each node is written', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const state = simulator.start({ uri: uri('support/flows/orders.bot.yaml'), seed: 2 });
    assert.match(state.session, /^sim-\d+$/);
    assert.equal(state.bot.name, 'Acme Shop support');
    assert.deepEqual(state.bot.locales, ['en', 'fr']);
    assert.equal(state.bot.start, 'welcome');
    assert.deepEqual(state.bot.channels, [
      { id: 'web', type: 'chat' },
      { id: 'whatsapp', type: 'chat' },
    ]);
    assert.equal(state.bot.nodes.length, 121);
    assert.deepEqual(state.bot.training.examples, { en: 293, fr: 293 });
    assert.ok(state.bot.training.ms > 0);
    assert.deepEqual(state.options, { locale: 'en', seed: 2, startNode: undefined, channel: undefined, voice: false, today: state.options.today });
    assert.match(state.options.today, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(state.turns.length, 1);
    const opening = state.turns[0];
    assert.equal(opening.index, 0);
    assert.equal(opening.user, undefined);
    assert.equal(opening.messages[1].text, 'What can I help you with? Pick a topic or type your question.');
    assert.deepEqual(opening.quickReplies, ['Track an order', 'Return an item', 'Delivery & payment', 'My account', 'Talk to a person']);
    assert.deepEqual(opening.messages[1].quickReplies, opening.quickReplies);
    assert.deepEqual(opening.path, ['welcome', 'main_menu']);
    assert.equal(opening.node, 'main_menu');
    // Where main_menu is written: the line of `main_menu:` in flows/main.bot.yaml, on the id itself.
    const main = uri('support/flows/main.bot.yaml');
    const lines = fs.readFileSync(path.join(ROOT, 'examples/support/flows/main.bot.yaml'), 'utf8').split('\n');
    const line = lines.findIndex((l) => /^\s+main_menu:/.test(l));
    const character = lines[line].indexOf('main_menu');
    assert.deepEqual(opening.locations.main_menu, { uri: main, range: { start: { line, character }, end: { line, character: character + 'main_menu'.length } } });
    assert.equal(opening.locations.welcome.uri, main);
    assert.deepEqual(state.bot.nodes.find((n) => n.id === 'main_menu'), { id: 'main_menu', flow: 'main', location: opening.locations.main_menu });
    assert.deepEqual(simulator.stats, { compiles: 1, trainings: 1 });
  });

  it('answers text, buttons and intents; takes back the last turn; restarts', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const { session } = simulator.start({ uri: uri('support/bot.bot.yaml') });

    const hello = simulator.send({ session, input: { text: 'hello' } });
    assert.equal(hello.reloaded, false);
    assert.equal(hello.bot, undefined, 'the bot is not sent again while it does not change');
    assert.equal(hello.turn.index, 1);
    assert.deepEqual(hello.turn.user, { text: 'hello' });
    assert.deepEqual(texts(hello.turn), ['Hello again! How can I help?', 'What can I help you with? Pick a topic or type your question.']);
    assert.equal(hello.turn.matched?.intent, 'greeting');
    assert.equal(hello.turn.matched?.confidence, 1);
    assert.equal(hello.turn.matched?.by, 'text');
    assert.ok(hello.turn.matched!.candidates.length >= 3, 'the next candidates come along');
    assert.deepEqual(hello.turn.path, ['greet_again', 'main_menu']);

    const tapped = simulator.send({ session, input: { quickReply: 0 } });
    assert.deepEqual(tapped.turn.user, { quickReply: 0, label: 'Track an order' });
    assert.equal(tapped.turn.matched?.by, 'button');
    assert.equal(tapped.turn.node, 'track_ask_number');
    assert.equal(tapped.turn.asking, 'order_number');
    assert.match(texts(tapped.turn)[0], /^What's your order number\?/);

    const number = simulator.send({ session, input: { text: 'it is ACM-482913' } });
    assert.deepEqual(number.turn.entities.map((e) => [e.entity, e.value, e.text]), [['order_number', 'ACM-482913', 'ACM-482913']]);
    assert.deepEqual(number.turn.changed, { order_number: 'ACM-482913' });
    assert.equal(number.turn.slots.order_number, 'ACM-482913');
    assert.ok(number.turn.trace.length > 0);

    const undone = simulator.undo({ session });
    assert.equal(undone.undone, true);
    assert.equal(undone.turn.index, 2, 'the tap on "Track an order" is the last turn again');
    assert.equal(undone.turn.asking, 'order_number');
    assert.deepEqual(undone.turn.slots, {}, 'the slot set by the turn taken back is gone');

    const said = simulator.send({ session, input: { intent: 'agent' } });
    assert.deepEqual(said.turn.matched, { intent: 'agent', confidence: 1, candidates: [], by: 'intent' });
    assert.equal(said.turn.index, 3);

    const restarted = simulator.restart({ session });
    assert.equal(restarted.session, session);
    assert.equal(restarted.turns.length, 1);
    assert.equal(restarted.turns[0].node, 'main_menu');
    assert.equal(simulator.undo({ session }).undone, false, 'nothing to take back after a restart');
    assert.deepEqual(simulator.stats, { compiles: 1, trainings: 1 }, 'compiled and trained once for all these turns');
  });

  it('switches language and starts from any node (a restart); the choice sticks for later restarts', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const { session } = simulator.start({ uri: uri('support/bot.bot.yaml') });
    const french = simulator.restart({ session, locale: 'fr' });
    assert.equal(french.options.locale, 'fr');
    assert.equal(texts(french.turns[0])[1], 'Que puis-je faire pour vous ? Choisissez un sujet ou posez votre question.');
    assert.equal(texts(simulator.send({ session, input: { text: 'bonjour' } }).turn)[0], 'Rebonjour ! Comment puis-je vous aider ?');

    const fromNode = simulator.restart({ session, startNode: 'track_ask_number' });
    assert.equal(fromNode.options.startNode, 'track_ask_number');
    assert.equal(fromNode.options.locale, 'fr', 'the language stays');
    assert.deepEqual(fromNode.turns[0].path, ['track_ask_number']);
    assert.equal(fromNode.turns[0].asking, 'order_number');
    assert.deepEqual(simulator.restart({ session }).turns[0].path, ['track_ask_number'], 'a plain restart keeps the start node');
    assert.deepEqual(simulator.restart({ session, startNode: null }).turns[0].path, ['welcome', 'main_menu'], 'null: back to the bot’s start');

    const direct = simulator.start({ uri: uri('support/bot.bot.yaml'), startNode: 'return_start', locale: 'en' });
    assert.equal(direct.turns[0].path[0], 'return_start');
  });

  it('shows voice forms on a voice channel, finds entities and fills slots (voicebot)', () => {
    const { service, uri } = load('voicebot');
    const simulator = new Simulator(service.workspace);
    const phone = simulator.start({ uri: uri('voicebot/dialog.bot.yaml'), channel: 'phone', today: '2025-03-04' });
    assert.equal(phone.options.voice, true);
    assert.equal(phone.turns[0].messages[0].voice, `<speak>Hello, you've reached Dr. Martin's clinic.<break time="300ms"/> I'm the virtual assistant.</speak>`);
    assert.equal(phone.turns[0].messages[0].text, "Hello, you've reached Dr. Martin's clinic. I'm the virtual assistant.");
    const booked = simulator.send({ session: phone.session, input: { text: 'I would like to book a flu shot' } });
    assert.equal(booked.turn.matched?.intent, 'book_appointment');
    assert.deepEqual(booked.turn.entities.map((e) => [e.entity, e.value, e.text]), [['visit_type', 'vaccination', 'flu shot']]);
    assert.deepEqual(booked.turn.changed, { visit_type: 'vaccination', request: 'book' });
    assert.equal(booked.turn.asking, 'appointment_date');
    const date = simulator.send({ session: phone.session, input: { text: 'tomorrow' } });
    assert.deepEqual(date.turn.changed, { appointment_date: '2025-03-05' }, '"today" is the session’s');

    const chat = simulator.start({ uri: uri('voicebot/bot.bot.yaml') });
    assert.equal(chat.options.voice, false);
    assert.equal(chat.turns[0].messages[0].voice, undefined, 'no voice form without a voice channel');
  });

  it('runs the edited bot at the next turn: reloaded, the new text used, the inputs replayed; no retraining for a message', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const { session } = simulator.start({ uri: uri('support/bot.bot.yaml') });
    simulator.send({ session, input: { text: 'hello' } });
    simulator.send({ session, input: { text: 'hello' } });
    assert.deepEqual(simulator.stats, { compiles: 1, trainings: 1 });

    const main = uri('support/flows/main.bot.yaml');
    edit(service, main, 'en: Hello again! How can I help?', 'en: Welcome back, friend!');
    const after = simulator.send({ session, input: { text: 'hello' } });
    assert.equal(after.reloaded, true);
    assert.equal(texts(after.turn)[0], 'Welcome back, friend!');
    assert.equal(after.reload?.replayed, 2, 'the two inputs before were said again on the new bot');
    assert.equal(after.reload?.retrained, false);
    assert.equal(after.reload?.trainingMs, 0);
    assert.equal(after.reload?.diverged, undefined, 'the edit did not change the way taken');
    assert.equal(after.bot?.training.ms, 0);
    assert.deepEqual(simulator.stats, { compiles: 2, trainings: 1 }, 'compiled again, the matcher reused');

    const next = simulator.send({ session, input: { text: 'hello' } });
    assert.equal(next.reloaded, false, 'reloaded once only');
    assert.deepEqual(simulator.stats, { compiles: 2, trainings: 1 });

    // Undo after an edit: the session moves to the new version first.
    edit(service, main, 'en: Welcome back, friend!', 'en: Hi once more!');
    const undone = simulator.undo({ session });
    assert.equal(undone.reloaded, true);
    assert.equal(texts(undone.turn)[0], 'Hi once more!', 'the turn now last, as the new bot says it');
  });

  it('trains again only when training examples change', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const { session } = simulator.start({ uri: uri('support/bot.bot.yaml') });
    assert.notEqual(simulator.send({ session, input: { text: 'yo wassup' } }).turn.matched?.intent, 'greeting');
    edit(service, uri('support/nlu/smalltalk.bot.yaml'), '        - hello\n', '        - hello\n        - yo wassup\n');
    const after = simulator.send({ session, input: { text: 'yo wassup' } });
    assert.equal(after.reloaded, true);
    assert.equal(after.reload?.retrained, true);
    assert.ok(after.reload!.trainingMs > 0);
    assert.equal(after.turn.matched?.intent, 'greeting');
    assert.equal(after.turn.matched?.confidence, 1, 'now a training example');
    assert.deepEqual(simulator.stats, { compiles: 2, trainings: 2 });
  });

  it('trains ahead of a request in slices (prepare): the event loop turns in between, and the request trains nothing more', async () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace, () => true, { sliceMs: 1 });
    // Other work of the server (a completion, a hover) runs when the event loop turns: count its turns meanwhile.
    let turns = 0;
    let training = true;
    const other = () => {
      if (!training) return;
      turns++;
      setImmediate(other);
    };
    setImmediate(other);
    const params = { uri: uri('support/bot.bot.yaml') };
    await simulator.prepare(params);
    training = false;
    assert.equal(simulator.sliced.trainings, 1);
    assert.ok(simulator.sliced.slices > 3, `${simulator.sliced.slices} slices`);
    assert.ok(turns >= simulator.sliced.slices - 1, `the event loop turned ${turns} times during ${simulator.sliced.slices} slices`);
    const state = simulator.start(params);
    assert.deepEqual(simulator.stats, { compiles: 1, trainings: 1 }, 'the start used the matcher trained in slices');
    assert.ok(state.bot.training.ms > 0, 'and reports its training');
    assert.equal(simulator.send({ session: state.session, input: { text: 'hello' } }).turn.matched?.intent, 'greeting');

    await simulator.prepare({ session: state.session });
    assert.equal(simulator.sliced.trainings, 1, 'nothing changed: nothing to train');

    edit(service, uri('support/nlu/smalltalk.bot.yaml'), '        - hello\n', '        - hello\n        - yo wassup\n');
    await simulator.prepare({ session: state.session });
    const after = simulator.send({ session: state.session, input: { text: 'yo wassup' } });
    assert.equal(after.reload?.retrained, true);
    assert.ok(after.reload!.trainingMs > 0);
    assert.deepEqual(after.turn.matched, { intent: 'greeting', confidence: 1, candidates: after.turn.matched!.candidates, by: 'text' });
    assert.deepEqual(simulator.stats, { compiles: 2, trainings: 2 });
    assert.equal(simulator.sliced.trainings, 2);
  });

  it('drops a training in slices when the examples change meanwhile, and trains the new ones', async () => {
    const { service, uri } = load('support');
    let edited = false;
    const simulator = new Simulator(service.workspace, () => true, {
      sliceMs: 1,
      pause: async () => {
        if (!edited) {
          edited = true;
          edit(service, uri('support/nlu/smalltalk.bot.yaml'), '        - hello\n', '        - hello\n        - yo wassup\n');
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
    });
    const params = { uri: uri('support/bot.bot.yaml') };
    const waiting = [simulator.prepare(params), simulator.prepare(params)];
    await Promise.all(waiting);
    assert.equal(simulator.sliced.dropped, 1, 'the training of the old examples stopped at its next slice');
    assert.equal(simulator.sliced.trainings, 2, 'one training for the new examples, shared by both requests');
    const state = simulator.start(params);
    assert.equal(simulator.stats.trainings, 2, 'the start trained nothing more');
    assert.equal(simulator.send({ session: state.session, input: { text: 'yo wassup' } }).turn.matched?.confidence, 1, 'the new examples');
  });

  it('is not reloaded by an edit the engine does not see, but sends where the nodes moved', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const { session } = simulator.start({ uri: uri('support/bot.bot.yaml') });
    const main = uri('support/flows/main.bot.yaml');
    const before = simulator.send({ session, input: { text: 'hello' } }).turn.locations.main_menu.range.start.line;
    edit(service, main, 'flows:\n', '# two more lines\n# of comments\nflows:\n');
    const after = simulator.send({ session, input: { text: 'hello' } });
    assert.equal(after.reloaded, false);
    assert.equal(after.reload, undefined);
    assert.equal(after.turn.locations.main_menu.range.start.line, before + 2);
    assert.equal(after.bot?.nodes.find((n) => n.id === 'main_menu')?.location?.range.start.line, before + 2, 'fresh locations for the panel');
    assert.deepEqual(simulator.stats, { compiles: 2, trainings: 1 });
  });

  it('says where a replay took another way after an edit', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const { session } = simulator.start({ uri: uri('support/bot.bot.yaml') });
    simulator.send({ session, input: { text: 'hello' } });
    assert.equal(simulator.send({ session, input: { quickReply: 0 } }).turn.node, 'track_ask_number');
    // The first button now returns an item.
    edit(service, uri('support/flows/main.bot.yaml'), 'greeting: greet_again', 'greeting: return_start');
    const after = simulator.send({ session, input: { text: 'hello' } });
    assert.equal(after.reloaded, true);
    assert.equal(after.reload?.diverged?.turn, 1, 'the first "hello" now goes elsewhere');
    assert.equal(after.reload?.diverged?.before, 'main_menu');
    assert.notEqual(after.reload?.diverged?.after, 'main_menu');
  });

  it('replays given inputs at start (a panel restored after a reload)', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const state = simulator.start({ uri: uri('support/bot.bot.yaml'), replay: [{ text: 'hello' }, { quickReply: 0 }] });
    assert.deepEqual(
      state.turns.map((t) => t.node),
      ['main_menu', 'main_menu', 'track_ask_number'],
    );
    assert.equal(simulator.undo({ session: state.session }).turn.index, 1, 'replayed inputs can be taken back');
  });

  it('keeps sessions apart, forgets closed ones, and shares one training per bot', () => {
    const { service, uri } = load('support', 'voicebot');
    const simulator = new Simulator(service.workspace);
    const a = simulator.start({ uri: uri('support/bot.bot.yaml') }).session;
    const b = simulator.start({ uri: uri('support/bot.bot.yaml'), locale: 'fr' }).session;
    const c = simulator.start({ uri: uri('voicebot/bot.bot.yaml') }).session;
    assert.equal(new Set([a, b, c]).size, 3);
    simulator.send({ session: a, input: { quickReply: 0 } });
    assert.equal(simulator.undo({ session: b }).undone, false, 'b did not see a’s turn');
    assert.deepEqual(simulator.stats, { compiles: 2, trainings: 2 }, 'one per bot');
    simulator.close({ session: a });
    assert.equal(simulator.size, 2);
    rejects(() => simulator.send({ session: a, input: { text: 'hi' } }), 'unknown-session', /no simulator session sim-1: it was closed/);
  });

  it('refuses what it cannot do, in plain words', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const bot = uri('support/bot.bot.yaml');
    rejects(() => simulator.send({ session: 'sim-404', input: { text: 'hi' } }), 'unknown-session', /no simulator session sim-404/);
    rejects(() => simulator.start({ uri: bot, startNode: 'nowhere' }), 'unknown-node', /^The bot has no node `nowhere`\.$/);
    rejects(() => simulator.start({ uri: bot, locale: 'de' }), 'unknown-locale', /^The bot does not speak `de`; its languages: en, fr\.$/);
    rejects(() => simulator.start({ uri: bot, channel: 'fax' }), 'unknown-channel', /its channels: web, whatsapp/);
    rejects(() => simulator.start({ uri: bot, today: 'tomorrow' }), 'bad-params', /a date like/);
    rejects(() => simulator.start({ uri: 'file:///nowhere/x.bot.yaml' }), 'not-ready', /has not read file:\/\/\/nowhere\/x\.bot\.yaml yet/);
    const { session } = simulator.start({ uri: bot });
    rejects(() => simulator.restart({ session, startNode: 'nowhere' }), 'unknown-node', /no node `nowhere`/);
    rejects(() => simulator.send({ session, input: {} as never }), 'bad-params', /The input must be/);
    rejects(() => simulator.send({ session, input: { quickReply: -1 } }), 'bad-params', /The input must be/);
    // A button that is not there is the engine's notice, not an error.
    assert.match(simulator.send({ session, input: { quickReply: 9 } }).turn.notices[0], /There is no button 10 here \(5 buttons\)/);

    service.setFile('file:///loose/alone.bot.yaml', 'flows:\n  main:\n    nodes:\n      alone: { say: Hi, end: true }\n');
    rejects(() => simulator.start({ uri: 'file:///loose/alone.bot.yaml' }), 'no-bot', /belongs to no bot/);
    const notReady = new Simulator(service.workspace, () => false);
    rejects(() => notReady.start({ uri: bot }), 'not-ready', /Try again in a moment/);
  });

  it('tells when the bot of a session is gone', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const { session } = simulator.start({ uri: uri('support/flows/main.bot.yaml') });
    service.removeFile(uri('support/bot.bot.yaml'));
    rejects(() => simulator.send({ session, input: { text: 'hi' } }), 'no-bot', /is gone/);
  });
});

describe('simulator transcripts', () => {
  it('writes a conversation as plain text, as `botmaster chat` prints it', () => {
    const { service, uri } = load('support');
    const simulator = new Simulator(service.workspace);
    const state = simulator.start({ uri: uri('support/bot.bot.yaml'), today: '2025-03-04', seed: 2 });
    const entries: Entry[] = state.turns.map((turn) => ({ turn }));
    for (const input of [{ text: 'hello' }, { quickReply: 4 }, { intent: 'goodbye' }]) entries.push({ turn: simulator.send({ session: state.session, input }).turn });
    const text = transcript(state.bot, state.options, entries, 'text').split('\n');
    assert.equal(text[0], 'Acme Shop support (language en, seed 2, today 2025-03-04)');
    assert.match(text[1], /^bot> (Hi!|Hello)/);
    assert.equal(text[2], 'bot> What can I help you with? Pick a topic or type your question.');
    assert.equal(text[3], '     [1] Track an order  [2] Return an item  [3] Delivery & payment  [4] My account  [5] Talk to a person');
    assert.equal(text[4], 'you> hello');
    assert.equal(text[5], '  intent greeting 1.00 (text)');
    assert.equal(text[6], '  nodes: greet_again → main_menu');
    assert.equal(text[7], 'bot> Hello again! How can I help?');
    assert.ok(text.includes('you> Talk to a person'));
    assert.ok(text.includes('     [1] Orders & delivery  [2] Returns & refunds  [3] Payment  [4] My account  [5] Something else'));
    assert.ok(text.includes('you> /intent goodbye'));
    assert.equal(text[text.length - 2], '  (conversation ended)');
  });

  it('writes Markdown with bot text escaped: no markup, no links, no HTML', () => {
    const f = fixture(`
//- /bot/bot.bot.yaml
bot: { name: "*Shop* <b>", locales: [en], start: welcome }
flows:
  main:
    nodes:
      welcome:
        say: "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold** # title"
        end: true
`);
    const simulator = new Simulator(f.service.workspace);
    const state = simulator.start({ uri: f.uris['/bot/bot.bot.yaml'], today: '2025-03-04' });
    const md = transcript(state.bot, state.options, state.turns.map((turn) => ({ turn })), 'markdown');
    assert.equal(md.split('\n')[0], '# Conversation with \\*Shop\\* &lt;b&gt;');
    assert.match(md, /^\*\*Bot:\*\* &lt;img src=x onerror=alert\\\(1\\\)&gt; \\\[click\\\]\\\(javascript:alert\\\(1\\\)\\\) \\\*\\\*bold\\\*\\\* \\# title {2}$/m);
    assert.match(md, /^\*The conversation ended\.\*$/m);
    assert.ok(!/<img|\]\(/.test(md), 'nothing a Markdown viewer would turn into an element or a link');
  });
});
