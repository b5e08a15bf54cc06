import * as assert from 'node:assert/strict';
import { fixture } from '../fixture';

const BOT = `
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en, fr]
  start: welcome
  on:
    help: help_node
//- /bot/nlu.bot.yaml
intents:
  help:
    description: The user asks for help
    examples:
      en: [help, "I need help", "what can you do", "assist me"]
      fr: [aide]
slots:
  order_number: { entity: order_id }
entities:
  order_id: { pattern: "[0-9]{6}" }
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        say: { en: "Welcome to the shop", fr: "Bienvenue" }
        on:
          help: help_node
      help_node:
        say: { en: "I can track orders {order_number}", fr: "Je peux suivre vos commandes" }
        ask: order_number
        goto: welcome
`;

describe('go to definition, references, hover, symbols', () => {
  it('goes to the definition of a node in another file', () => {
    const f = fixture(BOT);
    const locations = f.service.getDefinition(f.uris['/bot/bot.bot.yaml'], f.at('/bot/bot.bot.yaml', 'help_node', 2));
    assert.deepEqual(locations, [{ uri: f.uris['/bot/flows.bot.yaml'], range: { start: { line: 7, character: 6 }, end: { line: 7, character: 15 } } }]);
  });

  it('goes to the definition of an intent, a slot in a placeholder and an entity', () => {
    const f = fixture(BOT);
    const flows = f.uris['/bot/flows.bot.yaml'];
    const intent = f.service.getDefinition(flows, f.at('/bot/flows.bot.yaml', 'help: help_node', 1));
    assert.equal(intent[0].uri, f.uris['/bot/nlu.bot.yaml']);
    assert.equal(intent[0].range.start.line, 1);
    const slot = f.service.getDefinition(flows, f.at('/bot/flows.bot.yaml', '{order_number}', 3));
    assert.equal(slot[0].range.start.line, 7);
    const entity = f.service.getDefinition(f.uris['/bot/nlu.bot.yaml'], f.at('/bot/nlu.bot.yaml', 'entity: order_id', 9));
    assert.equal(entity[0].range.start.line, 9);
  });

  it('finds every reference across files, with or without the declaration', () => {
    const f = fixture(BOT);
    const refs = f.service.getReferences(f.uris['/bot/flows.bot.yaml'], f.at('/bot/flows.bot.yaml', 'help_node:', 1), false);
    assert.deepEqual(
      refs.map((r) => `${r.uri.slice(r.uri.lastIndexOf('/') + 1)}:${r.range.start.line}`).sort(),
      ['bot.bot.yaml:5', 'flows.bot.yaml:6'],
    );
    const withDecl = f.service.getReferences(f.uris['/bot/flows.bot.yaml'], f.at('/bot/flows.bot.yaml', 'help_node:', 1), true);
    assert.equal(withDecl.length, 3);
  });

  it('hovers an intent with its description, counts and first examples', () => {
    const f = fixture(BOT);
    const hover = f.service.getHover(f.uris['/bot/flows.bot.yaml'], f.at('/bot/flows.bot.yaml', 'help: help_node', 1))!;
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /\*\*intent\*\* `help` — The user asks for help/);
    assert.match(text, /Examples: 4 in `en`, 1 in `fr`/);
    assert.match(text, /- “help”\n- “I need help”\n- “what can you do”\n/);
    assert.doesNotMatch(text, /assist me/);
  });

  it('hovers a node with what it says in the default locale and where it leads', () => {
    const f = fixture(BOT);
    const hover = f.service.getHover(f.uris['/bot/bot.bot.yaml'], f.at('/bot/bot.bot.yaml', 'start: welcome', 8))!;
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /\*\*node\*\* `welcome` in flow `main`/);
    assert.match(text, /Says: “Welcome to the shop”/);
    assert.match(text, /on “help” → `help_node`/);
  });

  it('hovers a slot with its type and who fills it', () => {
    const f = fixture(BOT);
    const hover = f.service.getHover(f.uris['/bot/flows.bot.yaml'], f.at('/bot/flows.bot.yaml', 'ask: order_number', 6))!;
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /Type: entity `order_id`/);
    assert.match(text, /Asked by: `help_node`/);
  });

  it('hovers a setting with its documentation from the schema', () => {
    const f = fixture(BOT);
    const hover = f.service.getHover(f.uris['/bot/flows.bot.yaml'], f.at('/bot/flows.bot.yaml', 'goto: welcome', 1))!;
    assert.match((hover.contents as { value: string }).value, /^\*\*goto\*\* — The node to go to next\./);
  });

  it('outlines a file by flow and node, and lists workspace symbols', () => {
    const f = fixture(BOT);
    const outline = f.service.getDocumentSymbols(f.uris['/bot/flows.bot.yaml']);
    assert.deepEqual(outline.map((s) => [s.name, s.children?.map((c) => c.name)]), [['main', ['welcome', 'help_node']]]);
    const nlu = f.service.getDocumentSymbols(f.uris['/bot/nlu.bot.yaml']).map((s) => `${s.detail} ${s.name}`);
    assert.deepEqual(nlu, ['intent help', 'slot order_number', 'entity order_id']);
    const symbols = f.service.getWorkspaceSymbols('hlpnd').map((s) => s.name);
    assert.deepEqual(symbols, ['help_node']);
  });
});
