/** A real LSP client over stdio for tests: spawns the bundled server and speaks the protocol with vscode-jsonrpc. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { createProtocolConnection, InitializeRequest, InitializedNotification, LogMessageNotification, PublishDiagnosticsNotification } from 'vscode-languageserver-protocol';
import type { Diagnostic, ProtocolConnection, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import SERVER_NODE_ARGS from '../../server/src/host/serverNodeArgs.json';

export const SERVER = path.resolve(__dirname, '../../../dist/server/server.js');

export class TestClient {
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private waiters: { test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  readonly stderr: string[] = [];
  /** What the server logged (window/logMessage). */
  readonly logs: string[] = [];

  private constructor(readonly process: ChildProcess) {
    this.connection = createProtocolConnection(new StreamMessageReader(process.stdout!), new StreamMessageWriter(process.stdin!));
    process.stderr!.on('data', (d) => this.stderr.push(String(d)));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params);
      this.waiters = this.waiters.filter((w) => (w.test(params) ? (w.resolve(params), false) : true));
    });
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
    });
    this.connection.onRequest('workspace/configuration', () => []);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.listen();
  }

  /** `extraEnv`: more environment variables for the server (its knobs for tests). */
  static async start(folder: string, extraEnv: Record<string, string> = {}): Promise<TestClient> {
    // The confusable examples' worker thread, which the server starts by itself from three cores on.
    const env = { ...process.env, BOTMASTER_CONFUSABLES_WORKER: process.env.BOTMASTER_CONFUSABLES_WORKER ?? '1', ...extraEnv };
    // With Node's options as the extension gives them.
    const child = spawn(process.execPath, [...SERVER_NODE_ARGS, SERVER, '--stdio'], { stdio: 'pipe', env });
    const client = new TestClient(child);
    await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(folder).toString(),
      workspaceFolders: [{ uri: pathToFileURL(folder).toString(), name: path.basename(folder) }],
      capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } } },
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Resolves with the next diagnostics of `uri` that pass `test` (or those already received). */
  waitForDiagnostics(uri: string, test: (d: Diagnostic[], version?: number) => boolean = () => true, timeout = 10_000): Promise<PublishDiagnosticsParams> {
    const known = this.diagnostics.get(uri);
    if (known && test(known.diagnostics, known.version)) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // What came last, to tell a wrong publish from none.
        const last = this.diagnostics.get(uri);
        const seen = last ? `; the last publish (version ${last.version}): ${last.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} (severity ${d.severity})`).join(', ') || 'none'}` : '; none published';
        reject(new Error(`no diagnostics as expected for ${uri} in ${timeout} ms${seen}`));
      }, timeout);
      this.waiters.push({
        test: (p) => p.uri === uri && test(p.diagnostics, p.version),
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      this.process.kill();
    }
  }
}
