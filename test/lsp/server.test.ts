import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  HoverRequest,
  ReferencesRequest,
  WorkspaceSymbolRequest,
} from 'vscode-languageserver-protocol';
import type { CompletionList, Diagnostic, DocumentSymbol, Hover, Location } from 'vscode-languageserver-protocol';
import { TestClient } from './client';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

function copyExample(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmaster-lsp-'));
  fs.cpSync(path.join(EXAMPLES, 'support'), path.join(dir, 'support'), { recursive: true });
  return dir;
}

describe('the language server over stdio', function () {
  this.timeout(30_000);
  let dir: string;
  let client: TestClient;
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).toString();

  before(async () => {
    dir = copyExample();
    client = await TestClient.start(dir);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('indexes the workspace on start and publishes clean diagnostics for the example', async () => {
    const manifest = await client.waitForDiagnostics(uri('support/bot.bot.yaml'));
    assert.deepEqual(manifest.diagnostics, []);
    const files = fs.readdirSync(path.join(dir, 'support'), { recursive: true }).filter((f) => String(f).endsWith('.bot.yaml'));
    for (const file of files) assert.deepEqual((await client.waitForDiagnostics(uri(`support/${file}`))).diagnostics, [], String(file));
  });

  it('publishes diagnostics for an edit, with the document version, and clears them when fixed', async () => {
    const file = uri('support/extra.bot.yaml');
    const text = 'flows:\n  extra:\n    nodes:\n      extra_node:\n        say: { en: Hi, fr: Salut }\n        goto: nowhere\n';
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: file, languageId: 'botmaster', version: 1, text } });
    const broken = await client.waitForDiagnostics(file, (d, v) => v === 1 && d.length > 0);
    assert.deepEqual(
      broken.diagnostics.map((d) => [d.code, d.source, d.range.start.line]),
      [['unknown-node', 'botmaster', 5]],
    );
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: file, version: 2 },
      contentChanges: [{ range: { start: { line: 5, character: 14 }, end: { line: 5, character: 21 } }, text: 'main_menu' }],
    });
    const fixed = await client.waitForDiagnostics(file, (_d, v) => v === 2);
    assert.deepEqual(fixed.diagnostics, []);
  });

  it('publishes the bot-wide checks once typing pauses', async () => {
    const file = uri('support/stuck.bot.yaml');
    const text = 'flows:\n  stuck_flow:\n    nodes:\n      stuck_node:\n        say: { en: Hi, fr: Salut }\n';
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: file, languageId: 'botmaster', version: 1, text } });
    const published = await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'dead-end'));
    const deadEnd = published.diagnostics.find((d) => d.code === 'dead-end')!;
    assert.equal(deadEnd.range.start.line, 3);
    assert.match(String(deadEnd.message), /`stuck_node` is a dead end/);
  });

  it('keeps a file\'s bot-wide warnings in the publish of each edit, moved with the text', async () => {
    const file = uri('support/typing.bot.yaml');
    const text = 'flows:\n  typing_flow:\n    nodes:\n      typing_node:\n        say: { en: Hi, fr: Salut }\n';
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: file, languageId: 'botmaster', version: 1, text } });
    await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'dead-end'));
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: file, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# typed above\n' }],
    });
    // The first publish of the new version, sent before the bot-wide checks run again.
    const typed = await client.waitForDiagnostics(file, (_d, v) => v === 2);
    assert.deepEqual(typed.diagnostics.filter((d) => d.code === 'dead-end').map((d) => d.range.start.line), [4]);
  });

  it('publishes confusable examples, found in the worker thread, and follows an edit', async () => {
    const file = uri('support/nlu/lookalike.bot.yaml');
    const text = 'intents:\n  account.lookalike:\n    examples:\n      en:\n        - I forgot my passwords\n        - something else entirely\n';
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: file, languageId: 'botmaster', version: 1, text } });
    const published = await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'confusable-examples'));
    const confusable = published.diagnostics.find((d) => d.code === 'confusable-examples')!;
    assert.equal(confusable.range.start.line, 4);
    assert.match(String(confusable.message), /like "I forgot my password" in `account\.password_reset`/);
    assert.equal(confusable.relatedInformation?.[0].location.uri, uri('support/nlu/account.bot.yaml'));
    // Another example instead: the old match goes, the new one comes.
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: file, version: 2 },
      contentChanges: [{ range: { start: { line: 4, character: 10 }, end: { line: 4, character: 31 } }, text: 'I want to change my email addresses' }],
    });
    const changed = await client.waitForDiagnostics(file, (d, v) => v === 2 && d.some((x) => x.code === 'confusable-examples' && /change my email address"/.test(String(x.message))));
    assert.equal(changed.diagnostics.filter((d) => d.code === 'confusable-examples').length, 1);
    assert.ok(client.logs.some((m) => /confusable examples are checked in a worker thread/.test(m)), 'the worker started');
    assert.deepEqual(client.logs.filter((m) => /the check runs in the server's thread/.test(m)), [], 'and did not fail');
  });

  it('sends at most 1,000 diagnostics per file, with a note of the others, and follows botmaster.maxProblemsPerFile', async () => {
    const file = uri('support/many.bot.yaml');
    const nodes = Array.from({ length: 1100 }, (_, i) => `      many_${i}: { say: { en: Hi, fr: Salut }, goto: nowhere_${i} }\n`).join('');
    const text = `flows:\n  many_flow:\n    nodes:\n${nodes}`;
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: file, languageId: 'botmaster', version: 1, text } });
    const first = await client.waitForDiagnostics(file, (_d, v) => v === 1);
    assert.equal(first.diagnostics.length, 1000);
    assert.equal(first.diagnostics[0].code, 'too-many-problems');
    assert.match(String(first.diagnostics[0].message), /^This file has 1,\d{3} problems: the editor shows 999 of them/);
    const unknown = first.diagnostics.filter((d) => d.code === 'unknown-node');
    assert.equal(unknown.length, 999, 'the errors go first');
    assert.deepEqual(unknown.slice(0, 2).map((d) => d.range.start.line), [3, 4], 'in the order of the file');
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { botmaster: { maxProblemsPerFile: 10 } } });
    const ten = await client.waitForDiagnostics(file, (d) => d.length === 10);
    assert.equal(ten.diagnostics[0].code, 'too-many-problems');
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { botmaster: { maxProblemsPerFile: 0 } } });
    const all = await client.waitForDiagnostics(file, (d) => d.length > 1000);
    assert.equal(all.diagnostics.filter((d) => d.code === 'unknown-node').length, 1100);
    assert.ok(!all.diagnostics.some((d) => d.code === 'too-many-problems'));
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { botmaster: {} } });
    await client.waitForDiagnostics(file, (d) => d.length === 1000);
  });

  it("follows botmaster.checks from the editor's settings: a code off, or at another severity; the manifest's checks win", async () => {
    const file = uri('support/checks.bot.yaml');
    const text = 'intents:\n  thin_intent:\n    examples:\n      en: [hello there]\n      fr: [bonjour toi]\n';
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: file, languageId: 'botmaster', version: 1, text } });
    const few = (d: Diagnostic[]) => d.filter((x) => x.code === 'few-examples');
    const first = await client.waitForDiagnostics(file, (d) => few(d).length === 2);
    assert.deepEqual(few(first.diagnostics).map((d) => d.severity), [2, 2], 'warnings by default');
    const settings = (checks: Record<string, string>) =>
      client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { botmaster: { checks } } });
    await settings({ 'few-examples': 'off', 'unused-intent': 'info' });
    const off = await client.waitForDiagnostics(file, (d) => few(d).length === 0);
    assert.deepEqual(off.diagnostics.map((d) => [d.code, d.severity]), [['unused-intent', 3]]);
    await settings({ 'few-examples': 'error' });
    const errors = await client.waitForDiagnostics(file, (d) => few(d).length === 2 && few(d).every((x) => x.severity === 1));
    assert.deepEqual(errors.diagnostics.filter((d) => d.code === 'unused-intent').map((d) => d.severity), [2]);
    // The manifest's `checks:` is the bot's own: it wins over the editor's setting.
    const manifestPath = path.join(dir, 'support/bot.bot.yaml');
    const manifest = fs.readFileSync(manifestPath, 'utf8');
    const withChecks = manifest.replace(/^bot:\n/m, 'bot:\n  checks: { few-examples: info }\n');
    assert.notEqual(withChecks, manifest);
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('support/bot.bot.yaml'), languageId: 'botmaster', version: 1, text: withChecks } });
    await client.waitForDiagnostics(file, (d) => few(d).length === 2 && few(d).every((x) => x.severity === 3));
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uri('support/bot.bot.yaml'), version: 2 }, contentChanges: [{ text: manifest }] });
    await client.waitForDiagnostics(file, (d) => few(d).length === 2 && few(d).every((x) => x.severity === 1));
    await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uri('support/bot.bot.yaml') } });
    await settings({});
    await client.waitForDiagnostics(file, (d) => few(d).length === 2 && few(d).every((x) => x.severity === 2));
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: file, version: 2 }, contentChanges: [{ text: '' }] });
    await client.waitForDiagnostics(file, (d) => few(d).length === 0);
  });

  it('answers completion, definition, references and hover', async () => {
    const file = uri('support/extra.bot.yaml');
    const completion = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: file }, position: { line: 5, character: 14 } })) as CompletionList;
    const labels = completion.items.map((i) => i.label);
    assert.ok(labels.includes('main_menu') && labels.includes('extra_node'), labels.slice(0, 20).join());

    const definition = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: file }, position: { line: 5, character: 16 } })) as Location[];
    assert.equal(definition.length, 1);
    assert.equal(definition[0].uri, uri('support/flows/main.bot.yaml'));

    const references = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: file },
      position: { line: 5, character: 16 },
      context: { includeDeclaration: false },
    })) as Location[];
    assert.ok(references.length >= 3, `main_menu is used in several places, got ${references.length}`);
    assert.ok(references.some((r) => r.uri === file));

    const hover = (await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: file }, position: { line: 5, character: 16 } })) as Hover;
    assert.match((hover.contents as { value: string }).value, /\*\*node\*\* `main_menu`/);
  });

  it('gives the outline of a file and the symbols of the workspace', async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uri('support/flows/main.bot.yaml') } })) as DocumentSymbol[];
    assert.ok(symbols.length > 0 && symbols[0].children!.length > 0);
    const all = (await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'main_menu' })) as { name: string }[];
    assert.ok(all.some((s) => s.name === 'main_menu'));
  });

  it('compacts its heap once after an idle pause, again only after more work, and answers the same after it', async () => {
    // Its own server, told to compact after 300 ms without work whatever the heap's growth (20 s and 64 MB by default).
    const own = await TestClient.start(dir, { BOTMASTER_IDLE_COMPACT_MS: '300', BOTMASTER_IDLE_COMPACT_MIN_MB: '0' });
    try {
      const compactions = () => own.logs.filter((m) => m.startsWith('Botmaster: compacted the heap after an idle pause: old generation ')).length;
      const until = async (test: () => boolean) => {
        for (const end = Date.now() + 15_000; !test() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
        return test();
      };
      await own.waitForDiagnostics(uri('support/bot.bot.yaml'));
      assert.ok(await until(() => compactions() === 1), own.logs.join('\n'));
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(compactions(), 1, 'not again while nothing happens');
      const file = uri('support/idle.bot.yaml');
      await own.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: file, languageId: 'botmaster', version: 1, text: 'flows:\n  idle:\n    nodes:\n      idle_node:\n        goto: nowhere\n' } });
      const broken = await own.waitForDiagnostics(file, (d, v) => v === 1 && d.length > 0);
      assert.ok(await until(() => compactions() === 2), 'again after the edit');
      const definition = (await own.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: uri('support/flows/main.bot.yaml') }, position: { line: 49, character: 16 } })) as Location[];
      assert.deepEqual(definition.map((l) => [l.uri, l.range.start.line]), [[uri('support/flows/main.bot.yaml'), 51]], 'goto: main_menu');
      await own.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: file, version: 2 },
        contentChanges: [{ range: { start: { line: 4, character: 14 }, end: { line: 4, character: 21 } }, text: 'main_menu' }],
      });
      const fixed = await own.waitForDiagnostics(file, (_d, v) => v === 2);
      assert.deepEqual(fixed.diagnostics.filter((d) => d.severity === 1), [], 'the index reads the same after the objects moved');
      assert.equal(broken.diagnostics[0].code, 'unknown-node');
      assert.equal(own.stderr.join(''), '');
    } finally {
      await own.stop();
    }
  });

  it('keeps working after garbage: binary junk in one document does not affect others', async () => {
    const junk = uri('support/junk.bot.yaml');
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: junk, languageId: 'botmaster', version: 1, text: '\u0000\u0001\u0002' } });
    const d = await client.waitForDiagnostics(junk, (ds) => ds.length > 0);
    assert.equal(d.diagnostics[0].code, 'not-text');
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri('support/extra.bot.yaml') }, position: { line: 5, character: 16 } });
    assert.ok(hover);
    assert.equal(client.stderr.join(''), '');
  });
});
