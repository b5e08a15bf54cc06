import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { createLanguageService } from '../../server/src/service';
import { parseCondition } from '../../server/src/service/conditions';
import { fixture, problems } from '../fixture';

function codes(text: string): string[] {
  const service = createLanguageService();
  service.setFile('file:///ws/bot/bad.bot.yaml', text);
  return service
    .getDiagnostics('file:///ws/bot/bad.bot.yaml')
    .map((d) => String(d.code))
    .filter((c) => c !== 'no-manifest');
}

describe('bad input never crashes or hangs the service', () => {
  it('an empty file gets an info, not an error', () => {
    assert.deepEqual(codes(''), ['empty-file']);
    assert.deepEqual(codes('# only a comment\n'), ['empty-file']);
  });

  it('malformed YAML and wrong types give diagnostics', () => {
    assert.ok(codes('flows: {\n  main: [\n').includes('yaml-syntax'));
    assert.ok(codes('flows:\n\tmain: x\n').includes('yaml-syntax'), 'tabs');
    assert.ok(codes('- a\n- b\n').includes('wrong-type'), 'a list at the top');
    assert.ok(codes('just a sentence').includes('wrong-type'));
    assert.ok(codes('flows: 3\nintents: [a]\n').includes('wrong-type'));
  });

  it('a 20 MB file gets a diagnostic instead of a long parse', () => {
    const line = 'intents: {}\n# ' + 'x'.repeat(97) + '\n';
    const started = Date.now();
    assert.deepEqual(codes(line.repeat(200_000)), ['file-too-large']);
    assert.ok(Date.now() - started < 5000);
  });

  it('10,000-deep nesting is reported, not a stack overflow', () => {
    assert.deepEqual(codes('a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n'), ['too-deep']);
    assert.deepEqual(codes('flows: ' + '{a: '.repeat(10_000) + '1' + '}'.repeat(10_000) + '\n'), ['too-deep']);
    assert.deepEqual(codes('\n' + '- '.repeat(10_000) + 'x\n'), ['too-deep']);
    let block = '';
    for (let i = 0; i < 2_000; i++) block += ' '.repeat(i) + 'k:\n';
    assert.deepEqual(codes(block), ['too-deep']);
    // Deep but legal nesting below the limit still parses.
    assert.ok(!codes('a: ' + '['.repeat(200) + ']'.repeat(200) + '\n').includes('too-deep'));
  });

  it('an alias bomb is stopped', () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
      'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
    ].join('\n');
    assert.deepEqual(codes(bomb), ['yaml-aliases']);
  });

  it('binary junk and invalid UTF-8 are reported as not text', () => {
    assert.deepEqual(codes('\u0000\u0001\u0002PK\u0003\u0004'), ['not-text']);
    assert.deepEqual(codes('intents:\n  caf\uFFFD: {}\n'), ['not-text']);
  });

  it('other files keep working next to a broken one', () => {
    const service = createLanguageService();
    service.setFile('file:///ws/bot/bot.bot.yaml', 'bot: { name: A, locales: [en], start: n }\nflows: { f: { nodes: { n: { say: hi, end: true } } } }\n');
    service.setFile('file:///ws/bot/junk.bot.yaml', '\u0000\u0000');
    service.setFile('file:///ws/bot/bad.bot.yaml', 'flows: [\n');
    assert.deepEqual(service.getDiagnostics('file:///ws/bot/bot.bot.yaml'), []);
    assert.equal(service.getDefinition('file:///ws/bot/bot.bot.yaml', { line: 0, character: 38 }).length, 1);
  });

  it('a condition with a character no token starts with is an error, even right after a name, not an endless loop', () => {
    // Each parse runs under vm's timeout: an endless loop (as `product_choi@ce` was) fails the test instead of hanging it.
    const parse = (source: string) => vm.runInNewContext('parse(source)', { parse: parseCondition, source }, { timeout: 2000 }) as ReturnType<typeof parseCondition>;
    for (const [source, at] of [
      ['product_choi@ce == "fone"', 12],
      ['age >= 18§', 9],
      ['age ==€ 3', 6],
      ['(age > 3)~', 9],
      ['12$', 2],
    ] as const) {
      const { error } = parse(source);
      assert.deepEqual(error, { message: `\`${source[at]}\` cannot be used in a condition.`, start: at, end: at + 1 }, source);
    }
    const f = fixture('slots: { age: { type: number } }\nflows: { f: { nodes: { n: { branch: [{ if: "ag@e > 3", goto: n }, { goto: n }] } } } }\n');
    assert.deepEqual(problems(f.service, f.uris['/bot/main.bot.yaml'], ['condition-syntax']), ['2:47 condition-syntax']);
  });

  it('a plain text going on at column 0 (a broken scalar) leaves the lines after it where they are', () => {
    const text = 'flows:\n  f:\n    nodes:\n      a:\n        say:\n          en: We sent a link to \n{email}. Click it.\n          fr: Lien envoyé.\n        goto: nowhere\n';
    const service = createLanguageService();
    service.setFile('file:///ws/x.bot.yaml', text);
    const model = service.workspace.get('file:///ws/x.bot.yaml')!;
    assert.deepEqual(Array.from(model.lines.lineStarts), [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)]);
    const lines = text.split('\n');
    for (const d of service.getDiagnostics('file:///ws/x.bot.yaml')) {
      const { start, end } = d.range;
      assert.ok(start.line < lines.length && end.character <= lines[end.line].length, `${d.code} at ${JSON.stringify(d.range)} is inside the text`);
    }
  });

  it('half-typed files still give completion', () => {
    const service = createLanguageService();
    const text = 'flows:\n  main:\n    nodes:\n      a:\n        say: hi\n        go';
    service.setFile('file:///ws/x.bot.yaml', text);
    const items = service.getCompletions('file:///ws/x.bot.yaml', { line: 5, character: 10 }).items.map((i) => i.label);
    assert.ok(items.includes('goto'));
  });

  it('completion on a line holding a lone carriage return or a line separator (no line break for YAML) still answers', () => {
    for (const odd of ['\r', '\u2028', '\u2029']) {
      const service = createLanguageService();
      const text = `flows:\n  main:\n    nodes:\n      a:\n        say: hi${odd} there\n        goto: a${odd}\n      b: { say: x, end: true }\n`;
      service.setFile('file:///ws/x.bot.yaml', text);
      const labels = (line: number, character: number) => service.getCompletions('file:///ws/x.bot.yaml', { line, character }).items.map((i) => i.label);
      // After \`goto: \` and after the odd character (it is in the text before the cursor): the nodes.
      assert.deepEqual(labels(5, 14), ['a', 'b'], JSON.stringify(odd));
      assert.deepEqual(labels(5, 16), ['a', 'b'], JSON.stringify(odd));
      assert.deepEqual(labels(4, 21), [], JSON.stringify(odd));
    }
  });
});
