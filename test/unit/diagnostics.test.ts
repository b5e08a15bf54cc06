import * as assert from 'node:assert/strict';
import schema from '../../schemas/bot.schema.json';
import packageJson from '../../package.json';
import { CODES } from '../../server/src/service';
import type { Diagnostic } from 'vscode-languageserver-types';
import { hashDiagnostic } from '../../server/src/service/diagnostics';
import { editDistance, nearest } from '../../server/src/service/fuzzy';
import { fixture, problems } from '../fixture';

const MANIFEST = `
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en, fr]
  start: welcome
  fallback: sorry
`;

describe('diagnostics', () => {
  it('a clean bot split over files has no diagnostics', () => {
    const f = fixture(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        say: { en: "Hello {name}", fr: "Bonjour {name}" }
        ask: name
        prompt: { en: Your name?, fr: Votre nom ? }
        validate: name is set
        goto: sorry
      sorry:
        say: { en: Sorry, fr: Désolé }
        end: true
//- /bot/slots.bot.yaml
slots:
  name: { type: text }
`);
    for (const uri of Object.values(f.uris)) assert.deepEqual(problems(f.service, uri), [], uri);
  });

  it('reports YAML syntax errors where they are, in plain words', () => {
    const f = fixture(`
      flows:
        main: [a, b
      intents: {}
    `);
    const diagnostics = f.service.getDiagnostics(f.uris['/bot/main.bot.yaml']);
    assert.ok(diagnostics.length > 0);
    assert.equal(diagnostics[0].code, 'yaml-syntax');
    assert.match(String(diagnostics[0].message), /^YAML syntax: /);
    assert.doesNotMatch(String(diagnostics[0].message), /at line \d+/);
  });

  it('words schema errors for a botmaster and places them on the key or value at fault', () => {
    const f = fixture(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      welcome:
        sey: Hello
        say: 42
        retries: lots
        end: yes please
`);
    const uri = f.uris['/bot/flows.bot.yaml'];
    const byCode = f.service
      .getDiagnostics(uri)
      .filter((d) => ['unknown-key', 'wrong-type'].includes(String(d.code)))
      .map((d) => [d.code, d.message, d.range.start.line + 1, d.range.start.character + 1]);
    assert.deepEqual(byCode, [
      ['unknown-key', '`sey` is not a setting of a node. Did you mean `say`?', 5, 9],
      ['wrong-type', '`say` must be a text or a map of languages, like `en: Hello`.', 6, 14],
      ['wrong-type', '`retries` must be a whole number.', 7, 18],
      ['wrong-type', '`end` must be `true` or `false`.', 8, 14],
    ]);
  });

  it('reports a missing required setting on the entry that lacks it', () => {
    const f = fixture(`
      bot:
        name: Shop
        start: welcome
    `);
    assert.deepEqual(
      f.service.getDiagnostics(f.uris['/bot/main.bot.yaml']).filter((d) => d.code === 'missing-key').map((d) => [d.message, d.range.start.line]),
      [['The bot manifest needs `locales`.', 0]],
    );
  });

  it('reports invalid ids and language codes', () => {
    const f = fixture(`
      bot: { name: x, locales: [en], start: a }
      intents:
        "bad id!": {}
        good:
          examples:
            EN: [hi]
    `);
    assert.deepEqual(
      problems(f.service, f.uris['/bot/main.bot.yaml'], ['invalid-id', 'invalid-value', 'unknown-locale', 'unknown-node']).sort(),
      ['3:3 invalid-id', '6:7 invalid-value', '6:7 unknown-locale', '1:39 unknown-node'].sort(),
    );
  });

  it('reports every undefined reference with a did-you-mean', () => {
    const f = fixture(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  main:
    on:
      billing.refnd: welcom
    nodes:
      welcome:
        say: { en: "Hi {nmae}", fr: "Salut" }
        response: greting
        quick_replies:
          - label: { en: Go, fr: Aller }
            flow: mian
      sorry:
        say: { en: Sorry, de: Entschuldigung, fr-FR: Désolé }
        end: true
intents:
  billing.refund:
    examples:
      en: ["refund [order 42](order_nmber)", "a [phone](product:fone)"]
entities:
  order_number: { pattern: "[0-9]+" }
  product:
    values:
      phone: { en: [mobile] }
responses:
  greeting: { text: { en: Hi, fr: Salut } }
`);
    const messages = f.service
      .getDiagnostics(f.uris['/bot/flows.bot.yaml'])
      .filter((d) => String(d.code).startsWith('unknown-'))
      .map((d) => `${d.code}: ${d.message}`);
    assert.deepEqual(messages.sort(), [
      'unknown-entity-value: The entity `product` has no value `fone`. Did you mean `phone`?',
      'unknown-entity: There is no entity named `order_nmber`. Did you mean `order_number`?',
      'unknown-flow: There is no flow named `mian`. Did you mean `main`?',
      'unknown-intent: There is no intent named `billing.refnd`. Did you mean `billing.refund`?',
      'unknown-locale: This bot does not speak `de`: its languages are `en`, `fr` (see `locales` in the manifest).',
      'unknown-locale: This bot does not speak `fr-FR`: its languages are `en`, `fr` (see `locales` in the manifest). Did you mean `fr`?',
      'unknown-node: There is no node named `welcom`. Did you mean `welcome`?',
      'unknown-response: There is no response named `greting`. Did you mean `greeting`?',
      'unknown-slot: There is no slot named `nmae`.',
    ]);
    const region = f.service.getDiagnostics(f.uris['/bot/flows.bot.yaml']).filter((d) => d.code === 'unknown-locale' && String(d.message).includes('fr-FR'));
    assert.deepEqual(
      f.service.getCodeActions(f.uris['/bot/flows.bot.yaml'], region).filter((a) => a.title.startsWith('Change')).map((a) => [a.title, a.edit?.changes?.[f.uris['/bot/flows.bot.yaml']]?.[0].newText]),
      [['Change to `fr`', 'fr']],
    );
  });

  it('places a placeholder error on the slot name inside the text', () => {
    const f = fixture(`
      slots: { name: {} }
      flows:
        f:
          nodes:
            n:
              say: "Hello {nam}, welcome"
              end: true
    `);
    const d = f.service.getDiagnostics(f.uris['/bot/main.bot.yaml']).find((x) => x.code === 'unknown-slot')!;
    assert.deepEqual(d.range, { start: { line: 5, character: 21 }, end: { line: 5, character: 24 } });
  });

  it('reports duplicate ids across files with the other place', () => {
    const f = fixture(`${MANIFEST}
//- /bot/a.bot.yaml
intents:
  greet: {}
//- /bot/b.bot.yaml
intents:
  greet: {}
`);
    const [d] = f.service.getDiagnostics(f.uris['/bot/a.bot.yaml']).filter((x) => x.code === 'duplicate-id');
    assert.equal(d.message, 'The intent `greet` is defined 2 times; ids must be unique in a bot.');
    assert.equal(d.relatedInformation?.[0].location.uri, f.uris['/bot/b.bot.yaml']);
  });

  it('reports a key written twice in one map on each copy, and leaves ids written twice to duplicate-id', () => {
    const intents = Array.from({ length: 10 }, (_, i) => `i${i}`);
    const f = fixture(`${MANIFEST}
//- /bot/a.bot.yaml
slots:
  name: { type: text }
flows:
  main:
    nodes:
      welcome:
        say: { en: "Hi {name}", fr: "Salut {name}", en: Hello }
        say: { en: Hi, fr: Salut }
        on: { i0: sorry, i1: sorry, i0: welcome }
        goto: sorry
      sorry:
        say: { en: Sorry, fr: Pardon }
        on: { ${intents.map((id) => `${id}: welcome`).join(', ')}, i7: sorry }
        end: true
      sorry: { say: { en: Sorry, fr: Pardon }, end: true }
entities:
  product: { values: { phone: {}, phone: {} } }
slots:
  age: { type: number }
intents:
${intents.map((id) => `  ${id}: { examples: { en: [a ${id}, b ${id}, c ${id}, d ${id}, e ${id}], fr: [a ${id}, b ${id}, c ${id}, d ${id}, e ${id}] } }`).join('\n')}
`);
    const a = f.uris['/bot/a.bot.yaml'];
    assert.deepEqual(problems(f.service, a, ['duplicate-key', 'duplicate-id']).sort(), [
      '1:1 duplicate-key', // a second `slots:` section (line 18)
      '7:9 duplicate-key', // `say` twice in a node
      '8:9 duplicate-key',
      '7:16 duplicate-key', // `en` twice in a message
      '7:53 duplicate-key',
      '9:15 duplicate-key', // the same intent twice under `on:`
      '9:37 duplicate-key',
      '11:7 duplicate-id', // a node twice in one flow: an id, not a key
      '13:106 duplicate-key', // the same in a map of more than 8 keys
      '13:145 duplicate-key',
      '15:7 duplicate-id',
      '17:24 duplicate-id', // an entity value twice: an id
      '17:35 duplicate-id',
      '18:1 duplicate-key',
    ].sort());
    const [first] = f.service.getDiagnostics(a).filter((d) => d.code === 'duplicate-key' && d.range.start.line === 6);
    assert.match(String(first.message), /^The key `say` is written 2 times in this map\. YAML allows each key once/);
  });

  it("gives every file of the bot to send again when the manifest's checks change, and only the manifest otherwise", () => {
    const manifest = (extra: string) => `bot: { name: Shop, locales: [en], start: a${extra} }\nflows: { f: { nodes: { a: { say: Hi, on: { t: a }, end: true } } } }\n`;
    const f = fixture(`//- /bot/bot.bot.yaml\n${manifest('')}//- /bot/n.bot.yaml\nintents:\n  t: { examples: { en: [hi] } }\n`);
    const [bot, n] = [f.uris['/bot/bot.bot.yaml'], f.uris['/bot/n.bot.yaml']];
    const severities = () => f.service.getDiagnostics(n).map((d) => `${d.code}:${d.severity}`);
    assert.deepEqual(severities(), ['few-examples:2']);
    assert.deepEqual([...f.service.setFile(bot, manifest(', checks: { few-examples: info }'), 2)].sort(), [bot, n]);
    assert.deepEqual(severities(), ['few-examples:3']);
    assert.deepEqual([...f.service.setFile(bot, manifest(', description: Sells, checks: { few-examples: info }'), 3)], [bot], 'the same checks');
    assert.deepEqual([...f.service.setFile(bot, manifest(', checks: { few-examples: off }'), 4)].sort(), [bot, n]);
    assert.deepEqual(severities(), []);
    assert.deepEqual([...f.service.setFile(bot, manifest(''), 5)].sort(), [bot, n]);
  });

  it('gives a diagnostic again while it reads the same, and a new one when its severity or a place moves', () => {
    const f = fixture(`${MANIFEST}
//- /bot/a.bot.yaml
intents:
  greet: { exemples: {} }
//- /bot/b.bot.yaml
intents:
  greet: {}
`);
    const a = f.uris['/bot/a.bot.yaml'];
    const find = (code: string) => f.service.getDiagnostics(a).find((x) => x.code === code)!;
    const first = find('unknown-key');
    assert.ok(first, 'a problem of the file itself');
    assert.equal(find('unknown-key'), first, 'the same diagnostic object: nothing about it changed');
    f.service.setSettings({ checks: { 'unknown-key': 'warning' } });
    assert.equal(find('unknown-key').severity, 2, 'a new severity');
    assert.equal(f.service.changedDiagnostics([a]).get(a)?.find((x) => x.code === 'unknown-key')?.severity, 2, 'and sent');
    // The other definition moves two lines down: the related range follows, and the file is sent again.
    f.service.setFile(f.uris['/bot/b.bot.yaml'], '# moved\n\nintents:\n  greet: {}\n', 2);
    assert.deepEqual(find('duplicate-id').relatedInformation?.[0].location.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 7 } });
    assert.ok(f.service.changedDiagnostics([a]).has(a));
    assert.equal(f.service.changedDiagnostics([a]).has(a), false, 'not sent twice');
  });

  it('keeps bots apart: the same id in two bots is fine, references do not cross bots', () => {
    const f = fixture(`
//- /one/bot.bot.yaml
bot: { name: One, locales: [en], start: hello }
flows: { f: { nodes: { hello: { say: hi, goto: bye } } } }
//- /two/bot.bot.yaml
bot: { name: Two, locales: [en], start: hello }
flows: { f: { nodes: { hello: { say: hi, end: true }, bye: { say: bye, end: true } } } }
`);
    assert.deepEqual(problems(f.service, f.uris['/one/bot.bot.yaml'], ['unknown-node', 'duplicate-id']), ['2:48 unknown-node']);
    assert.deepEqual(problems(f.service, f.uris['/two/bot.bot.yaml'], ['unknown-node', 'duplicate-id']), []);
  });

  it('warns about files outside any bot and two manifests in one bot', () => {
    const f = fixture(`
//- /loose/x.bot.yaml
intents: { a: {} }
//- /bot/one.bot.yaml
bot: { name: A, locales: [en], start: s }
flows: { f: { nodes: { s: { say: hi, end: true } } } }
//- /bot/two.bot.yaml
bot: { name: B, locales: [en], start: s }
`);
    assert.deepEqual(problems(f.service, f.uris['/loose/x.bot.yaml'], ['no-manifest']), ['1:1 no-manifest']);
    assert.ok(problems(f.service, f.uris['/bot/two.bot.yaml']).includes('1:1 duplicate-manifest'));
  });

  it('reports condition syntax errors at the exact place', () => {
    const f = fixture(`
      slots: { age: { type: number } }
      flows:
        f:
          nodes:
            n:
              branch:
                - if: age = 3
                  goto: n
                - if: "age > 3 &&"
                  goto: n
                - goto: n
    `);
    const d = f.service.getDiagnostics(f.uris['/bot/main.bot.yaml']).filter((x) => x.code === 'condition-syntax');
    assert.deepEqual(
      d.map((x) => [x.message, x.range.start.line, x.range.start.character]),
      [
        ['Use `==` to compare (a single `=` is not a comparison).', 6, 20],
        ['Use `and` instead of `&`.', 8, 25],
      ],
    );
  });

  it('reports an entity pattern that is not a regular expression', () => {
    const f = fixture(`
      entities:
        code: { pattern: "[A-Z" }
    `);
    assert.deepEqual(problems(f.service, f.uris['/bot/main.bot.yaml'], ['invalid-pattern']), ['2:20 invalid-pattern']);
  });

  it("the manifest's `checks:` accepts every code, and only them (schema and codes.ts agree)", () => {
    assert.deepEqual([...schema.definitions.manifest.properties.checks.propertyNames.enum].sort(), Object.keys(CODES).sort());
  });

  it('the VS Code setting botmaster.checks offers every code, with its title and default severity, and only them', () => {
    const setting = packageJson.contributes.configuration.properties['botmaster.checks'] as {
      properties: Record<string, { enum: string[]; markdownDescription: string }>;
      additionalProperties: boolean;
    };
    assert.equal(setting.additionalProperties, false, 'a misspelt code is flagged in settings.json');
    assert.deepEqual(Object.keys(setting.properties), Object.keys(CODES));
    for (const [code, { severity, title }] of Object.entries(CODES)) {
      assert.deepEqual(setting.properties[code].enum, ['off', 'info', 'warning', 'error'], code);
      assert.equal(setting.properties[code].markdownDescription, `${title} (by default: \`${severity}\`).`, code);
    }
  });
});

describe('did-you-mean (nearest ids)', () => {
  it('finds what comparing with every id finds, in the same order', () => {
    // The letters filter only skips ids too far apart: the answers are those of the edit distance alone.
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const letters = 'abcdeé_.-1ABCÉİß';
    const word = () => Array.from({ length: 2 + random(12) }, () => letters[random(letters.length)]).join('');
    const ids = Array.from({ length: 400 }, word);
    const byDistance = (name: string) => {
      const limit = name.length <= 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
      return ids
        .filter((id) => id !== name)
        .map((id) => ({ id, d: editDistance(name.toLowerCase(), id.toLowerCase(), limit) }))
        .filter((x) => x.d <= limit)
        .sort((x, y) => x.d - y.d || x.id.localeCompare(y.id))
        .slice(0, 3)
        .map((x) => x.id);
    };
    let found = 0;
    for (let i = 0; i < 600; i++) {
      // Half of the names are an id with a letter changed, so that there are answers to find.
      const base = ids[random(ids.length)];
      const at = random(base.length);
      const name = i % 2 ? word() : base.slice(0, at) + letters[random(letters.length)] + base.slice(at + 1);
      const expected = byDistance(name);
      assert.deepEqual(nearest(name, ids), expected, name);
      found += expected.length;
    }
    assert.ok(found > 300, `${found} answers`);
  });
});

describe('the hash that tells a diagnostic changed', () => {
  const base: Diagnostic = {
    range: { start: { line: 3, character: 4 }, end: { line: 3, character: 9 } },
    severity: 2,
    code: 'confusable-examples',
    source: 'botmaster',
    message: 'This example reads like one of `b`.',
    data: { moveTo: ['b'], locale: 'en' },
    relatedInformation: [{ location: { uri: 'file:///bot/b.bot.yaml', range: { start: { line: 1, character: 2 }, end: { line: 1, character: 8 } } }, message: 'In `b`' }],
  };
  const copy = (): Diagnostic => JSON.parse(JSON.stringify(base));
  const variants: [string, (d: Diagnostic) => void][] = [
    ['severity', (d) => (d.severity = 1)],
    ['code', (d) => (d.code = 'duplicate-example')],
    ['message', (d) => (d.message += '!')],
    ['start line', (d) => d.range.start.line++],
    ['start character', (d) => d.range.start.character++],
    ['end line', (d) => d.range.end.line++],
    ['end character', (d) => d.range.end.character++],
    ['related uri', (d) => (d.relatedInformation![0].location.uri = 'file:///bot/c.bot.yaml')],
    ['related range', (d) => d.relatedInformation![0].location.range.end.character++],
    ['related message', (d) => (d.relatedInformation![0].message = 'In `c`')],
    ['one more related place', (d) => d.relatedInformation!.push(d.relatedInformation![0])],
    ['no related place', (d) => (d.relatedInformation = [])],
    ['data', (d) => (d.data = { moveTo: ['c'], locale: 'en' })],
    ['data: one more item', (d) => (d.data = { moveTo: ['b', 'c'], locale: 'en' })],
    ['data: an item moved out of a list', (d) => (d.data = { moveTo: [], locale: 'en', b: 'b' })],
    ['data: a number', (d) => (d.data = { moveTo: ['b'], locale: 'en', n: 1 })],
    ['data: a boolean', (d) => (d.data = { moveTo: ['b'], locale: 'en', n: true })],
    ['no data', (d) => (d.data = undefined)],
    // A character moved from one text to the next must not hash alike (each text is followed by its length).
    ['a character moved between texts', (d) => ((d.code = `${base.code}b`), (d.source = 'otmaster'))],
  ];

  it('is the same for the same diagnostic and differs when any field a client shows differs', () => {
    const hash = hashDiagnostic(base);
    assert.equal(hashDiagnostic(copy()), hash);
    assert.ok(Number.isSafeInteger(hash) && hash >= 0);
    const seen = new Map<number, string>([[hash, 'the diagnostic']]);
    for (const [name, change] of variants) {
      const d = copy();
      change(d);
      const h = hashDiagnostic(d);
      assert.ok(!seen.has(h), `${name}: the same hash as ${seen.get(h)}`);
      seen.set(h, name);
    }
  });
});
