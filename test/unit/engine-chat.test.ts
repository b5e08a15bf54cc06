import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runChat } from '../../server/src/cli/chat';

const ROOT = path.resolve(__dirname, '../../..');

async function chat(args: string[], lines: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d) => out.push(String(d)));
  stderr.on('data', (d) => err.push(String(d)));
  const code = await runChat(args, Readable.from(lines.map((l) => l + '\n')), stdout, stderr);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('botmaster chat', function () {
  this.timeout(20_000);

  it('holds a scripted conversation from stdin: bot lines, the user lines echoed, buttons by number', async () => {
    const { code, stdout, stderr } = await chat([path.join(ROOT, 'examples/support'), '--seed', '2'], ['where is my order ACM-482913?', '#2', 'no thanks']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const lines = stdout.split('\n');
    assert.equal(lines[0], 'Acme Shop support (en)');
    assert.match(lines[1], /^bot> (Hi!|Hello)/);
    assert.equal(lines[2], 'bot> What can I help you with? Pick a topic or type your question.');
    assert.equal(lines[3], '     [1] Track an order  [2] Return an item  [3] Delivery & payment  [4] My account  [5] Talk to a person');
    assert.equal(lines[4], 'you> where is my order ACM-482913?');
    assert.match(lines[5], /^bot> You can follow order ACM-482913 live here/);
    assert.equal(lines[6], '     [1] My parcel is late  [2] All good, thanks');
    assert.equal(lines[7], 'you> #2');
    assert.match(lines[8], /^bot> (Is there anything else I can do for you\?|Can I help you with anything else\?)$/);
    assert.equal(lines[10], 'you> no thanks');
    assert.match(lines[11], /^bot> (Thanks for contacting Acme Shop|Goodbye, and thanks)/);
    assert.equal(lines[12], '  (conversation ended)');
  });

  it('--explain prints the intent, candidates, entities, slots, nodes and what the engine decided', async () => {
    const { stdout } = await chat([path.join(ROOT, 'examples/support/flows'), '--explain'], ['where is my order ACM-482913?']);
    assert.match(stdout, /^Acme Shop support \(en\): trained on \d+ en, \d+ fr examples in \d+ ms$/m);
    assert.match(stdout, /^ {2}intent order\.track 1\.00 \(text\); candidates: order\.track 1\.00, /m);
    assert.match(stdout, /^ {2}entities: order_number="ACM-482913" \("ACM-482913"\)$/m);
    assert.match(stdout, /^ {2}slots: order_number = "ACM-482913"$/m);
    assert.match(stdout, /^ {2}nodes: track_start → track_result$/m);
    assert.match(stdout, /^ {2}· Branch of track_start: `order_number is set` → node track_result\.$/m);
    assert.match(stdout, /^ {2}waiting at track_result$/m);
  });

  it('talks French with --locale, says intents with /intent, takes back with /undo, starts over with /restart', async () => {
    const { stdout } = await chat(
      [path.join(ROOT, 'examples/support'), '--locale', 'fr'],
      ['/intent order.track', '/undo', '/slots', 'bonjour', '/restart', '/quit', 'never read'],
    );
    assert.match(stdout, /^bot> Quel est votre numéro de commande \?/m);
    assert.match(stdout, /^ {2}\(took back the last message\)$/m);
    assert.match(stdout, /^ {2}\(no slot is set\)$/m);
    assert.match(stdout, /^bot> Rebonjour ! Comment puis-je vous aider \?$/m);
    assert.equal(stdout.match(/^bot> Que puis-je faire pour vous \?/gm)?.length, 4, 'opening, after /undo, after bonjour, after /restart');
    assert.doesNotMatch(stdout, /never read/);
  });

  it('prints the voice forms on a voice channel, and today comes from --today', async () => {
    const { stdout } = await chat(
      [path.join(ROOT, 'examples/voicebot'), '--channel', 'phone', '--today', '2025-03-03', '--explain'],
      ['book a check-up', 'tomorrow'],
    );
    assert.match(stdout, /^bot> <speak>Hello, you've reached Dr\. Martin's clinic\./m);
    assert.match(stdout, /^ {2}slots: appointment_date = "2025-03-04"$/m);
  });

  it('shows the notices of a broken bot, and never crashes on it', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'botmaster-chat-'));
    fs.writeFileSync(
      path.join(folder, 'bot.bot.yaml'),
      'bot: { name: Broken, locales: [en], start: a }\nflows:\n  f:\n    nodes:\n      a: { say: Hi, goto: nowhere }\n',
    );
    const { code, stdout, stderr } = await chat([folder], ['hello']);
    fs.rmSync(folder, { recursive: true, force: true });
    assert.equal(code, 0);
    assert.match(stderr, /^botmaster: the bot has \d+ errors?; `botmaster check .*` lists them\. Talking anyway\.$/m);
    assert.match(stdout, /^bot> Hi\n {2}! The node nowhere does not exist\.$/m);
    assert.match(stdout, /^ {2}! Not understood, and there is no fallback in reach of node a/m);
  });

  it('usage errors: unknown option, unknown language or channel; no bot is exit 1', async () => {
    await assert.rejects(chat([path.join(ROOT, 'examples/support'), '--colour'], []), {
      name: 'UsageError',
      message: 'unknown option `--colour`. Run `botmaster chat --help`.',
    });
    await assert.rejects(chat([path.join(ROOT, 'examples/support'), '--locale', 'de'], []), {
      name: 'UsageError',
      message: 'the bot does not speak `de`; its languages: en, fr.',
    });
    await assert.rejects(chat([path.join(ROOT, 'examples/voicebot'), '--channel', 'web'], []), {
      name: 'UsageError',
      message: 'the bot has no channel `web`; its channels: phone.',
    });
    await assert.rejects(chat(['/no/such/folder'], []), { name: 'UsageError' });
    const { code, stderr } = await chat([os.tmpdir()], []);
    assert.equal(code, 1);
    assert.match(stderr, /no bot at .*: no dialog file with a `bot:` manifest in this folder or above/);
    const help = await chat(['--help'], []);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: botmaster chat \[bot\] \[options\]/);
  });
});
