/**
 * The simulator's custom requests (server/src/simulator/protocol.ts) round trip through the bundled server over
 * stdio, with a real LSP client: start, send, undo, restart, close, errors with their kind, and an edit in an open
 * document between two turns.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, ResponseError } from 'vscode-languageserver-protocol';
import { SIMULATOR_CLOSE, SIMULATOR_RESTART, SIMULATOR_SEND, SIMULATOR_START, SIMULATOR_UNDO } from '../../server/src/simulator/protocol';
import type {
  SimulatorErrorData,
  SimulatorRestartParams,
  SimulatorSendParams,
  SimulatorSessionParams,
  SimulatorStartParams,
  SimulatorState,
  SimulatorTurnResult,
  SimulatorUndoResult,
} from '../../server/src/simulator/protocol';
import { TestClient } from './client';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

describe('the simulator over LSP (stdio)', function () {
  this.timeout(30_000);
  let dir: string;
  let client: TestClient;
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).toString();
  const start = (params: SimulatorStartParams) => client.connection.sendRequest<SimulatorState>(SIMULATOR_START, params);
  const send = (params: SimulatorSendParams) => client.connection.sendRequest<SimulatorTurnResult>(SIMULATOR_SEND, params);

  /** The error a request is answered with. */
  async function failure(method: string, params: unknown): Promise<ResponseError<SimulatorErrorData>> {
    try {
      await client.connection.sendRequest(method, params);
    } catch (e) {
      assert.ok(e instanceof ResponseError, String(e));
      return e as ResponseError<SimulatorErrorData>;
    }
    assert.fail(`${method} succeeded`);
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmaster-sim-'));
    fs.cpSync(path.join(EXAMPLES, 'support'), path.join(dir, 'support'), { recursive: true });
    client = await TestClient.start(dir);
    await client.waitForDiagnostics(uri('support/bot.bot.yaml')); // the workspace is read
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts, answers text and buttons, takes back, restarts in another language, closes', async () => {
    const started = Date.now();
    const state = await start({ uri: uri('support/flows/main.bot.yaml'), seed: 1 });
    const firstAnswerMs = Date.now() - started;
    assert.equal(state.bot.name, 'Acme Shop support');
    assert.equal(state.turns[0].node, 'main_menu');
    assert.equal(state.turns[0].locations.main_menu.uri, uri('support/flows/main.bot.yaml'));
    assert.ok(firstAnswerMs < 10_000, `first answer in ${firstAnswerMs} ms`);
    const { session } = state;

    const hello = await send({ session, input: { text: 'hello' } });
    assert.equal(hello.reloaded, false);
    assert.equal(hello.turn.messages[0].text, 'Hello again! How can I help?');
    assert.equal(hello.turn.matched?.intent, 'greeting');

    const tapped = await send({ session, input: { quickReply: 0 } });
    assert.equal(tapped.turn.asking, 'order_number');

    const undone = await client.connection.sendRequest<SimulatorUndoResult>(SIMULATOR_UNDO, { session } satisfies SimulatorSessionParams);
    assert.equal(undone.undone, true);
    assert.equal(undone.turn.index, 1);

    const french = await client.connection.sendRequest<SimulatorState>(SIMULATOR_RESTART, { session, locale: 'fr' } satisfies SimulatorRestartParams);
    assert.equal(french.options.locale, 'fr');
    assert.equal(french.turns.length, 1);
    assert.match(french.turns[0].messages[1].text, /^Que puis-je faire pour vous/);

    assert.equal(await client.connection.sendRequest(SIMULATOR_CLOSE, { session } satisfies SimulatorSessionParams), null);
    const gone = await failure(SIMULATOR_SEND, { session, input: { text: 'hi' } });
    assert.equal(gone.data?.kind, 'unknown-session');
    assert.match(gone.message, /no simulator session/);
  });

  it('answers errors with a plain message and their kind, and keeps serving', async () => {
    const node = await failure(SIMULATOR_START, { uri: uri('support/bot.bot.yaml'), startNode: 'nowhere' });
    assert.equal(node.data?.kind, 'unknown-node');
    assert.equal(node.message, 'The bot has no node `nowhere`.');
    const locale = await failure(SIMULATOR_START, { uri: uri('support/bot.bot.yaml'), locale: 'de' });
    assert.equal(locale.data?.kind, 'unknown-locale');
    const unknown = await failure(SIMULATOR_START, { uri: uri('support/nothing.bot.yaml') });
    assert.equal(unknown.data?.kind, 'not-ready');
    const state = await start({ uri: uri('support/bot.bot.yaml'), startNode: 'track_ask_number' });
    assert.equal(state.turns[0].asking, 'order_number');
    assert.equal(client.stderr.join(''), '');
  });

  it('runs an edit of an open document at the next turn, and says the bot was reloaded', async () => {
    const file = uri('support/flows/main.bot.yaml');
    const text = fs.readFileSync(path.join(dir, 'support/flows/main.bot.yaml'), 'utf8');
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: file, languageId: 'botmaster', version: 1, text } });
    const { session } = await start({ uri: file });
    await send({ session, input: { text: 'hello' } });
    const at = text.split('\n').findIndex((l) => l.includes('en: Hello again! How can I help?'));
    const character = text.split('\n')[at].indexOf('Hello again! How can I help?');
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: file, version: 2 },
      contentChanges: [{ range: { start: { line: at, character }, end: { line: at, character: character + 'Hello again! How can I help?'.length } }, text: 'Nice to see you again!' }],
    });
    const after = await send({ session, input: { text: 'hello' } });
    assert.equal(after.reloaded, true);
    assert.equal(after.reload?.replayed, 1);
    assert.equal(after.reload?.retrained, false);
    assert.equal(after.turn.messages[0].text, 'Nice to see you again!');
    assert.equal(after.bot?.name, 'Acme Shop support');
  });
});
