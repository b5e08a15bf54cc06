import * as vscode from 'vscode';
import { e2eLog } from './log';

/**
 * Polls `probe` every 250 ms until `done` accepts its result, for the e2e suites (the workbench updates
 * asynchronously). A probe that throws is tried again; on timeout the last result or error is in the message.
 */
export async function waitFor<T>(what: string, probe: () => Thenable<T> | T, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      lastError = undefined;
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const detail = lastError !== undefined ? `last error: ${String(lastError)}` : `last result: ${JSON.stringify(last)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${detail}`);
}

/**
 * Reverts a document the test edited without saving, and makes sure its file on disk is as it was (`original`, read
 * before the edit): in two CI runs the edit of examples/support/flows/main.bot.yaml reached the disk although the test
 * never saves, and the tests after it met the edited example. Says so in the log when it has to write the file back.
 */
export async function putBack(document: vscode.TextDocument, original: Uint8Array): Promise<void> {
  // This document, whichever editor has the focus now (a webview may have taken it on a slow machine).
  await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
  await vscode.commands.executeCommand('workbench.action.files.revert', document.uri);
  const onDisk = await vscode.workspace.fs.readFile(document.uri);
  if (Buffer.from(onDisk).equals(Buffer.from(original))) return;
  e2eLog(`${vscode.workspace.asRelativePath(document.uri)} was changed on disk during the test: written back`);
  await vscode.workspace.fs.writeFile(document.uri, original);
  await vscode.commands.executeCommand('workbench.action.files.revert', document.uri);
}
