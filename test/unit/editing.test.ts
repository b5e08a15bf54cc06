import * as assert from 'node:assert/strict';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { RenameError, SIMULATE_FROM_COMMAND } from '../../server/src/service';
import type { LanguageService } from '../../server/src/service';
import { fixture, problems } from '../fixture';
import type { Fixture } from '../fixture';

/** Applies text edits to a text (from the end, as an editor does). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const offset = (p: { line: number; character: number }) => {
    const lines = text.split('\n');
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

/** Applies a workspace edit to the fixture's files and feeds them back to the service; returns the new texts. */
function apply(f: Fixture, edit: WorkspaceEdit): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [path, uri] of Object.entries(f.uris)) {
    const current = f.service.workspace.get(uri)!.text;
    texts[path] = edit.changes?.[uri] ? applyEdits(current, edit.changes[uri]) : current;
    f.service.setFile(uri, texts[path], 99);
  }
  return texts;
}

const BOT = `
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en, fr]
  start: welcome
  fallback: welcome
slots:
  order_number: { type: text } # the customer's order
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        # greet the customer
        say: { en: "Hi {order_number}", fr: "Salut {order_number}" }
        ask: order_number
        prompt: { en: Number?, fr: Numéro ? }
        validate: order_number is set and order_number != "0"
        on:
          track: welcome   # loop back
`;

function quickFixes(service: LanguageService, uri: string, code: string) {
  const diagnostics = service.getDiagnostics(uri).filter((d) => d.code === code);
  assert.ok(diagnostics.length > 0, `a ${code} diagnostic in ${uri}`);
  return service.getCodeActions(uri, diagnostics);
}

describe('rename', () => {
  it('renames a slot everywhere: definitions, asks, placeholders and conditions, keeping comments', () => {
    const f = fixture(BOT + '\n//- /bot/nlu.bot.yaml\nintents:\n  track: { examples: { en: [a, b, c, d, e], fr: [f, g, h, i, j] } }\n');
    const flows = f.uris['/bot/flows.bot.yaml'];
    const start = f.at('/bot/flows.bot.yaml', 'ask: order_number', 5);
    const at = { line: start.line, character: start.character + 3 };
    assert.deepEqual(f.service.prepareRename(flows, at), { range: { start, end: { line: start.line, character: start.character + 12 } }, placeholder: 'order_number' });
    const texts = apply(f, f.service.rename(flows, at, 'order_id')!);
    assert.match(texts['/bot/bot.bot.yaml'], /order_id: \{ type: text \} # the customer's order/);
    assert.match(texts['/bot/flows.bot.yaml'], /# greet the customer\n {8}say: \{ en: "Hi \{order_id\}", fr: "Salut \{order_id\}" \}/);
    assert.match(texts['/bot/flows.bot.yaml'], /validate: order_id is set and order_id != "0"/);
    assert.ok(!texts['/bot/flows.bot.yaml'].includes('order_number'));
    for (const uri of Object.values(f.uris)) assert.deepEqual(problems(f.service, uri, ['unknown-slot']), []);
  });

  it('renames a node from a reference, and an intent from its definition', () => {
    const f = fixture(BOT + '\n//- /bot/nlu.bot.yaml\nintents:\n  track: { examples: { en: [a, b, c, d, e], fr: [f, g, h, i, j] } }\n');
    let texts = apply(f, f.service.rename(f.uris['/bot/bot.bot.yaml'], f.at('/bot/bot.bot.yaml', 'start: welcome', 9), 'hello')!);
    assert.match(texts['/bot/flows.bot.yaml'], /^ {6}hello:$/m);
    assert.match(texts['/bot/flows.bot.yaml'], /track: hello {3}# loop back/);
    assert.match(texts['/bot/bot.bot.yaml'], /start: hello\n {2}fallback: hello/);
    texts = apply(f, f.service.rename(f.uris['/bot/nlu.bot.yaml'], f.at('/bot/nlu.bot.yaml', 'track:', 1), 'orders.track')!);
    assert.match(texts['/bot/flows.bot.yaml'], /orders\.track: hello/);
  });

  it('refuses an invalid or taken name', () => {
    const f = fixture(BOT);
    const at = f.at('/bot/flows.bot.yaml', 'welcome:', 1);
    assert.throws(() => f.service.rename(f.uris['/bot/flows.bot.yaml'], at, 'two words'), RenameError);
    const g = fixture(BOT + '\n//- /bot/more.bot.yaml\nflows: { other: { nodes: { taken: { end: true } } } }\n');
    assert.throws(() => g.service.rename(g.uris['/bot/flows.bot.yaml'], at, 'taken'), /already has a node `taken`/);
    assert.equal(f.service.prepareRename(f.uris['/bot/flows.bot.yaml'], { line: 0, character: 0 }), null);
  });
});

describe('code lens', () => {
  it('shows the number of references above each node and intent, and "Simulate from here" above each node', () => {
    const f = fixture(BOT + '\n//- /bot/nlu.bot.yaml\nintents:\n  track: { examples: { en: [a, b, c, d, e], fr: [f, g, h, i, j] } }\n');
    const lenses = f.service.getCodeLenses(f.uris['/bot/flows.bot.yaml']);
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title]), [
      [3, '3 references · entry point'],
      [3, 'Simulate from here'],
    ]);
    assert.equal((lenses[0].command!.arguments![2] as unknown[]).length, 3);
    assert.deepEqual(lenses[1].command, { title: 'Simulate from here', command: SIMULATE_FROM_COMMAND, arguments: [f.uris['/bot/flows.bot.yaml'], 'welcome'] });
    assert.deepEqual(f.service.getCodeLenses(f.uris['/bot/nlu.bot.yaml']).map((l) => l.command?.title), ['1 reference']);
  });

  it('offers no simulation in a file that belongs to no bot', () => {
    const f = fixture('//- /loose/flow.bot.yaml\nflows:\n  main:\n    nodes:\n      alone: { say: Hi, end: true }\n');
    assert.deepEqual(f.service.getCodeLenses(f.uris['/loose/flow.bot.yaml']).map((l) => l.command?.title), ['0 references']);
  });
});

describe('quick fixes', () => {
  it('change a misspelt reference to the nearest id', () => {
    const f = fixture(BOT.replace('track: welcome', 'track: welcom') + '\n//- /bot/nlu.bot.yaml\nintents:\n  track: { examples: { en: [a, b, c, d, e], fr: [f, g, h, i, j] } }\n');
    const [change] = quickFixes(f.service, f.uris['/bot/flows.bot.yaml'], 'unknown-node');
    assert.equal(change.title, 'Change to `welcome`');
    assert.equal(change.isPreferred, true);
    apply(f, change.edit!);
    assert.deepEqual(problems(f.service, f.uris['/bot/flows.bot.yaml'], ['unknown-node']), []);
  });

  it('create a missing node, intent or response as a stub in the right file', () => {
    const f = fixture(`${BOT.replace('track: welcome', 'track: next_step')}
//- /bot/nlu.bot.yaml
intents:
  track: { examples: { en: [a, b, c, d, e], fr: [f, g, h, i, j] } }
//- /bot/more.bot.yaml
flows:
  extra:
    nodes:
      extra_node:
        response: thanks
        on: { cancel: welcome }
`);
    const flows = f.uris['/bot/flows.bot.yaml'];
    const createNode = quickFixes(f.service, flows, 'unknown-node').find((a) => a.title.startsWith('Create'))!;
    assert.equal(createNode.title, 'Create the node `next_step` in flows.bot.yaml');
    let texts = apply(f, createNode.edit!);
    assert.match(texts['/bot/flows.bot.yaml'], /# loop back\n {6}next_step:\n {8}say: \{ en: "" \}\n {8}end: true\n\n?$/);
    const more = f.uris['/bot/more.bot.yaml'];
    const createIntent = quickFixes(f.service, more, 'unknown-intent').find((a) => a.title.startsWith('Create'))!;
    assert.equal(createIntent.title, 'Create the intent `cancel` in nlu.bot.yaml');
    texts = apply(f, createIntent.edit!);
    assert.match(texts['/bot/nlu.bot.yaml'], /\n {2}cancel:\n {4}examples:\n {6}en:\n {8}- ""\n$/);
    const createResponse = quickFixes(f.service, more, 'unknown-response').find((a) => a.title.startsWith('Create'))!;
    texts = apply(f, createResponse.edit!);
    assert.match(texts['/bot/more.bot.yaml'], /\nresponses:\n {2}thanks:\n {4}text:\n {6}en: ""\n$/);
    for (const uri of Object.values(f.uris)) assert.deepEqual(problems(f.service, uri, ['unknown-node', 'unknown-intent', 'unknown-response', 'yaml-syntax']), [], uri);
  });

  it('add the missing translations to block maps, flow maps and plain texts', () => {
    const f = fixture(`${BOT}
//- /bot/texts.bot.yaml
flows:
  texts:
    nodes:
      block:
        say:
          en: Hello   # a comment
        end: true
      flow: { say: { en: Hi }, end: true }
      plain: { say: "Bonjour tout le monde", end: true }
`);
    const uri = f.uris['/bot/texts.bot.yaml'];
    for (let i = 0; i < 3; i++) {
      const [fix] = quickFixes(f.service, uri, 'missing-translation');
      assert.equal(fix.title, 'Add `fr` to translate');
      apply(f, fix.edit!);
    }
    const text = f.service.workspace.get(uri)!.text;
    assert.match(text, /en: Hello {3}# a comment\n {10}fr: ""\n/);
    assert.match(text, /say: \{ en: Hi, fr: "" \}/);
    assert.match(text, /say: \{ en: "Bonjour tout le monde", fr: "" \}/);
    assert.deepEqual(problems(f.service, uri, ['missing-translation', 'yaml-syntax']), []);
  });

  it('move an example to the intent it is confused with, in another file', () => {
    const f = fixture(`${BOT}
//- /bot/nlu.bot.yaml
intents:
  track:
    examples:
      en:
        - I want to cancel my orders   # belongs to cancel
        - where is my parcel
      fr: [où est mon colis, suivre]
//- /bot/cancel.bot.yaml
intents:
  cancel:
    examples:
      en:
        - I want to cancel my order
        - stop it
      fr: [annuler, stop]
`);
    const uri = f.uris['/bot/nlu.bot.yaml'];
    const diagnostics = f.service.getDiagnostics(uri).filter((d) => d.code === 'confusable-examples');
    assert.equal(diagnostics.length, 1);
    // What the diagnostic says and carries (the problem builds them when read), as plain data for the wire.
    const [diagnostic] = JSON.parse(JSON.stringify(diagnostics));
    assert.match(diagnostic.message, /^This example is \d+% like "I want to cancel my order" in `cancel`: the bot may confuse `track` and `cancel`\.$/);
    assert.deepEqual(diagnostic.range, { start: { line: 4, character: 10 }, end: { line: 4, character: 36 } });
    assert.deepEqual(diagnostic.data, { moveTo: ['cancel'], locale: 'en' });
    assert.deepEqual(diagnostic.relatedInformation, [
      { location: { uri: f.uris['/bot/cancel.bot.yaml'], range: { start: { line: 4, character: 10 }, end: { line: 4, character: 35 } } }, message: 'In `cancel`' },
    ]);
    const move = f.service.getCodeActions(uri, diagnostics).find((a) => a.title === 'Move this example to `cancel`')!;
    const texts = apply(f, move.edit!);
    assert.match(texts['/bot/nlu.bot.yaml'], /en:\n {8}- where is my parcel\n/);
    assert.match(texts['/bot/cancel.bot.yaml'], /- stop it\n {8}- I want to cancel my orders\n {6}fr:/);
    assert.deepEqual(problems(f.service, f.uris['/bot/cancel.bot.yaml'], ['yaml-syntax', 'duplicate-example']), []);
  });

  it('remove a duplicate example, in block and flow lists', () => {
    const f = fixture(`${BOT}
//- /bot/nlu.bot.yaml
intents:
  track:
    examples:
      en:
        - where is my order
        - Where is my order?   # the same
        - track it
      fr: [où est ma commande, Où est ma commande !, suivre]
`);
    const uri = f.uris['/bot/nlu.bot.yaml'];
    for (let i = 0; i < 2; i++) apply(f, quickFixes(f.service, uri, 'duplicate-example')[0].edit!);
    const text = f.service.workspace.get(uri)!.text;
    assert.match(text, /- where is my order\n {8}- track it\n/);
    assert.match(text, /fr: \[où est ma commande, suivre\]/);
    assert.deepEqual(problems(f.service, uri, ['duplicate-example', 'yaml-syntax']), []);
  });
});
