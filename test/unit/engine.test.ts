import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileBot, MAX_STEPS, startConversation, trainMatcher } from '../../server/src/engine';
import type { BotProgram, Conversation, ConversationOptions, Matcher, Turn, UserInput } from '../../server/src/engine';
import { fileUri, findDialogFiles, readText } from '../../server/src/host/files';
import { createLanguageService } from '../../server/src/service';
import { fixture } from '../fixture';

const ROOT = path.resolve(__dirname, '../../..');
const TODAY = new Date(2025, 2, 3); // Monday 3 March 2025

const bots = new Map<string, { program: BotProgram; matcher: Matcher }>();
function exampleBot(folder: string) {
  let bot = bots.get(folder);
  if (!bot) {
    const service = createLanguageService();
    for (const file of findDialogFiles(path.join(ROOT, folder))) service.setFile(fileUri(file), fs.readFileSync(file, 'utf8'));
    const program = compileBot(service.workspace, fileUri(path.join(ROOT, folder, 'bot.bot.yaml')));
    bots.set(folder, (bot = { program, matcher: trainMatcher(program) }));
  }
  return bot;
}

/** Every node visited by the conversations of this file, to check that every kind of node was reached. */
const visited = new Set<string>();
const folderOf = new WeakMap<Conversation, string>();

function chat(folder: string, options: ConversationOptions = {}): Conversation {
  const { program, matcher } = exampleBot(folder);
  const conversation = startConversation(program, matcher, { today: TODAY, ...options });
  folderOf.set(conversation, folder);
  for (const n of conversation.opening.path) visited.add(`${folder}:${n}`);
  assert.deepEqual(conversation.opening.notices, []);
  return conversation;
}

function say(conversation: Conversation, input: UserInput): Turn {
  const turn = conversation.send(input);
  for (const n of turn.path) visited.add(`${folderOf.get(conversation)}:${n}`);
  return turn;
}

const texts = (turn: Turn) => turn.messages.map((m) => m.text);

describe('dialog engine: the support bot (examples/support)', function () {
  this.timeout(20_000);
  it('starts at the start node and waits at the menu with its buttons, in the language asked', () => {
    const en = chat('examples/support');
    assert.deepEqual(en.opening.path, ['welcome', 'main_menu']);
    assert.equal(en.opening.node, 'main_menu');
    assert.match(texts(en.opening)[0], /^(Hi! I'm Acme's virtual assistant|Hello and welcome to Acme Shop!)/);
    assert.equal(texts(en.opening)[1], 'What can I help you with? Pick a topic or type your question.');
    assert.deepEqual(en.opening.quickReplies, ['Track an order', 'Return an item', 'Delivery & payment', 'My account', 'Talk to a person']);
    assert.deepEqual(en.opening.messages[1].quickReplies, en.opening.quickReplies);

    const fr = chat('examples/support', { locale: 'fr' });
    assert.equal(texts(fr.opening)[1], 'Que puis-je faire pour vous ? Choisissez un sujet ou posez votre question.');
    assert.equal(fr.opening.quickReplies[0], 'Suivre une commande');
  });

  it('follows a typed intent, fills a slot from an entity at once, and skips the question with a branch', () => {
    const c = chat('examples/support');
    const turn = say(c, 'where is my order ACM-482913?');
    assert.equal(turn.matched?.intent, 'order.track');
    assert.ok(turn.matched!.confidence >= c.program.threshold);
    assert.deepEqual(turn.changed, { order_number: 'ACM-482913' });
    assert.deepEqual(turn.path, ['track_start', 'track_result']);
    assert.equal(
      texts(turn)[0],
      'You can follow order ACM-482913 live here: https://acme.example/track/ACM-482913. Standard deliveries take 2 to 4 working days after shipping.',
    );
    assert.deepEqual(turn.quickReplies, ['My parcel is late', 'All good, thanks']);
  });

  it('asks for a slot, says the retry message, and goes to the node fallback after the retries', () => {
    const c = chat('examples/support');
    const ask = say(c, { quickReply: 0 }); // Track an order: intent order.track
    assert.equal(ask.matched?.by, 'button');
    assert.deepEqual(ask.path, ['track_start', 'track_ask_number']);
    assert.equal(ask.asking, 'order_number');
    assert.match(texts(ask)[0], /^What's your order number\?/);
    const retry = "That doesn't look like an order number. It's ACM followed by 6 digits, like ACM-482913.";
    assert.deepEqual(texts(say(c, 'blue banana')), [retry]);
    assert.deepEqual(texts(say(c, 'purple monkey')), [retry]);
    const third = say(c, 'green giraffe');
    assert.match(third.fallback!, /no valid order_number after 3 tries/);
    assert.deepEqual(third.path, ['order_number_help']);
    assert.deepEqual(third.quickReplies, ['Talk to a person', 'Main menu']);
    assert.equal(c.slots.order_number, undefined);
  });

  it('validates answers with `validate`, then routes with conditions, buttons, `set`, responses and placeholders', () => {
    const c = chat('examples/support');
    const start = say(c, 'I want to return my headphones');
    assert.equal(start.matched?.intent, 'return.start');
    assert.deepEqual(start.changed, { product: 'headphones' });
    assert.deepEqual(start.path, ['return_start', 'return_ask_number']);
    assert.match(texts(start)[0], /^(Let's set up your return|Sure, I'll help you send it back)/);
    assert.deepEqual(say(c, 'ACM-123456').path, ['return_check_product', 'return_check_reason', 'return_ask_reason']);
    const reason = say(c, 'they are too small');
    assert.deepEqual(reason.changed, { return_reason: 'wrong_size' });
    assert.equal(reason.asking, 'days_since_delivery');
    const tooMany = say(c, '400');
    assert.deepEqual(texts(tooMany), ['Please give me a number of days between 0 and 365.']);
    assert.equal(tooMany.slots.days_since_delivery, undefined, 'an answer that fails `validate` is not kept');
    const offer = say(c, 'twelve days ago');
    assert.equal(offer.slots.days_since_delivery, 12);
    assert.deepEqual(offer.path, ['return_check_window', 'return_route', 'exchange_offer']);
    const exchange = say(c, { quickReply: 0 }); // Exchange it
    assert.deepEqual(exchange.path, ['exchange_chosen', 'return_ask_email']);
    assert.deepEqual(exchange.changed, { resolution: 'exchange' });
    const done = say(c, 'it is anna@example.com');
    assert.equal(done.slots.email, 'anna@example.com');
    assert.deepEqual(done.path, ['return_done', 'anything_else']);
    assert.match(texts(done)[0], /order ACM-123456 .*anna@example\.com/);
    assert.deepEqual(done.quickReplies, ['Yes', 'No, thanks']);
    const bye = say(c, 'no');
    assert.deepEqual(bye.path, ['goodbye']);
    assert.equal(bye.ended, true);
    assert.equal(bye.node, undefined);
  });

  it('branches on booleans and entity values (`item_opened == true and product == "headphones"`)', () => {
    const c = chat('examples/support');
    say(c, { quickReply: 1 }); // Return an item
    say(c, 'ACM-123456');
    assert.equal(say(c, 'my AcmeBuds').slots.product, 'headphones');
    say(c, 'I changed my mind');
    const opened = say(c, '5');
    assert.equal(opened.asking, 'item_opened');
    assert.deepEqual(texts(say(c, 'hmm')), ['Please answer yes or no.']);
    const hygiene = say(c, 'yes I have');
    assert.equal(hygiene.slots.item_opened, true);
    assert.deepEqual(hygiene.path, ['return_check_opened', 'return_hygiene', 'anything_else']);
  });

  it('goes to the flow fallback, the global fallback, and the fallback of the global fallback', () => {
    const c = chat('examples/support');
    const menu = say(c, 'xqzt vlorp');
    assert.match(menu.fallback!, /^not understood/);
    assert.deepEqual(menu.path, ['menu_fallback', 'main_menu'], 'flow main has fallback menu_fallback');

    const warranty = say(c, 'what is the warranty on my laptop?');
    assert.equal(warranty.matched?.intent, 'product.warranty');
    assert.deepEqual(warranty.path, ['warranty', 'warranty_laptop', 'repair_offer']);
    const global = say(c, 'xqzt vlorp');
    assert.deepEqual(global.path, ['global_fallback'], 'flow shop_info has no fallback: the global one');
    assert.deepEqual(global.quickReplies, ['Main menu', 'Talk to a person']);
    const twice = say(c, 'xqzt vlorp again');
    assert.deepEqual(twice.path, ['offer_agent'], "global_fallback's own fallback");
    const agent = say(c, 'yes please');
    assert.deepEqual(agent.path, ['agent_choose_topic']);
  });

  it('leaves a question for a global intent (`on` of the manifest), and hands over to a human', () => {
    const c = chat('examples/support');
    assert.deepEqual(say(c, { quickReply: 3 }).path, ['account_menu'], 'a button with `flow: account`');
    const reset = say(c, 'I forgot my password');
    assert.equal(reset.asking, 'email');
    const agent = say(c, 'let me talk to a human');
    assert.equal(agent.matched?.intent, 'agent');
    assert.deepEqual(agent.path, ['agent_start', 'agent_choose_topic']);
    const handoff = say(c, 'Payment'); // typing a button's label taps it
    assert.deepEqual(handoff.path, ['handoff_payment']);
    assert.deepEqual(handoff.handedOff, { queue: 'payments' });
    assert.equal(handoff.ended, true);
    assert.match(texts(handoff)[0], /^I'm passing you to our payment team/);
    const after = say(c, 'hello?');
    assert.deepEqual(after.messages, []);
    assert.deepEqual(after.notices, ['The conversation is over: restart it to talk again.']);
  });

  it('picks the hand-off team from slots set along the way (`set`, then `flow: handoff`)', () => {
    const c = chat('examples/support');
    say(c, 'where is ACM-482913');
    const late = say(c, { quickReply: 0 }); // My parcel is late
    assert.deepEqual(late.path, ['track_late', 'agent_start', 'handoff_orders']);
    assert.deepEqual(late.changed, { handoff_topic: 'orders' });
    assert.deepEqual(late.handedOff, { queue: 'orders' });
  });

  it('talks French: French texts, French synonyms and French training examples', () => {
    const c = chat('examples/support', { locale: 'fr' });
    const turn = say(c, 'où est ma commande ACM-482913 ?');
    assert.equal(turn.matched?.intent, 'order.track');
    assert.match(texts(turn)[0], /^Vous pouvez suivre la commande ACM-482913 en direct ici/);
    const c2 = chat('examples/support', { locale: 'fr' });
    say(c2, 'je veux faire un retour');
    say(c2, 'ACM-123456');
    assert.equal(say(c2, 'mon ordinateur portable').slots.product, 'laptop', 'the longest synonym wins over `portable` (phone)');
    assert.equal(say(c2, 'il est trop petit').slots.return_reason, 'wrong_size');
    assert.deepEqual(texts(say(c2, '400')), ['Donnez-moi un nombre de jours entre 0 et 365.']);
  });
});

describe('dialog engine: the voicebot (examples/voicebot)', function () {
  this.timeout(20_000);
  it('books an appointment: dates, times, `validate`, `set: null` to ask again, and voice forms', () => {
    const c = chat('examples/voicebot', { channel: 'phone' });
    assert.equal(c.voice, true);
    assert.equal(c.opening.messages[0].voice, `<speak>Hello, you've reached Dr. Martin's clinic.<break time="300ms"/> I'm the virtual assistant.</speak>`);
    assert.equal(c.opening.messages[0].text, "Hello, you've reached Dr. Martin's clinic. I'm the virtual assistant.");
    const book = say(c, "hello I'd like to book a blood test");
    assert.equal(book.matched?.intent, 'book_appointment');
    assert.deepEqual(book.changed, { visit_type: 'blood_test', request: 'book' });
    assert.deepEqual(book.path, ['booking_start', 'ask_date']);
    assert.equal(say(c, 'tomorrow please').slots.appointment_date, '2025-03-04');
    const late = say(c, '7 pm');
    assert.deepEqual(texts(late), ["Sorry, that's outside our hours. Please pick a time between 8:30 in the morning and 5:30 in the afternoon."]);
    const afternoon = say(c, '3 pm');
    assert.deepEqual(afternoon.path, ['check_time', 'blood_test_morning', 'ask_time']);
    assert.deepEqual(afternoon.changed, { appointment_time: null }, 'set to 3 pm, then emptied by blood_test_morning');
    assert.match(afternoon.messages[0].voice!, /<emphasis>without breakfast<\/emphasis>/);
    assert.equal(say(c, 'half nine, I mean 9:30 am').slots.appointment_time, '09:30');
    assert.equal(say(c, 'yes').slots.new_patient, true);
    say(c, 'Anna Smith');
    const confirm = say(c, 'five five five one two three four five six seven');
    assert.equal(confirm.slots.phone_number, '5551234567');
    assert.deepEqual(confirm.path, ['confirm_booking']);
    assert.equal(texts(confirm)[0], 'Let me check: an appointment for Anna Smith on 2025-03-04 at 09:30. Is that correct?');
    assert.match(confirm.messages[0].voice!, /<say-as interpret-as="date" format="ymd">2025-03-04<\/say-as>/);
    const change = say(c, 'change the time');
    assert.deepEqual(change.path, ['redo_time', 'ask_time']);
    assert.deepEqual(say(c, '10 am').path, ['check_time', 'confirm_booking']);
    const done = say(c, 'yes that is right');
    assert.deepEqual(done.path, ['booking_done', 'booking_done_new_patient', 'anything_else']);
    assert.match(done.messages[0].voice!, /<say-as interpret-as="telephone">5551234567<\/say-as>/);
    assert.equal(say(c, 'no thank you').ended, true);
  });

  it('cancels an appointment, then books again through `{ flow: booking }`', () => {
    const c = chat('examples/voicebot');
    const cancel = say(c, 'I want to cancel my appointment');
    assert.deepEqual(cancel.path, ['cancel_start', 'find_appointment']);
    const phone = say(c, 'it is 555 123 4567');
    assert.equal(phone.slots.phone_number, '555 123 4567');
    assert.deepEqual(phone.path, ['find_name']);
    const confirm = say(c, 'Anna Smith');
    assert.deepEqual(confirm.path, ['manage_route', 'cancel_confirm']);
    assert.equal(texts(confirm)[0], 'Just to be sure, you want to cancel the next appointment for Anna Smith?');
    assert.deepEqual(say(c, 'yes').path, ['cancel_done']);
    assert.deepEqual(say(c, 'yes please').path, ['booking_start', 'ask_visit_type']);
    const fallback = say(c, 'hmm');
    assert.match(texts(fallback)[0], /^Sorry, I didn't get the kind of appointment/);
    const standard = say(c, 'hmm hmm');
    assert.deepEqual(standard.path, ['default_visit_type', 'ask_date'], 'retries: 1, then the node fallback');
    assert.equal(standard.slots.visit_type, 'consultation');
  });

  it('an emergency ends the call from anywhere; not understood twice at the menu puts the caller through', () => {
    const c = chat('examples/voicebot');
    say(c, 'I need to reschedule my appointment');
    const emergency = say(c, 'I think I am having a heart attack');
    assert.equal(emergency.matched?.intent, 'emergency');
    assert.deepEqual(emergency.path, ['emergency']);
    assert.equal(emergency.ended, true);

    const d = chat('examples/voicebot');
    assert.deepEqual(say(d, 'flibber flabber').path, ['menu_not_understood']);
    const transfer = say(d, 'flibber flabber again');
    assert.deepEqual(transfer.path, ['transfer_reception']);
    assert.deepEqual(transfer.handedOff, { queue: 'reception' });
  });
});

describe('dialog engine: repeatable conversations, undo and restart', function () {
  this.timeout(20_000);
  it('the same seed gives the same conversation; variants rotate instead of repeating', () => {
    const run = (seed: number) => {
      const c = chat('examples/voicebot', { seed });
      return [c.opening, say(c, 'what are your opening hours'), say(c, 'yes'), say(c, 'where are you located')].flatMap(texts);
    };
    assert.deepEqual(run(7), run(7));
    const c = chat('examples/voicebot', { seed: 3 });
    const first = say(c, 'what are your opening hours').messages[1].text;
    say(c, 'yes');
    const second = say(c, 'where are you located').messages[1].text;
    assert.notEqual(first, second, 'anything_else has two variants: the second time says the other one');
    const openings = new Set(Array.from({ length: 12 }, (_, seed) => texts(chat('examples/support', { seed }).opening)[0]));
    assert.equal(openings.size, 2, 'seeds choose where the rotation starts');
  });

  it('undo takes back the last turn (slots, node, rotation); restart starts over', () => {
    const c = chat('examples/support');
    say(c, 'where is my order ACM-482913?');
    const before = c.history.length;
    assert.equal(c.slots.order_number, 'ACM-482913');
    const back = c.undo();
    assert.equal(back, c.opening);
    assert.equal(c.history.length, before - 1);
    assert.deepEqual(c.slots, {});
    assert.deepEqual(say(c, { quickReply: 0 }).path, ['track_start', 'track_ask_number'], 'back at the menu');
    const again = c.restart();
    assert.equal(c.history.length, 1);
    assert.deepEqual(texts(again), texts(chat('examples/support').opening));
    assert.equal(c.undo(), undefined);
  });
});

describe('dialog engine: broken bots give notices, never exceptions', function () {
  this.timeout(20_000);
  const run = (source: string, inputs: UserInput[] = [], options: ConversationOptions = {}) => {
    const f = fixture(source);
    const program = compileBot(f.service.workspace, Object.values(f.uris)[0]);
    const c = startConversation(program, trainMatcher(program), options);
    return [c.opening, ...inputs.map((i) => c.send(i))];
  };

  it('a missing node, a loop without waiting, a dead end, a branch with no case', () => {
    const [missing] = run(`
      bot: { name: B, locales: [en], start: a }
      flows:
        f:
          nodes:
            a: { say: Hi, goto: nowhere }
    `);
    assert.deepEqual(missing.notices, ['The node nowhere does not exist.']);
    assert.deepEqual(
      missing.messages.map((m) => m.text),
      ['Hi'],
    );
    assert.equal(missing.node, 'a');

    const [loop] = run(`
      bot: { name: B, locales: [en], start: a }
      flows:
        f:
          nodes:
            a: { goto: b }
            b: { goto: a }
    `);
    assert.equal(loop.path.length, MAX_STEPS);
    assert.match(loop.notices[0], /without waiting for the user .* a loop/);

    const [deadEnd, answer] = run(
      `
      bot: { name: B, locales: [en], start: a, fallback: a }
      flows:
        f:
          nodes:
            a: { say: Hi }
    `,
      ['hello'],
    );
    assert.match(deadEnd.notices[0], /^Node a is a dead end/);
    assert.equal(answer.fallback, 'not understood: no intent matches at all');

    const [noCase] = run(`
      slots: { n: { type: number } }
      bot: { name: B, locales: [en], start: a }
      flows:
        f:
          nodes:
            a: { branch: [{ if: "n > 3", goto: a }, { if: "n ==", goto: a }] }
    `);
    assert.deepEqual(noCase.notices, [
      'Case 2 of the branch of node a has an error (The condition is incomplete: a slot or a value is missing at its end.); it is skipped.',
      'No case of the branch of node a applies, and it has no else case: the bot waits here.',
    ]);
  });

  it('no manifest, no start, an unknown language, a missing response, an unset placeholder, a missing button', () => {
    const [noManifest] = run(`
      flows: { f: { nodes: { a: { say: Hi } } } }
    `);
    assert.deepEqual(noManifest.notices, [
      'This bot has no manifest (a file with a `bot:` section).',
      'The bot has no start node: set `start` in the manifest.',
    ]);
    assert.equal(noManifest.ended, true);

    const [opening, button] = run(
      `
      slots: { name: { type: text } }
      bot: { name: B, locales: [en], start: a }
      flows:
        f:
          nodes:
            a: { response: missing, say: "Hello {name}!", quick_replies: [{ label: Go, goto: a }] }
    `,
      [{ quickReply: 3 }],
      { locale: 'de' },
    );
    assert.deepEqual(opening.notices, [
      'The bot does not speak de (its languages: en); using en.',
      'Node a says the response missing, which does not exist.',
      'node a say: {name} is empty, the slot name is not set.',
    ]);
    assert.deepEqual(
      opening.messages.map((m) => m.text),
      ['Hello !'],
    );
    assert.deepEqual(button.notices, ['There is no button 4 here (1 button).']);
    assert.equal(button.node, 'a');
  });

  it('a pattern that backtracks forever is stopped, and the conversation goes on', () => {
    const started = performance.now();
    const [, turn] = run(
      `
      entities: { code: { pattern: "(a+)+$" } }
      slots: { code: { entity: code } }
      bot: { name: B, locales: [en], start: a, fallback: a }
      flows:
        f:
          nodes:
            a: { say: Hi, on: { x: a } }
    `,
      ['a'.repeat(40) + '!'],
    );
    assert.ok(performance.now() - started < 2000, 'bounded time');
    assert.match(turn.notices[0], /^Entity code: The pattern `\(a\+\)\+\$` took more than 100 ms on this message and was stopped/);
    assert.deepEqual(turn.path, ['a'], 'not understood: the fallback');
  });

  it('every node of the broken example bots (examples/broken), started at and talked to: no exception', () => {
    const service = createLanguageService();
    for (const file of findDialogFiles(path.join(ROOT, 'examples/broken'))) service.setFile(fileUri(file), readText(file).text);
    const uris = ['bot/bot.bot.yaml', 'no-fallback/bot.bot.yaml', 'two-manifests/a.bot.yaml', 'no-manifest.bot.yaml'].map((f) =>
      fileUri(path.join(ROOT, 'examples/broken', f)),
    );
    const inputs: UserInput[] = [
      'hello',
      'yes',
      '12',
      'tomorrow at 3 pm',
      'anna@example.com',
      { quickReply: 0 },
      { quickReply: 5 },
      { intent: 'greet' },
      { intent: 'nope' },
      '',
      'x'.repeat(5000),
    ];
    let turns = 0;
    for (const uri of uris) {
      const program = compileBot(service.workspace, uri);
      const matcher = trainMatcher(program);
      for (const startNode of [undefined, ...program.nodes.keys()]) {
        for (const locale of [undefined, 'fr', 'xx']) {
          const c = startConversation(program, matcher, { startNode, locale, today: TODAY });
          for (const input of inputs) {
            const turn = c.send(input);
            assert.ok(Array.isArray(turn.messages) && Array.isArray(turn.notices));
            turns++;
          }
          c.undo();
          c.restart();
        }
      }
    }
    assert.ok(turns > 500, `${turns} turns`);
  });
});

describe('dialog engine: coverage of the example bots', function () {
  this.timeout(20_000);
  it('the conversations above reached every kind of node', () => {
    const kinds: Record<string, (n: NonNullable<ReturnType<BotProgram['nodes']['get']>>) => boolean> = {
      say: (n) => !!n.say,
      response: (n) => n.response !== undefined,
      voice: (n) => !!n.voice,
      ask: (n) => n.ask !== undefined,
      validate: (n) => n.validate !== undefined,
      set: (n) => n.set.length > 0,
      'set null': (n) => n.set.some(([, v]) => v === null),
      quick_replies: (n) => n.quickReplies.length > 0,
      on: (n) => n.on.size > 0,
      branch: (n) => !!n.branch,
      goto: (n) => !!n.next && 'node' in n.next,
      flow: (n) => !!n.next && 'flow' in n.next,
      end: (n) => n.end,
      handoff: (n) => !!n.handoff,
      'node fallback': (n) => n.fallback !== undefined,
    };
    for (const [kind, has] of Object.entries(kinds)) {
      const reached = [...visited].filter((key) => {
        const [folder, id] = key.split(':');
        const node = exampleBot(folder).program.nodes.get(id);
        return node && has(node);
      });
      assert.ok(reached.length > 0, `no node with ${kind} was reached`);
    }
  });
});
