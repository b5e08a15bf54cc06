import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { TestClient } from './client';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

describe('spelling in the language server', function () {
  this.timeout(30_000);
  let dir: string;
  let client: TestClient;
  const log: string[] = [];
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).toString();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmaster-spelling-'));
    fs.cpSync(path.join(EXAMPLES, 'support'), path.join(dir, 'support'), { recursive: true });
    client = await TestClient.start(dir);
    client.connection.onNotification('window/logMessage', (m: { message: string }) => {
      log.push(m.message);
    });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads the shipped dictionaries, reports a misspelt word once typing pauses, and offers the fixes', async () => {
    const file = uri('support/typo.bot.yaml');
    const text = 'flows:\n  typo_flow:\n    nodes:\n      typo_node:\n        say: { en: Your parcel will arive soon, fr: Votre colis arrivera bientôt }\n        end: true\n';
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: file, languageId: 'botmaster', version: 1, text } });
    const published = await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'spelling'));
    const spelling = published.diagnostics.filter((d) => d.code === 'spelling');
    assert.deepEqual(
      spelling.map((d) => [d.range, d.severity, (d.data as { word: string }).word]),
      [[{ start: { line: 4, character: 36 }, end: { line: 4, character: 41 } }, 3, 'arive']],
    );
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: file },
      range: spelling[0].range,
      context: { diagnostics: spelling },
    })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    assert.equal(titles[0], 'Change to "arrive"');
    assert.ok(titles.includes(`Add "arive" to the bot's words`), titles.join());
    const add = actions.find((a) => a.title.startsWith('Add'))!;
    assert.deepEqual(Object.keys(add.edit!.changes!), [uri('support/bot.bot.yaml')]);
    // From dist/dictionaries, in the binary form the build prepares (not the npm package's text form).
    assert.ok(
      log.some((m) => /loaded the American English dictionary in \d+ ms \(.*dist[\\/]dictionaries[\\/]en\.btrie\.gz\)/.test(m)),
      log.join('\n'),
    );
  });
});
