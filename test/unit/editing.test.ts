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

/** Every shape a text takes: block literal and folded, folded plain, double-quoted with escapes, single-quoted. */
const SHAPES = `
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en]
  start: welcome
  fallback: welcome
  on: { agent: { flow: human } } # to a person
slots:
  order_number: { type: text } # the customer's order
  colour: { entity: product }
entities:
  product:
    values:
      red: { en: [red, crimson] }
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        # greet the customer
        say:
          en: |
            Hi {order_number}!
              Your order {order_number} is on its way.
        ask: order_number
        prompt: >-
          Which order?
          Give {order_number} again.
        quick_replies:
          - label: "Track \\"{order_number}\\"\\tnow"
            intent: track
        on:
          track: check   # loop back
      check:
        branch:
          - if: >
              order_number is set and
              colour == "red"
            goto: welcome
          - if: colour != 'red' and order_number is set
            goto: check
          - flow: human
  human:
    nodes:
      transfer: { response: sorry, handoff: true }
//- /bot/nlu.bot.yaml
intents:
  track:
    examples:
      en:
        - 'where''s my [crimson](product:red) order'
        - "track my\\
          \ [red one](product:red)"
        - track it
        - follow my order
        - where is it
  agent: { examples: { en: [a person, an agent, a human, someone, help me] } }
responses:
  sorry: { text: { en: "Sorry, {order_number} \\"needs\\" a person." } }
`;

describe('rename in every shape of text', () => {
  it('renames each kind of id there and back to the same bytes, comments and layout kept', () => {
    const f = fixture(SHAPES);
    const original = Object.fromEntries(Object.entries(f.uris).map(([path, uri]) => [path, f.service.workspace.get(uri)!.text]));
    const clean = () => Object.values(f.uris).flatMap((uri) => problems(f.service, uri, ['unknown-slot', 'unknown-node', 'unknown-flow', 'unknown-intent', 'unknown-response', 'unknown-entity', 'unknown-entity-value', 'condition-value']));
    assert.deepEqual(clean(), []);
    // Each: where to rename from, the new name, and how many places change.
    const cases: [path: string, text: string, offset: number, to: string, places: number][] = [
      ['/bot/bot.bot.yaml', 'order_number:', 0, 'order_id', 9],
      ['/bot/flows.bot.yaml', 'check:', 0, 'verify', 3],
      ['/bot/flows.bot.yaml', 'human:', 0, 'people', 3],
      ['/bot/nlu.bot.yaml', 'track:', 0, 'follow', 3],
      ['/bot/nlu.bot.yaml', 'sorry:', 0, 'apology', 2],
      ['/bot/bot.bot.yaml', 'product:', 0, 'item', 4],
      ['/bot/bot.bot.yaml', 'red:', 0, 'scarlet', 5],
    ];
    for (const [path, text, offset, to, places] of cases) {
      const from = text.slice(0, -1);
      const at = f.at(path, text, offset + 1);
      const edit = f.service.rename(f.uris[path], at, to)!;
      const count = Object.values(edit.changes ?? {}).reduce((n, edits) => n + edits.length, 0);
      assert.equal(count, places, `renaming ${from}: ${count} places`);
      let texts = apply(f, edit);
      assert.deepEqual(clean(), [], `no unknown id after renaming ${from} to ${to}`);
      const before = texts[path].slice(0, texts[path].indexOf(`${to}:`) + 1).split('\n');
      const back = f.service.rename(f.uris[path], { line: before.length - 1, character: before[before.length - 1].length }, from)!;
      texts = apply(f, back);
      assert.deepEqual(texts, original, `${from} → ${to} → ${from} gives the same files`);
    }
  });

  it('puts a placeholder in a block or escaped text on its name, and changes only that name', () => {
    const f = fixture(SHAPES.replace('Your order {order_number}', 'Your order {order_numbr}').replace('"Track \\"{order_number}\\"', '"Track \\"{order_numbr}\\"'));
    const flows = f.uris['/bot/flows.bot.yaml'];
    const diagnostics = f.service.getDiagnostics(flows).filter((d) => d.code === 'unknown-slot');
    const text = f.service.workspace.get(flows)!.text;
    const lines = text.split('\n');
    assert.deepEqual(
      diagnostics.map((d) => [d.range.start.line === d.range.end.line, lines[d.range.start.line].slice(d.range.start.character, d.range.end.character)]),
      [
        [true, 'order_numbr'],
        [true, 'order_numbr'],
      ],
    );
    for (const [i, action] of f.service.getCodeActions(flows, diagnostics).filter((a) => a.title === 'Change to `order_number`').entries()) {
      assert.equal(i < 2, true);
      apply(f, action.edit!);
    }
    assert.equal(f.service.workspace.get(flows)!.text, fixture(SHAPES).service.workspace.get(fixture(SHAPES).uris['/bot/flows.bot.yaml'])!.text);
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

  it('a misspelt slot in a condition: the problem on the name, and "Change to" edits only the name', () => {
    const f = fixture(BOT.replace('validate: order_number is set and order_number != "0"', 'validate: order_number is set and ordr_number != "0"').replace(
      '          track: welcome   # loop back',
      '          track: welcome   # loop back\n        branch:\n          - if: "order_numbr == \\"A1\\""\n            goto: welcome\n          - goto: welcome',
    ));
    const flows = f.uris['/bot/flows.bot.yaml'];
    const text = () => f.service.workspace.get(flows)!.text;
    const lines = text().split('\n');
    const unknown = f.service.getDiagnostics(flows).filter((d) => d.code === 'unknown-slot');
    assert.deepEqual(
      unknown.map((d) => [d.range.start.line + 1, lines[d.range.start.line].slice(d.range.start.character, d.range.end.character), d.message]),
      [
        [9, 'ordr_number', 'There is no slot named `ordr_number`. Did you mean `order_number`?'],
        [13, 'order_numbr', 'There is no slot named `order_numbr`. Did you mean `order_number`?'],
      ],
    );
    for (const d of unknown) {
      const [change] = f.service.getCodeActions(flows, [f.service.getDiagnostics(flows).find((x) => x.code === 'unknown-slot')!]);
      assert.equal(change.title, 'Change to `order_number`', String(d.message));
      apply(f, change.edit!);
    }
    assert.deepEqual(problems(f.service, flows, ['unknown-slot', 'condition-syntax', 'condition-type', 'condition-value']), []);
    assert.match(text(), /validate: order_number is set and order_number != "0"\n/);
    assert.match(text(), /- if: "order_number == \\"A1\\""\n/);
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

  it('create a missing node in the flow that refers to it', () => {
    const f = fixture(`
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en], start: a, fallback: a }
//- /bot/flows.bot.yaml
flows:
  first:
    nodes:
      a: { say: Hi, end: true }
  second:
    nodes:
      b: { say: Hi, goto: missing }
  third:
    nodes:
      c: { say: Hi, end: true }
`);
    const flows = f.uris['/bot/flows.bot.yaml'];
    const texts = apply(f, quickFixes(f.service, flows, 'unknown-node').find((a) => a.title.startsWith('Create'))!.edit!);
    assert.match(texts['/bot/flows.bot.yaml'], /\n {6}b: \{ say: Hi, goto: missing \}\n {6}missing:\n {8}say: \{ en: "" \}\n {8}end: true\n {2}third:/);
  });

  it('create a missing node, intent, slot or response inside flow-style sections, not as a second section', () => {
    const f = fixture(`
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en], start: welcome, fallback: welcome }
slots: { other: { type: number } }
//- /bot/flows.bot.yaml
flows: { main: { nodes: { welcome: { say: "Hi {name}", response: hello, on: { track: next } } } } }
responses: {}
//- /bot/nlu.bot.yaml
intents: { other: { examples: { en: [a, b, c, d, e] } } }
`);
    const flows = f.uris['/bot/flows.bot.yaml'];
    const create = (code: string) => quickFixes(f.service, flows, code).find((a) => a.title.startsWith('Create'))!;
    assert.equal(create('unknown-node').title, 'Create the node `next` in flows.bot.yaml');
    apply(f, create('unknown-node').edit!);
    assert.equal(create('unknown-intent').title, 'Create the intent `track` in nlu.bot.yaml');
    apply(f, create('unknown-intent').edit!);
    apply(f, create('unknown-slot').edit!);
    const texts = apply(f, create('unknown-response').edit!);
    assert.equal(
      texts['/bot/flows.bot.yaml'],
      'flows: { main: { nodes: { welcome: { say: "Hi {name}", response: hello, on: { track: next } }, next: { say: { en: "" }, end: true } } } }\nresponses: { hello: { text: { en: "" } } }\n',
    );
    assert.equal(texts['/bot/nlu.bot.yaml'], 'intents: { other: { examples: { en: [a, b, c, d, e] } }, track: { examples: { en: [""] } } }\n');
    assert.match(texts['/bot/bot.bot.yaml'], /\nslots: \{ other: \{ type: number \}, name: \{ type: text \} \}\n$/);
    for (const uri of Object.values(f.uris)) assert.deepEqual(problems(f.service, uri, ['unknown-node', 'unknown-intent', 'unknown-slot', 'unknown-response', 'yaml-syntax', 'duplicate-key']), [], uri);
    // A section being typed (\`slots:\` with nothing under it yet) gets the entry, not a second \`slots:\`.
    const g = fixture('//- /bot/bot.bot.yaml\nbot: { name: Shop, locales: [en], start: a, fallback: a }\nslots: # to do\nflows: { f: { nodes: { a: { say: "Hi {name}", end: true } } } }\n');
    const manifest = g.uris['/bot/bot.bot.yaml'];
    const text = apply(g, quickFixes(g.service, manifest, 'unknown-slot').find((a) => a.title.startsWith('Create'))!.edit!)['/bot/bot.bot.yaml'];
    assert.equal(text, 'bot: { name: Shop, locales: [en], start: a, fallback: a }\nslots: # to do\n  name:\n    type: text\nflows: { f: { nodes: { a: { say: "Hi {name}", end: true } } } }\n');
    assert.deepEqual(problems(g.service, manifest, ['unknown-slot', 'yaml-syntax']), []);
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
    assert.match(texts['/bot/cancel.bot.yaml'], /- stop it\n {8}- I want to cancel my orders # belongs to cancel\n {6}fr:/);
    assert.deepEqual(problems(f.service, f.uris['/bot/cancel.bot.yaml'], ['yaml-syntax', 'duplicate-example']), []);
  });

  it('remove one copy of a key written twice, in block and flow maps; none for a whole section', () => {
    const f = fixture(`${BOT}
      wrap:
        say: { en: Hello, fr: Bonjour, en: Hi }
        # the old text
        say:
          en: Bye
          fr: Salut
        end: true
flows:
  more: { nodes: { extra: { say: x, end: true } } }
`);
    const flows = f.uris['/bot/flows.bot.yaml'];
    const removals = () => quickFixes(f.service, flows, 'duplicate-key').filter((a) => a.title.startsWith('Remove this copy'));
    assert.deepEqual(removals().map((a) => `${a.diagnostics![0].range.start.line + 1}: ${a.title}`), [
      '14: Remove this copy of \`say\`',
      '16: Remove this copy of \`say\`',
      '14: Remove this copy of \`en\`',
      '14: Remove this copy of \`en\`',
    ]);
    let texts = apply(f, removals()[1].edit!);
    assert.match(texts['/bot/flows.bot.yaml'], /\n {8}say: \{ en: Hello, fr: Bonjour, en: Hi \}\n {8}# the old text\n {8}end: true\n/);
    texts = apply(f, removals()[1].edit!);
    assert.match(texts['/bot/flows.bot.yaml'], /\n {8}say: \{ en: Hello, fr: Bonjour \}\n/);
    assert.deepEqual(problems(f.service, flows, ['duplicate-key', 'yaml-syntax']), ['1:1 duplicate-key', '17:1 duplicate-key'], 'the two `flows:` are left');
    assert.deepEqual(removals(), []);
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

  it('change a misspelt setting or entity value in a condition to the nearest; end a dead end; add a prompt to fill in', () => {
    const f = fixture(`
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en, fr], start: welcome, fallback: welcome }
slots:
  colour: { entity: colour }
  name: { type: text }
entities:
  colour: { values: { red: { en: [red], fr: [rouge] }, blue: { en: [blue], fr: [bleu] } } }
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        sey: { en: Hi, fr: Salut }
        branch:
          - if: colour == "rde"
            goto: stuck
          - goto: asked
      stuck: { say: { en: Hm, fr: Hm } }
      asked:
        ask: name
        on: { nothing: welcome }
`);
    const flows = f.uris['/bot/flows.bot.yaml'];
    const only = (code: string, title: string) => {
      const actions = quickFixes(f.service, flows, code).filter((a) => a.title === title);
      assert.equal(actions.length, 1, `${code}: "${title}" among ${quickFixes(f.service, flows, code).map((a) => a.title).join(', ')}`);
      apply(f, actions[0].edit!);
    };
    only('unknown-key', 'Change to `say`');
    only('condition-value', 'Change to `red`');
    only('dead-end', 'End the conversation here (`end: true`)');
    only('ask-without-prompt', 'Add a prompt to fill in');
    const text = f.service.workspace.get(flows)!.text;
    assert.match(text, /\n {8}say: \{ en: Hi, fr: Salut \}\n/);
    assert.match(text, /- if: colour == "red"\n/);
    assert.match(text, /\n {6}stuck: \{ say: \{ en: Hm, fr: Hm \}, end: true \}\n/);
    assert.match(text, /\n {8}on: \{ nothing: welcome \}\n {8}prompt: \{ en: "", fr: "" \}\n/);
    assert.deepEqual(problems(f.service, flows, ['unknown-key', 'condition-value', 'dead-end', 'ask-without-prompt', 'yaml-syntax']), []);
  });

  it('an intent without examples in a language gets an empty list to fill in, under its examples or in new ones', () => {
    const f = fixture(`${BOT}
//- /bot/nlu.bot.yaml
intents:
  block:
    examples:
      en:
        - where is it   # the usual one
        - track it
  flow: { examples: { en: [a, b] } }
  described:
    description: Nothing yet.
  empty: {}
`);
    const uri = f.uris['/bot/nlu.bot.yaml'];
    const titles = quickFixes(f.service, uri, 'missing-examples').map((a) => a.title).filter((t) => t.includes('examples to fill in'));
    assert.deepEqual(titles, ['Add `fr` examples to fill in', 'Add `fr` examples to fill in', 'Add `en`, `fr` examples to fill in', 'Add `en`, `fr` examples to fill in']);
    // From the last intent up, so that the lines above stay where they were.
    for (const line of [9, 7, 6, 1]) {
      const diagnostic = f.service.getDiagnostics(uri).find((d) => d.code === 'missing-examples' && d.range.start.line === line)!;
      apply(f, f.service.getCodeActions(uri, [diagnostic]).find((a) => a.title.endsWith('examples to fill in'))!.edit!);
    }
    assert.equal(
      f.service.workspace.get(uri)!.text,
      `intents:
  block:
    examples:
      en:
        - where is it   # the usual one
        - track it
      fr: []
  flow: { examples: { en: [a, b], fr: [] } }
  described:
    description: Nothing yet.
    examples:
      en: []
      fr: []
  empty: { examples: { en: [], fr: [] } }
`,
    );
    assert.deepEqual(problems(f.service, uri, ['missing-examples', 'yaml-syntax', 'unknown-key']), []);
    // Each new list is where the botmaster is told to write.
    assert.equal(problems(f.service, uri, ['few-examples']).length, 8);
  });

  it('a node that waits with no fallback in reach gets itself as its fallback (it asks again)', () => {
    const f = fixture(`${BOT.replace('  fallback: welcome\n', '')}
//- /bot/more.bot.yaml
flows:
  more:
    nodes:
      menu: { say: { en: Menu?, fr: Menu ? }, on: { track: welcome } }
`);
    const fixes = (uri: string) => {
      const diagnostic = f.service.getDiagnostics(uri).find((d) => d.code === 'no-fallback')!;
      return f.service.getCodeActions(uri, [diagnostic]).filter((a) => a.title.startsWith('Ask again'));
    };
    for (const [path, id] of [['/bot/more.bot.yaml', 'menu'], ['/bot/flows.bot.yaml', 'welcome']]) {
      const found = fixes(f.uris[path]);
      assert.deepEqual(found.map((a) => a.title), [`Ask again when the bot does not understand (\`fallback: ${id}\`)`]);
      apply(f, found[0].edit!);
    }
    assert.match(f.service.workspace.get(f.uris['/bot/more.bot.yaml'])!.text, /menu: \{ say: \{ en: Menu\?, fr: Menu \? \}, on: \{ track: welcome \}, fallback: menu \}\n/);
    assert.match(f.service.workspace.get(f.uris['/bot/flows.bot.yaml'])!.text, /\n {10}track: welcome   # loop back\n {8}fallback: welcome\n/);
    for (const path of ['/bot/more.bot.yaml', '/bot/flows.bot.yaml']) assert.deepEqual(problems(f.service, f.uris[path], ['no-fallback', 'yaml-syntax', 'unknown-key']), []);
  });

  it('an unused slot, response or entity is removed: its lines in a block map, the entry in a flow map, a section left empty as {}', () => {
    const f = fixture(`${BOT}
//- /bot/unused.bot.yaml
slots:
  # kept: the comment above an entry stays
  spare:
    type: text
    entity: colour
  other: { type: number }
responses:
  used_nowhere: { text: { en: Hi, fr: Salut } }
entities:
  colour:
    values: [red, blue]
`);
    const uri = f.uris['/bot/unused.bot.yaml'];
    const remove = (code: string, id: string) => {
      const diagnostic = f.service.getDiagnostics(uri).find((d) => d.code === code && (d.data as { id?: string } | undefined)?.id === id)!;
      const action = f.service.getCodeActions(uri, [diagnostic]).find((a) => a.title.startsWith('Remove the unused'))!;
      assert.ok(action, `a fix for ${code} ${id}`);
      apply(f, action.edit!);
      return action.title;
    };
    assert.deepEqual(problems(f.service, uri, ['unused-slot', 'unused-response', 'unused-entity']).map((p) => p.split(' ')[0]), ['3:3', '6:3', '8:3']);
    assert.equal(remove('unused-slot', 'spare'), 'Remove the unused slot `spare`');
    // The slot was what used the entity: now the entity is unused too.
    assert.equal(remove('unused-response', 'used_nowhere'), 'Remove the unused response `used_nowhere`');
    assert.equal(remove('unused-entity', 'colour'), 'Remove the unused entity `colour`');
    assert.equal(remove('unused-slot', 'other'), 'Remove the unused slot `other`');
    assert.equal(f.service.workspace.get(uri)!.text, `slots: {}
  # kept: the comment above an entry stays
responses: {}
entities: {}
`);
    assert.deepEqual(problems(f.service, uri, ['yaml-syntax', 'unknown-key', 'unused-slot', 'unused-response', 'unused-entity']), []);
    // A flow map: the entry and its comma.
    const flow = fixture(`${BOT}\n//- /bot/flow.bot.yaml\nslots: { a: { type: text }, b: { type: number }, c: { type: text } }\n`);
    const flowUri = flow.uris['/bot/flow.bot.yaml'];
    for (const id of ['b', 'a']) {
      const diagnostic = flow.service.getDiagnostics(flowUri).find((d) => d.code === 'unused-slot' && (d.data as { id?: string } | undefined)?.id === id)!;
      apply(flow, flow.service.getCodeActions(flowUri, [diagnostic]).find((a) => a.title.startsWith('Remove the unused'))!.edit!);
    }
    assert.equal(flow.service.workspace.get(flowUri)!.text, 'slots: { c: { type: text } }\n');
  });

  it('an unused intent is removed, and an unreachable node or flow once nothing outside it refers to it', () => {
    const f = fixture(`
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en], start: welcome, fallback: welcome }
//- /bot/shop.bot.yaml
flows:
  main:
    nodes:
      welcome:
        say: Hi
        on: { track: welcome }
      # the old survey: nothing leads here
      survey:
        say: Thanks!
        goto: bye
      bye: { say: Bye, end: true }
      again: { say: Once more?, goto: again }
intents:
  track:
    examples:
      en: [track my order, where is my parcel, where is my order, track it, parcel status]
  # a leftover
  old.promo:
    description: The spring promotion
    examples:
      en: [promo code, spring sale, discount please, any deals, coupon]
  short: { examples: { en: [hi there, hello, hey, good morning, howdy] } }
//- /bot/old.bot.yaml
flows:
  old_survey:
    nodes:
      rate: { say: Rate us?, goto: thanks }
      thanks: { say: Thanks!, flow: promo }
  # the spring promotion
  promo:
    start: offer
    nodes:
      offer: { say: 10% off!, end: true }
`);
    const uri = f.uris['/bot/shop.bot.yaml'];
    const removals = (code: string, id: string) => {
      const diagnostic = f.service.getDiagnostics(uri).find((d) => d.code === code && (d.data as { id?: string } | undefined)?.id === id);
      assert.ok(diagnostic, `${code} ${id}`);
      return f.service.getCodeActions(uri, [diagnostic]).filter((a) => a.title.startsWith('Remove the'));
    };
    assert.deepEqual(problems(f.service, uri, ['unreachable-node', 'unused-intent']).map((p) => p.split(' ').slice(0, 2).join(' ')), ['8:7 unreachable-node', '11:7 unreachable-node', '12:7 unreachable-node', '18:3 unused-intent', '22:3 unused-intent']);
    // \`survey\` leads to \`bye\`: removing \`bye\` first would leave a goto to nothing.
    assert.deepEqual(removals('unreachable-node', 'bye'), []);
    for (const [code, id, title] of [
      ['unreachable-node', 'survey', 'Remove the unreachable node `survey`'],
      ['unreachable-node', 'bye', 'Remove the unreachable node `bye`'],
      // Its own goto goes with it.
      ['unreachable-node', 'again', 'Remove the unreachable node `again`'],
      ['unused-intent', 'old.promo', 'Remove the unused intent `old.promo`'],
      ['unused-intent', 'short', 'Remove the unused intent `short`'],
    ]) {
      const found = removals(code, id);
      assert.deepEqual(found.map((a) => a.title), [title]);
      apply(f, found[0].edit!);
    }
    assert.equal(f.service.workspace.get(uri)!.text, `flows:
  main:
    nodes:
      welcome:
        say: Hi
        on: { track: welcome }
      # the old survey: nothing leads here
intents:
  track:
    examples:
      en: [track my order, where is my parcel, where is my order, track it, parcel status]
  # a leftover
`);
    assert.deepEqual(problems(f.service, uri, ['yaml-syntax', 'unknown-key', 'unknown-node', 'unreachable-node', 'unused-intent']), []);

    // A flow: once nothing outside it refers to it or to its nodes.
    const old = f.uris['/bot/old.bot.yaml'];
    const flowFixes = (id: string) => {
      const diagnostic = f.service.getDiagnostics(old).find((d) => d.code === 'unreachable-flow' && (d.data as { id?: string } | undefined)?.id === id);
      assert.ok(diagnostic, `unreachable-flow ${id}`);
      return f.service.getCodeActions(old, [diagnostic]).filter((a) => a.title.startsWith('Remove the'));
    };
    assert.deepEqual(flowFixes('promo'), [], '`thanks` in `old_survey` goes to `promo`');
    for (const id of ['old_survey', 'promo']) {
      const found = flowFixes(id);
      assert.deepEqual(found.map((a) => a.title), [`Remove the unreachable flow \`${id}\``]);
      apply(f, found[0].edit!);
    }
    assert.equal(f.service.workspace.get(old)!.text, 'flows: {}\n  # the spring promotion\n');
    assert.deepEqual(problems(f.service, old, ['yaml-syntax', 'unknown-key', 'unknown-flow', 'unknown-node', 'unreachable-flow']), []);
  });

  it('a branch without an else case gets one that goes to the fallback in reach, in block or flow style', () => {
    const file = (fallback: string) => `${BOT.replace('  fallback: welcome\n', '')}
//- /bot/more.bot.yaml
flows:
  more:
    ${fallback}nodes:
      pick:
        say: { en: Pick, fr: Choisis }
        branch:
          - if: order_number == "1"
            goto: welcome   # the first
          - if: order_number == "2"
            goto: welcome
      quick:
        say: { en: Q, fr: Q }
        branch: [{ if: order_number == "3", goto: welcome }]
      sorry: { say: { en: Sorry?, fr: Pardon ? }, goto: welcome }
`;
    const f = fixture(file('fallback: sorry\n    '));
    const uri = f.uris['/bot/more.bot.yaml'];
    const titles = quickFixes(f.service, uri, 'branch-no-else').map((a) => a.title);
    assert.deepEqual(titles.filter((t) => t.startsWith('Add an else')), ['Add an else case that goes to the fallback `sorry`', 'Add an else case that goes to the fallback `sorry`']);
    for (const line of [13, 6]) {
      const diagnostic = f.service.getDiagnostics(uri).find((d) => d.code === 'branch-no-else' && d.range.start.line === line)!;
      apply(f, f.service.getCodeActions(uri, [diagnostic]).find((a) => a.title.startsWith('Add an else'))!.edit!);
    }
    const text = f.service.workspace.get(uri)!.text;
    assert.match(text, /\n {12}goto: welcome\n {10}- goto: sorry\n {6}quick:\n/);
    assert.match(text, /branch: \[\{ if: order_number == "3", goto: welcome \}, \{ goto: sorry \}\]\n/);
    assert.deepEqual(problems(f.service, uri, ['branch-no-else', 'yaml-syntax', 'unknown-key']), []);
    // No fallback anywhere: no target to offer.
    const none = fixture(file(''));
    assert.deepEqual(quickFixes(none.service, none.uris['/bot/more.bot.yaml'], 'branch-no-else').filter((a) => a.title.startsWith('Add an else')), []);
  });

  it('ignore a code on one line: a comment above it, or the code added to the comment there; in a block text, above the text', () => {
    const f = fixture(`${BOT}
//- /bot/nlu.bot.yaml
intents:
  track:
    examples:
      en:
        - write to anna.berg@gmail.com
        - a
        # botmaster-ignore few-examples
        - call +44 20 7946 0958 now
      fr: [f, g, h, i, j]
responses:
  contact:
    text:
      en: |
        Write to help@acme-shop.fr
        or call {nam}.
      fr: Écrivez-nous.
`);
    const uri = f.uris['/bot/nlu.bot.yaml'];
    const ignore = (line: number, code = 'personal-data') => {
      const diagnostics = f.service.getDiagnostics(uri).filter((d) => d.code === code && d.range.start.line === line);
      assert.equal(diagnostics.length, 1, `${code} on line ${line + 1}`);
      return f.service.getCodeActions(uri, diagnostics).find((a) => a.title.startsWith(`Ignore \`${code}\` `));
    };
    const found = () => problems(f.service, uri, ['personal-data', 'unknown-slot', 'yaml-syntax']);
    assert.deepEqual(found(), ['15:18 unknown-slot', '5:20 personal-data', '8:16 personal-data', '14:18 personal-data']);
    apply(f, ignore(4)!.edit!);
    assert.match(f.service.workspace.get(uri)!.text, /\n {8}# botmaster-ignore personal-data\n {8}- write to anna\.berg@gmail\.com\n/);
    apply(f, ignore(8)!.edit!);
    assert.match(f.service.workspace.get(uri)!.text, /\n {8}# botmaster-ignore few-examples personal-data\n {8}- call/);
    // The address is on the second line of a block text: the comment goes above the text.
    assert.equal(ignore(14)!.title, 'Ignore `personal-data` in this text');
    apply(f, ignore(14)!.edit!);
    assert.match(f.service.workspace.get(uri)!.text, /\n {6}# botmaster-ignore personal-data\n {6}en: \|\n/);
    assert.deepEqual(found(), ['17:18 unknown-slot']);
    // Inside a block text a comment line would be text: the comment goes above the text, and silences all its lines.
    const inText = ignore(16, 'unknown-slot')!;
    assert.equal(inText.title, 'Ignore `unknown-slot` in this text');
    apply(f, inText.edit!);
    assert.match(f.service.workspace.get(uri)!.text, /\n {6}# botmaster-ignore personal-data unknown-slot\n {6}en: \|\n {8}Write to help@acme-shop\.fr\n {8}or call \{nam\}\.\n/);
    assert.deepEqual(found(), []);
  });

  it('an ignore comment above a text over several lines silences its later lines, and only that text', () => {
    const file = `${BOT}
//- /bot/texts.bot.yaml
responses:
  folded:
    text:
      # botmaster-ignore unknown-slot
      en: >-
        Hello {a}
        and {b}
      fr: Bonjour {c}
  plain:
    text:
      # botmaster-ignore
      en: Hi {d}
        and {e}
      fr: Salut {f} et {g}
flows:
  more:
    nodes:
      check:
        branch:
          # botmaster-ignore unknown-slot
          - if: >
              h > 1 and
              i > 2
            goto: check
          - goto: check
`;
    const found = (text: string) => {
      const f = fixture(text);
      return problems(f.service, f.uris['/bot/texts.bot.yaml'], ['unknown-slot']).map((p) => p.split(' ')[0]).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
    };
    // Without the comments: {a} to {g}, and h and i in the condition.
    assert.deepEqual(found(file.replace(/ *# botmaster-ignore.*\n/g, '')), ['5:16', '6:14', '7:20', '10:15', '11:14', '12:18', '12:25', '19:15', '20:15']);
    // With them: only {c}, {f} and {g} stay, whose texts start on lines without a comment above.
    assert.deepEqual(found(file), ['8:20', '14:18', '14:25']);
  });
});
