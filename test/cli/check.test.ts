import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CODES } from '../../server/src/service';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/server/cli.js');

function run(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env, maxBuffer: 1 << 26 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('botmaster check', function () {
  this.timeout(60_000);

  it('reports the example bots clean, exit 0', () => {
    const { code, stdout } = run(['check', 'examples/support', 'examples/voicebot']);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /files checked: 0 errors, 0 warnings\. All clean\./);
  });

  it('prints file:line:col, severity, message and code, in the order of the file, and exits 1 on errors', () => {
    const { code, stdout } = run(['check', 'examples/broken/bot/unknown-key.bot.yaml']);
    assert.equal(code, 1);
    assert.deepEqual(stdout.split('\n').slice(0, 2), [
      'examples/broken/bot/unknown-key.bot.yaml:3:3 warning No conversation reaches the flow `unknown_key_flow`: nothing leads to any of its nodes from the entry point, a global intent or a fallback. [unreachable-flow]',
      'examples/broken/bot/unknown-key.bot.yaml:6:9 error `sey` is not a setting of a node. Did you mean `say`? [unknown-key]',
    ]);
    const places = run(['check', 'examples/broken/bot/duplicate-key.bot.yaml']).stdout.split('\n').map((l) => /:(\d+):(\d+) /.exec(l)?.slice(1).join(':')).filter(Boolean);
    assert.deepEqual(places, ['3:3', '6:9', '6:16', '6:40', '7:9']);
  });

  it('resolves references against the whole bot even when given one file', () => {
    const { code, stdout } = run(['check', 'examples/support/flows/orders.bot.yaml']);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /^1 file checked/);
  });

  it('every diagnostic code fires on examples/broken and has an entry in docs/diagnostics.md', () => {
    const { stdout } = run(['check', 'examples/broken', '--format', 'json']);
    const seen = new Set((JSON.parse(stdout).problems as { code: string }[]).map((p) => p.code));
    const docs = fs.readFileSync(path.join(ROOT, 'docs/diagnostics.md'), 'utf8');
    for (const code of Object.keys(CODES)) {
      assert.match(docs, new RegExp(`^### ${code}$`, 'm'), `docs/diagnostics.md has no entry for ${code}`);
      const severity = CODES[code as keyof typeof CODES].severity;
      assert.match(docs, new RegExp(`^\\| \\[${code}\\]\\(#${code}\\) \\| ${severity} \\|$`, 'm'), `docs/diagnostics.md's table lists ${code} as ${severity}`);
      // too-many-problems: only the language server limits the problems it sends.
      if (code !== 'file-too-large' && code !== 'check-failed' && code !== 'too-many-problems') assert.ok(seen.has(code), `no file in examples/broken shows ${code}`);
    }
  });

  it('writes JSON, SARIF and GitHub annotations', () => {
    const file = 'examples/broken/bot/wrong-type.bot.yaml';
    const json = JSON.parse(run(['check', file, '--format', 'json']).stdout);
    json.problems = json.problems.filter((p: { code: string }) => p.code === 'wrong-type');
    assert.deepEqual(json.problems[0], {
      file,
      line: 6,
      column: 14,
      endLine: 6,
      endColumn: 16,
      severity: 'error',
      code: 'wrong-type',
      message: '`say` must be a text or a map of languages, like `en: Hello`.',
    });
    const sarif = JSON.parse(run(['check', file, '--format=sarif']).stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'wrong-type'));
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'wrong-type');
    assert.equal(result.locations[0].physicalLocation.region.startLine, 6);
    assert.equal(result.level, 'error');
    const github = run(['check', file, '--format', 'github']).stdout.split('\n').find((l) => l.includes('title=botmaster wrong-type'));
    assert.equal(github, '::error file=examples/broken/bot/wrong-type.bot.yaml,line=6,col=14,endLine=6,endColumn=16,title=botmaster wrong-type::`say` must be a text or a map of languages, like `en: Hello`.');
  });

  it('fails on more warnings than --max-warnings', () => {
    const file = 'examples/broken/bot/placeholder-syntax.bot.yaml';
    const plain = run(['check', file]);
    assert.equal(plain.code, 0);
    const warnings = Number(/(\d+) warnings?\./.exec(plain.stdout)![1]);
    assert.ok(warnings > 0);
    assert.equal(run(['check', file, '--max-warnings', String(warnings)]).code, 0);
    const strict = run(['check', file, '--max-warnings', String(warnings - 1)]);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, new RegExp(`${warnings} warnings, more than --max-warnings ${warnings - 1}`));
  });

  it('exits 2 with a clear message on usage errors', () => {
    const missing = run(['check', 'no/such/folder']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'botmaster: no such file or folder: no/such/folder\n');
    assert.equal(run(['check', '--format', 'xml']).code, 2);
    assert.equal(run(['check', 'package.json']).code, 2);
    assert.equal(run(['frobnicate']).code, 2);
    assert.equal(run(['check', '--max-warnings', 'x']).code, 2);
  });

  it('reports a 20 MB file and invalid UTF-8 without crashing, and goes on with other files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmaster-cli-'));
    fs.writeFileSync(path.join(dir, 'bot.bot.yaml'), 'bot: { name: A, locales: [en], start: n }\nflows: { f: { nodes: { n: { say: hi, goto: missing } } } }\n');
    fs.writeFileSync(path.join(dir, 'huge.bot.yaml'), ('# ' + 'x'.repeat(98) + '\n').repeat(200_000));
    fs.writeFileSync(path.join(dir, 'latin1.bot.yaml'), Buffer.from([0x69, 0x3a, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const { code, stdout } = run(['check', '.', '--format', 'json'], dir);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 1);
    const codes = (JSON.parse(stdout).problems as { file: string; code: string }[]).map((p) => `${p.file} ${p.code}`);
    assert.deepEqual(codes.sort(), ['bot.bot.yaml unknown-node', 'huge.bot.yaml file-too-large', 'latin1.bot.yaml not-text']);
  });

  it('checks the confusable examples of a big bot with a helper thread as without one', () => {
    // 12,000 examples (a build of 10,000 or more shares its band pass with a helper thread: host/bandHelper.ts).
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const words = ['book', 'a', 'table', 'flight', 'for', 'two', 'tonight', 'cancel', 'my', 'hotel', 'change', 'seat', 'please', 'now'];
    const intents = Array.from({ length: 300 }, (_, i) => {
      const examples = Array.from({ length: 40 }, () => Array.from({ length: 3 + Math.floor(random() * 6) }, () => words[Math.floor(random() * words.length)]).join(' '));
      return `  i${i}:\n    examples:\n      en:\n${examples.map((e) => `        - ${e}\n`).join('')}`;
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmaster-cli-'));
    fs.writeFileSync(path.join(dir, 'bot.bot.yaml'), 'bot: { name: A, locales: [en], start: n }\nflows: { f: { nodes: { n: { say: hi, end: true } } } }\n');
    fs.writeFileSync(path.join(dir, 'nlu.bot.yaml'), `intents:\n${intents.join('')}`);
    const confusables = (env: NodeJS.ProcessEnv) => {
      const { stdout, stderr } = run(['check', '.', '--format', 'json'], dir, env);
      assert.equal(stderr, '');
      return (JSON.parse(stdout).problems as { line: number; code: string; message: string }[]).filter((p) => p.code === 'confusable-examples').map((p) => `${p.line} ${p.message}`);
    };
    const helped = confusables(process.env);
    const alone = confusables({ ...process.env, BOTMASTER_BAND_HELPER: '0' });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.ok(helped.length > 1000, `${helped.length} confusable examples`);
    assert.deepEqual(helped, alone);
  });
});
