import * as assert from 'node:assert/strict';
import { fixture } from '../fixture';

function labels(source: string): string[] {
  const f = fixture(source);
  assert.ok(f.cursor, 'the fixture needs a $0 cursor');
  return f.service.getCompletions(f.cursor.uri, f.cursor.position).items.map((i) => i.label);
}

const DEFS = `
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en, fr], start: welcome }
intents:
  orders.track: {}
  orders.cancel: {}
slots:
  order_number: {}
  email: { type: email }
responses:
  greeting: { text: hi }
`;

describe('completion', () => {
  it('offers node ids at goto, from every file of the bot', () => {
    const items = labels(`${DEFS}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        say: hi
        goto: $0
      bye:
        end: true
//- /bot/other.bot.yaml
flows: { other: { nodes: { elsewhere: { end: true } } } }
`);
    assert.deepEqual(items.sort(), ['bye', 'elsewhere', 'welcome']);
  });

  it('offers intents as keys of `on`, and nodes as their values', () => {
    const keys = labels(`${DEFS}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        on:
          orders.track: welcome
          $0
`);
    assert.deepEqual(keys, ['orders.cancel']);
    const values = labels(`${DEFS}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        on:
          orders.track: wel$0
`);
    assert.deepEqual(values, ['welcome']);
  });

  it('offers the settings of a node that are not there yet, with their documentation', () => {
    const f = fixture(`
      flows:
        main:
          nodes:
            welcome:
              say: hi
              $0
    `);
    const items = f.service.getCompletions(f.cursor!.uri, f.cursor!.position).items;
    const names = items.map((i) => i.label);
    assert.ok(names.includes('goto') && names.includes('ask') && names.includes('quick_replies'));
    assert.ok(!names.includes('say'), 'say is already there');
    const goto = items.find((i) => i.label === 'goto')!;
    assert.match(JSON.stringify(goto.documentation), /The node to go to next/);
  });

  it('offers slots, responses, intents and enum values at their places', () => {
    assert.deepEqual(labels(`${DEFS}\n//- /bot/f.bot.yaml\nflows: { f: { nodes: { n: { ask: $0 } } } }\n`).sort(), ['email', 'order_number']);
    assert.deepEqual(labels(`${DEFS}\n//- /bot/f.bot.yaml\nflows:\n  f:\n    nodes:\n      n:\n        response: $0\n`), ['greeting']);
    assert.deepEqual(
      labels(`${DEFS}\n//- /bot/f.bot.yaml\nflows:\n  f:\n    nodes:\n      n:\n        quick_replies:\n          - label: Track\n            intent: $0\n`).sort(),
      ['orders.cancel', 'orders.track'],
    );
    assert.deepEqual(labels(`slots:\n  s:\n    type: $0\n`), ['text', 'number', 'boolean', 'date', 'time', 'email', 'phone', 'url']);
  });

  it('offers slots inside a placeholder and in conditions', () => {
    assert.deepEqual(labels(`${DEFS}\n//- /bot/f.bot.yaml\nflows:\n  f:\n    nodes:\n      n:\n        say: "Your order {ord$0"\n`), ['order_number']);
    assert.deepEqual(labels(`${DEFS}\n//- /bot/f.bot.yaml\nflows:\n  f:\n    nodes:\n      n:\n        say: "Your order {$0"\n`).sort(), ['email', 'order_number']);
    const condition = labels(`${DEFS}\n//- /bot/f.bot.yaml\nflows:\n  f:\n    nodes:\n      n:\n        branch:\n          - if: email is set and $0\n`);
    assert.ok(condition.includes('order_number') && condition.includes('and') && condition.includes('is not set'));
  });

  it('offers the bot languages as keys of a message and of examples', () => {
    assert.deepEqual(labels(`${DEFS}\n//- /bot/f.bot.yaml\nflows:\n  f:\n    nodes:\n      n:\n        say:\n          en: Hello\n          $0\n`), ['fr']);
    assert.deepEqual(labels(`${DEFS}\n//- /bot/i.bot.yaml\nintents:\n  hi:\n    examples:\n      $0\n`).sort(), ['en', 'fr']);
  });

  it('offers entities and their values inside an annotation of a training example', () => {
    const defs = `//- /bot/e.bot.yaml\nentities:\n  product: { values: { phone: {}, laptop: {} } }\n  color: { values: { red: {} } }\n`;
    assert.deepEqual(labels(`${defs}//- /bot/i.bot.yaml\nintents:\n  buy:\n    examples:\n      en:\n        - "a [mobile]($0"\n`).sort(), ['color', 'product']);
    assert.deepEqual(labels(`${defs}//- /bot/i.bot.yaml\nintents:\n  buy:\n    examples:\n      en:\n        - "a [mobile](product:$0"\n`).sort(), ['laptop', 'phone']);
  });

  it('offers snippets for a new intent, node and flow', () => {
    assert.ok(labels(`intents:\n  a: {}\n  $0\n`).includes('new intent'));
    assert.ok(labels(`flows:\n  main:\n    nodes:\n      a: { end: true }\n      $0\n`).includes('new node'));
    assert.ok(labels(`flows:\n  $0\n`).includes('new flow'));
  });

  it('offers the sections of a file at the top level', () => {
    assert.deepEqual(labels(`intents: {}\n$0\n`).filter((l) => !l.startsWith('new')).sort(), ['bot', 'entities', 'flows', 'responses', 'slots']);
  });

  it('replaces the whole dotted id being typed', () => {
    const f = fixture(`${DEFS}\n//- /bot/f.bot.yaml\nflows:\n  f:\n    nodes:\n      n:\n        on:\n          orders.tr$0\n`);
    const item = f.service.getCompletions(f.cursor!.uri, f.cursor!.position).items.find((i) => i.label === 'orders.track')!;
    assert.deepEqual((item.textEdit as { range: unknown }).range, { start: { line: 5, character: 10 }, end: { line: 5, character: 19 } });
  });

  it('caps long lists of ids, best matches first, and says the list is incomplete', () => {
    const nodes = Array.from({ length: 500 }, (_, i) => `      node_${i}: { end: true }`).join('\n');
    const big = (cursorLine: string) => fixture(`//- /bot/f.bot.yaml\nflows:\n  f:\n    nodes:\n${nodes}\n      n:\n        ${cursorLine}\n`);
    const all = big('goto: $0');
    const list = all.service.getCompletions(all.cursor!.uri, all.cursor!.position);
    assert.equal(list.items.length, 200);
    assert.equal(list.isIncomplete, true);
    const typed = big('goto: node_49$0');
    const some = typed.service.getCompletions(typed.cursor!.uri, typed.cursor!.position);
    assert.deepEqual(some.items.map((i) => i.label).slice(0, 3), ['node_49', 'node_490', 'node_491']);
    assert.equal(some.isIncomplete, false);
    const fuzzy = big('goto: nd499$0');
    assert.deepEqual(fuzzy.service.getCompletions(fuzzy.cursor!.uri, fuzzy.cursor!.position).items.map((i) => i.label), ['node_499']);
  });

  it('resolves documentation lazily for ids', () => {
    const f = fixture(`${DEFS}\n//- /bot/f.bot.yaml\nflows: { f: { nodes: { n: { ask: $0 } } } }\n`);
    const item = f.service.getCompletions(f.cursor!.uri, f.cursor!.position).items.find((i) => i.label === 'email')!;
    assert.equal(item.documentation, undefined);
    assert.match(JSON.stringify(f.service.resolveCompletion(item).documentation), /Type: email/);
  });
});
