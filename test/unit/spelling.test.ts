import * as assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { createSpellers } from '../../server/src/host/spelling';
import { suggestionsFor, unknownParts } from '../../server/src/service/analysis/spelling';
import type { Speller } from '../../server/src/service';
import { fixture, problems } from '../fixture';
import type { Fixture } from '../fixture';

/** The real dictionaries, through the host's loader (here from the npm packages: tests run from out/). */
const spellers = createSpellers();

function spelled(source: string): Fixture {
  const f = fixture(source);
  f.service.setSpellers(spellers);
  return f;
}

function spelling(f: Fixture, path: string): Diagnostic[] {
  return f.service.getDiagnostics(f.uris[path]).filter((d) => d.code === 'spelling');
}

/** The words the diagnostics are on, read from the file through their ranges. */
function flagged(f: Fixture, path: string): string[] {
  const lines = f.service.workspace.get(f.uris[path])!.text.split('\n');
  return spelling(f, path).map((d) => {
    assert.equal(d.range.start.line, d.range.end.line);
    return lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
  });
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const offset = (p: { line: number; character: number }) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

function actionsFor(f: Fixture, path: string, word: string): CodeAction[] {
  const diagnostic = spelling(f, path).find((d) => (d.data as { word?: string }).word === word);
  assert.ok(diagnostic, `no spelling diagnostic on ${word}`);
  return f.service.getCodeActions(f.uris[path], [diagnostic]);
}

/** The text of `path` after applying the action's edits to it. */
function after(f: Fixture, action: CodeAction, path: string): string {
  const uri = f.uris[path];
  return applyEdits(f.service.workspace.get(uri)!.text, action.edit?.changes?.[uri] ?? []);
}

const MANIFEST = `
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en, fr]
  start: welcome
  words: [Acme, Acme Shop]
slots:
  order_number: { type: text }
`;

describe('spelling', function () {
  // The first test loads the dictionaries from the npm packages (about a second for both).
  this.timeout(20_000);

  it('reports a misspelt word in each language, on the word, in plain words', () => {
    const f = spelled(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        say:
          en: You will recieve your order tomorrow.
          fr: Vous recevrez votre comande demain.
        end: true
`);
    const found = spelling(f, '/bot/flows.bot.yaml');
    assert.deepEqual(
      found.map((d) => [d.range, d.severity, d.message]),
      [
        [
          { start: { line: 5, character: 23 }, end: { line: 5, character: 30 } },
          3,
          `"recieve" is not in the American English dictionary. If it is spelt right, add it to the bot's words (\`words:\` in the manifest).`,
        ],
        [{ start: { line: 6, character: 34 }, end: { line: 6, character: 41 } }, 3, `"comande" is not in the French dictionary. If it is spelt right, add it to the bot's words (\`words:\` in the manifest).`],
      ],
    );
    assert.deepEqual(found.map((d) => d.data), [
      { word: 'recieve', locale: 'en' },
      { word: 'comande', locale: 'fr' },
    ]);
  });

  it("checks each text in its own language, and the default language's for texts written without one", () => {
    const f = spelled(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        say: { en: Votre colis, fr: Votre colis }
        prompt: Demain soir
        end: true
`);
    assert.deepEqual(flagged(f, '/bot/flows.bot.yaml'), ['Votre', 'colis', 'Demain', 'soir']);
    assert.deepEqual(
      spelling(f, '/bot/flows.bot.yaml').map((d) => (d.data as { locale: string }).locale),
      ['en', 'en', 'en', 'en'],
    );
  });

  it('checks every user-visible text: say, prompt, retry, quick-reply labels, voice, responses, hand-off', () => {
    const f = spelled(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        say: { en: Helo, fr: Bonjour }
        quick_replies:
          - label: { en: Ordr, fr: Comande }
            goto: ask
      ask:
        ask: order_number
        prompt: { en: Your numbr?, fr: Votre numéro ? }
        retry: { en: Agian?, fr: Encore ? }
        voice: { en: "<speak>Your numbr, please</speak>", fr: "<speak>Votre numéro</speak>" }
        handoff: { message: { en: Transfering you, fr: Je vous transfère } }
responses:
  bye:
    text: { en: Godbye, fr: Au revoir }
`);
    assert.deepEqual(flagged(f, '/bot/flows.bot.yaml'), ['Helo', 'Ordr', 'Comande', 'numbr', 'numbr', 'Agian', 'Transfering', 'Godbye']);
  });

  it('does not report placeholders, ids, the bot’s words, URLs, emails, numbers, tags, capitals, elisions, contractions', () => {
    const f = spelled(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      qwzlogin:
        say: { en: Hello, fr: Bonjour }
        end: true
      welcome:
        say:
          en: "Hi {order_number}! Ok, Qwzlogin, zorgphone, Acme and ACME Shop's team at https://acmeshop.example/track?id=zqx or help@acmeshop.example, shop.example, 42 items, 3rd time, A4 paper, SMS, don't, customer's, Acme's e-mail, and/or, \`zqxw\` #zqxwv order_number welcome {{literal}} Zorglub"
          fr: "Aujourd'hui j'ai vérifié l'adresse qu’il a donnée jusqu'à lundi. Est-ce peut-être le week-end ? <break time='1s'/> L'équipe d'Acme Shop, c'est ça. Zorglub"
        voice:
          en: "<speak><say-as interpret-as=\\"telephone\\">Hello</say-as> <sub alias=\\"zqxw\\">ZQ</sub></speak>"
          fr: "<speak>Bonjour &amp; merci</speak>"
        end: true
entities:
  product: { values: { zorgphone: {} } }
`);
    // Only the made-up word at the end of each text (which shows that they are checked).
    assert.deepEqual(flagged(f, '/bot/flows.bot.yaml'), ['Zorglub', 'Zorglub']);
  });

  it('puts the range on the word in block texts, folded lines and quoted texts with escapes', () => {
    const f = spelled(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        say:
          en: |
            Your parcel is on its way.
            It will arive soon.
          fr: >-
            Votre colis
            arrivera bientôt, promis jurré.
        prompt:
          en: Which
            ordr is it?
          fr: "Quelle\\tcommande ? Laquele ?"
        end: true
`);
    assert.deepEqual(flagged(f, '/bot/flows.bot.yaml'), ['arive', 'jurré', 'ordr', 'Laquele']);
  });

  it('judges the parts of a word: elisions, possessives, hyphens', () => {
    const fr = spellers('fr')!;
    const en = spellers('en')!;
    assert.deepEqual(unknownParts(fr, "l'adrese"), [{ start: 2, end: 8 }]);
    assert.deepEqual(unknownParts(fr, 'peut-ètre'), [{ start: 5, end: 9 }]);
    assert.deepEqual(unknownParts(fr, "qu'aujourd'hui"), []);
    assert.deepEqual(unknownParts(en, "Zorglub's"), [{ start: 0, end: 7 }]);
    assert.deepEqual(unknownParts(en, 'Hello'), []);
    assert.deepEqual(unknownParts(en, 'hello'), []);
    assert.deepEqual(unknownParts(en, 'monday'), [{ start: 0, end: 6 }], 'a name needs its capital');
  });

  it('accepts the bot’s words in any case, and with a possessive', () => {
    const f = spelled(`
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en], start: welcome, words: [Zorglub, "Acme  Shopz"] }
flows:
  main:
    nodes:
      welcome:
        say: Zorglub, zorglub, ZORGLUB and Zorglub's friend shop at Shopz. Zorglob!
        end: true
`);
    assert.deepEqual(flagged(f, '/bot/bot.bot.yaml'), ['Zorglob']);
  });

  it('follows edits: a fixed word, a word added to the manifest', () => {
    const f = spelled(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        say: { en: Zorglub says helo, fr: Zorglub dit bonjour }
        end: true
`);
    const flows = f.uris['/bot/flows.bot.yaml'];
    assert.deepEqual(flagged(f, '/bot/flows.bot.yaml'), ['Zorglub', 'helo', 'Zorglub']);
    f.service.setFile(flows, f.text('/bot/flows.bot.yaml').replace('helo', 'hello'), 2);
    assert.deepEqual(flagged(f, '/bot/flows.bot.yaml'), ['Zorglub', 'Zorglub']);
    f.service.setFile(f.uris['/bot/bot.bot.yaml'], f.text('/bot/bot.bot.yaml').replace('words: [Acme, Acme Shop]', 'words: [Acme, Acme Shop, zorglub]'), 2);
    assert.deepEqual(flagged(f, '/bot/flows.bot.yaml'), []);
  });

  it('offers the suggestions as fixes, best first, written like the word', () => {
    const f = spelled(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        say: { en: Recieve it, fr: Votre numero }
        end: true
`);
    const actions = actionsFor(f, '/bot/flows.bot.yaml', 'Recieve');
    const changes = actions.filter((a) => a.title.startsWith('Change to'));
    assert.ok(changes.length >= 1 && changes.length <= 5, changes.map((a) => a.title).join());
    assert.equal(changes[0].title, 'Change to "Receive"');
    assert.equal(changes[0].isPreferred, false, 'a spelling guess is not applied by auto fix');
    assert.match(after(f, changes[0], '/bot/flows.bot.yaml'), /say: \{ en: Receive it, fr: Votre numero \}/);
    // The common typing mistakes first: a letter doubled or not, two letters swapped.
    const en = spellers('en')!;
    assert.equal(suggestionsFor(en, 'arive', 5)[0], 'arrive');
    assert.equal(suggestionsFor(en, 'untill', 5)[0], 'until');
    assert.equal(suggestionsFor(en, 'retrun', 5)[0], 'return');
    assert.equal(suggestionsFor(en, "dont't", 5)[0], "don't");
    const accent = actionsFor(f, '/bot/flows.bot.yaml', 'numero');
    assert.equal(accent[0].title, 'Change to "numéro"');
    assert.equal(accent[0].isPreferred, true, 'only accents differ: a sure fix');
    assert.match(after(f, accent[0], '/bot/flows.bot.yaml'), /fr: Votre numéro \}/);
  });

  it("adds the word to the manifest's words list, keeping comments and layout", () => {
    const flowList = spelled(`${MANIFEST}
//- /bot/flows.bot.yaml
flows: { main: { nodes: { welcome: { say: { en: Zorglub, fr: Zorglub }, end: true } } } }
`);
    const add = actionsFor(flowList, '/bot/flows.bot.yaml', 'Zorglub').find((a) => a.title === `Add "Zorglub" to the bot's words`)!;
    assert.ok(add);
    assert.deepEqual(Object.keys(add.edit!.changes!), [flowList.uris['/bot/bot.bot.yaml']]);
    assert.equal(after(flowList, add, '/bot/bot.bot.yaml'), flowList.text('/bot/bot.bot.yaml').replace('words: [Acme, Acme Shop]', 'words: [Acme, Acme Shop, Zorglub]'));

    const blockList = spelled(`
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en]
  start: welcome
  # Brand names.
  words:
    - Acme   # the company
  # Where the bot runs.
  channels:
    web: { type: chat }
flows: { main: { nodes: { welcome: { say: Zorglub, end: true } } } }
`);
    const toBlock = actionsFor(blockList, '/bot/bot.bot.yaml', 'Zorglub').find((a) => a.title.startsWith('Add'))!;
    assert.equal(
      after(blockList, toBlock, '/bot/bot.bot.yaml'),
      blockList.text('/bot/bot.bot.yaml').replace('    - Acme   # the company\n', '    - Acme   # the company\n    - Zorglub\n'),
    );

    const none = spelled(`
//- /bot/bot.bot.yaml
# The manifest.
bot:
  name: Shop
  locales: [en]
  start: welcome
  channels:
    web: { type: chat }   # the site

# The dialog.
flows: { main: { nodes: { welcome: { say: Zorglub, end: true } } } }
`);
    const created = actionsFor(none, '/bot/bot.bot.yaml', 'Zorglub').find((a) => a.title.startsWith('Add'))!;
    assert.equal(after(none, created, '/bot/bot.bot.yaml'), none.text('/bot/bot.bot.yaml').replace('    web: { type: chat }   # the site\n', '    web: { type: chat }   # the site\n  words: [Zorglub]\n'));

    const flowMap = spelled(`
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en], start: welcome }
flows: { main: { nodes: { welcome: { say: Zorglub, end: true } } } }
`);
    const inFlow = actionsFor(flowMap, '/bot/bot.bot.yaml', 'Zorglub').find((a) => a.title.startsWith('Add'))!;
    assert.equal(after(flowMap, inFlow, '/bot/bot.bot.yaml'), flowMap.text('/bot/bot.bot.yaml').replace('start: welcome }', 'start: welcome, words: [Zorglub] }'));

    const empty = spelled(`
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en]
  start: welcome
  words:
flows: { main: { nodes: { welcome: { say: Zorglub, end: true } } } }
`);
    const filled = actionsFor(empty, '/bot/bot.bot.yaml', 'Zorglub').find((a) => a.title.startsWith('Add'))!;
    assert.match(after(empty, filled, '/bot/bot.bot.yaml'), /\n {2}words: \[Zorglub\]\n/);
    // Each fixed manifest reads back with the word accepted.
    for (const [f, action] of [[flowList, add], [blockList, toBlock], [none, created], [flowMap, inFlow], [empty, filled]] as const) {
      f.service.setFile(f.uris['/bot/bot.bot.yaml'], after(f, action, '/bot/bot.bot.yaml'), 3);
      assert.deepEqual(f.service.getDiagnostics(f.uris['/bot/bot.bot.yaml']).filter((d) => d.severity === 1), []);
      for (const path of Object.keys(f.uris)) assert.deepEqual(flagged(f, path), [], path);
    }
  });

  it('gives no suggestion fix when the diagnostic is not on the word itself', () => {
    const f = spelled(`${MANIFEST}
//- /bot/flows.bot.yaml
flows: { main: { nodes: { welcome: { say: { en: Zorglub, fr: Zorglub }, end: true } } } }
`);
    const diagnostic = { ...spelling(f, '/bot/flows.bot.yaml')[0] };
    diagnostic.range = { start: diagnostic.range.start, end: { ...diagnostic.range.end, character: diagnostic.range.end.character + 1 } };
    const titles = f.service.getCodeActions(f.uris['/bot/flows.bot.yaml'], [diagnostic]).map((a) => a.title);
    assert.deepEqual(titles, [`Add "Zorglub" to the bot's words`, 'Ignore `spelling` on this line']);
  });

  it('reports nothing, and does not throw, for a language without a dictionary or without dictionaries at all', () => {
    const f = spelled(`
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [de, pt-BR], start: welcome }
flows: { main: { nodes: { welcome: { say: { de: Grüße zorglub, pt-BR: Olá zorglub }, end: true } } } }
`);
    assert.deepEqual(problems(f.service, f.uris['/bot/bot.bot.yaml']), []);
    assert.equal(spellers('de'), undefined);
    const none = fixture(`${MANIFEST}
//- /bot/flows.bot.yaml
flows: { main: { nodes: { welcome: { say: { en: recieve, fr: comande }, end: true } } } }
`);
    assert.deepEqual(problems(none.service, none.uris['/bot/flows.bot.yaml'], ['spelling']), [], 'no dictionaries given: no spelling check');
  });

  it('chooses the dictionary by the first subtag of the locale, and British English where English is spelt so', () => {
    assert.equal(spellers('fr_CA'), spellers('fr'));
    assert.equal(spellers('en-US'), spellers('en'));
    assert.equal(spellers('en-CA'), spellers('en'));
    assert.notEqual(spellers('en-GB'), spellers('en'));
    assert.equal(spellers('en-AU'), spellers('en-GB'));
    assert.equal(spellers('en_gb')!.name, 'British English');
    const f = spelled(`
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en-GB, fr-CA, en], start: welcome }
flows: { main: { nodes: { welcome: { say: { en-GB: Thanks a lott for your favourite colour, fr-CA: Merci beaucoupp, en: Thanks for your favourite colour }, end: true } } } }
`);
    assert.deepEqual(flagged(f, '/bot/bot.bot.yaml'), ['lott', 'beaucoupp', 'favourite', 'colour']);
    // Suggestions come from the text's own dictionary.
    assert.ok(suggestionsFor(spellers('en-GB')!, 'colur', 5).includes('colour'), 'British suggestion');
    assert.ok(suggestionsFor(spellers('en')!, 'colur', 5).includes('color'), 'American suggestion');
  });

  it('works on every prefix of a file being typed, without throwing, and its fixes too', () => {
    const text = `bot:\n  name: Shop\n  locales: [en, fr]\n  start: a\n  words: [Acme, "Zorg\nflows:\n  f:\n    nodes:\n      a:\n        say: { en: "You will recieve {na`
      + `}", fr: l'adrese }\n        prompt:\n          en: |\n            Your ordr\n          fr: >\n            Votre comande\n        quick_replies:\n          - label: { en: Helo`;
    let reported = 0;
    for (let cut = 1; cut <= text.length; cut += 2) {
      const f = spelled(`//- /bot/bot.bot.yaml\n${text.slice(0, cut)}\n`);
      const uri = f.uris['/bot/bot.bot.yaml'];
      const found = f.service.getDiagnostics(uri).filter((d) => d.code === 'spelling');
      for (const d of found) f.service.getCodeActions(uri, [d]);
      reported += found.length;
      assert.deepEqual(f.service.checkFailures(), [], `at ${cut} characters`);
    }
    assert.ok(reported > 0, 'the half-typed texts are checked too');
  });

  it('a speller that throws is reported as a failed check, the other checks still run', () => {
    const f = fixture(`${MANIFEST}
//- /bot/flows.bot.yaml
flows: { main: { nodes: { welcome: { say: { en: Hi, fr: Salut } } } } }
`);
    const broken: Speller = {
      name: 'Broken',
      check: () => {
        throw new Error('dictionary corrupt');
      },
      suggest: () => [],
    };
    f.service.setSpellers(() => broken);
    assert.deepEqual(problems(f.service, f.uris['/bot/flows.bot.yaml'], ['dead-end']), ['1:27 dead-end']);
    assert.deepEqual(f.service.checkFailures().map((x) => [x.check, x.error.message]), [['spelling', 'dictionary corrupt']]);
    // Edits run the checks again: the failure is told once (for the server's log), and stays on the manifest.
    const manifest = f.uris['/bot/bot.bot.yaml'];
    for (let version = 2; version <= 4; version++) {
      f.service.setFile(f.uris['/bot/flows.bot.yaml'], f.text('/bot/flows.bot.yaml').replace('Hi', `Hi ${version}`), version);
      assert.deepEqual(problems(f.service, f.uris['/bot/flows.bot.yaml'], ['dead-end']), ['1:27 dead-end']);
      assert.deepEqual(f.service.checkFailures(), [], `version ${version}`);
      assert.deepEqual(problems(f.service, manifest, ['check-failed']), ['1:1 check-failed']);
    }
  });
});
