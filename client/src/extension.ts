/** The VS Code extension: starts the Botmaster language server for dialog files (`*.bot.yaml`). It only activates and registers. */
import * as path from 'node:path';
import { commands, Location, Position, Range, Uri, workspace } from 'vscode';
import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { registerGraphPreview } from './graphPreview';
import { registerSimulator } from './simulatorPanel';
import SERVER_NODE_ARGS from '../../server/src/host/serverNodeArgs.json';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server', 'server.js'));
  // Over stdio: the server then writes an open file's diagnostics from bytes it keeps (server/src/host/jsonEncoder.ts);
  // over IPC, Node serialises each message whole.
  // Node's options for the server (server/src/host/serverNodeArgs.json: a young generation of 32 MB, which the
  // benches start it with too; see docs/architecture.md).
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, options: { execArgv: SERVER_NODE_ARGS } },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009', ...SERVER_NODE_ARGS] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'botmaster' },
      { scheme: 'untitled', language: 'botmaster' },
    ],
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/*.bot.{yaml,yml}'), configurationSection: 'botmaster' },
  };
  client = new LanguageClient('botmaster', 'Botmaster', serverOptions, clientOptions);
  context.subscriptions.push(client);
  // The code lens "N references": the server sends plain positions, VS Code's references view wants its own types.
  context.subscriptions.push(
    commands.registerCommand('botmaster.showReferences', (uri: string, position: { line: number; character: number }, locations: { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[]) =>
      commands.executeCommand(
        'editor.action.showReferences',
        Uri.parse(uri),
        new Position(position.line, position.character),
        locations.map((l) => new Location(Uri.parse(l.uri), new Range(l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character))),
      ),
    ),
  );
  registerSimulator(context, client, registerGraphPreview(context, client));
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
