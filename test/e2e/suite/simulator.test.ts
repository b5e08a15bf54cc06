// The simulator in the real VS Code: the command opens it beside the editor on the support bot, the language server
// runs the conversation, and the webview shows the bot's answer to a greeting (it reports what its page shows:
// botmaster.simulator.shown). The code lens "Simulate from here" starts at its node; an unsaved edit is used at the
// next turn.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { putBack, waitFor } from './wait';

const SHOWN = 'botmaster.simulator.shown';
const SAY = 'botmaster.simulator.say';
type Shown = { uri: string; title: string; bot?: string; turns?: number; last?: string[] }[];


const shown = () => vscode.commands.executeCommand<Shown>(SHOWN);

describe('Simulator in VS Code', function () {
  const file = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'support', 'flows', 'main.bot.yaml');

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens beside the editor, and answers a greeting in the panel', async function () {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file()), vscode.ViewColumn.One);
    await vscode.commands.executeCommand('botmaster.openSimulator');
    const tab = await waitFor(
      'a simulator tab',
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('botmaster.simulator')),
      (t) => t !== undefined,
    );
    assert.strictEqual(tab!.group.viewColumn, vscode.ViewColumn.Two, 'the simulator opens beside the editor');
    const opening = await waitFor<Shown>('the opening turn in the page', shown, (s) => (s[0]?.turns ?? 0) === 1, 60_000);
    assert.strictEqual(opening[0].title, 'Simulator: Acme Shop support');
    assert.ok(opening[0].last!.includes('What can I help you with? Pick a topic or type your question.'), JSON.stringify(opening));

    assert.strictEqual(await vscode.commands.executeCommand(SAY, 'hello'), true);
    const answered = await waitFor<Shown>('the answer to hello in the page', shown, (s) => s[0]?.turns === 2);
    assert.deepStrictEqual(answered[0].last!.slice(0, 2), ['You: hello', 'Hello again! How can I help?']);
  });

  it('uses an unsaved edit at the next turn', async function () {
    const document = await vscode.workspace.openTextDocument(file());
    const original = await vscode.workspace.fs.readFile(document.uri);
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const text = 'Hello again! How can I help?';
    const at = document.positionAt(document.getText().indexOf(text));
    await editor.edit((edit) => edit.replace(new vscode.Range(at, at.translate(0, text.length)), 'Welcome back from the e2e test!'));
    try {
      await vscode.commands.executeCommand(SAY, 'hi');
      const answered = await waitFor<Shown>('the edited answer', shown, (s) => s[0]?.turns === 3);
      assert.deepStrictEqual(answered[0].last!.slice(0, 2), ['You: hi', 'Welcome back from the e2e test!']);
    } finally {
      await putBack(document, original);
    }
    await waitFor('the edited document to be reverted', () => document.isDirty, (dirty) => !dirty, 10_000);
  });

  it('starts at a node from the code lens "Simulate from here"', async function () {
    const orders = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'support', 'flows', 'orders.bot.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(orders), vscode.ViewColumn.One);
    const lenses = await waitFor(
      'the code lenses of orders.bot.yaml',
      () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', orders),
      (l) => (l ?? []).some((lens) => lens.command?.command === 'botmaster.simulateFrom'),
    );
    const lens = lenses.find((l) => l.command?.command === 'botmaster.simulateFrom' && l.command.arguments?.[1] === 'track_ask_number');
    assert.ok(lens, 'a "Simulate from here" lens above track_ask_number');
    assert.strictEqual(lens!.command!.title, 'Simulate from here');
    await vscode.commands.executeCommand(lens!.command!.command, ...lens!.command!.arguments!);
    const started = await waitFor<Shown>('the conversation from track_ask_number', shown, (s) => s[0]?.turns === 1 && (s[0].last ?? []).some((m) => m.startsWith("What's your order number?")));
    assert.strictEqual(started.length, 1, 'the same panel, restarted');
  });
});
