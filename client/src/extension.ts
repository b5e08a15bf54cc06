/** The VS Code extension: starts the Botmaster language server for dialog files (`*.bot.yaml`). It only activates and registers. */
import * as path from 'node:path';
import { workspace } from 'vscode';
import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
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
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
