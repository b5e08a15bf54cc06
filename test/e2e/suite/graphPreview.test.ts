// The graph preview in the real VS Code: the command opens it beside the editor, the server's graph reaches the
// webview, and the webview draws the example's nodes (it reports what it drew: botmaster.graphPreview.rendered).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { putBack, waitFor } from './wait';

const RENDERED = 'botmaster.graphPreview.rendered';


describe('Graph preview in VS Code', function () {
  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens beside an example and draws its nodes', async function () {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const file = vscode.Uri.joinPath(folder, 'support', 'flows', 'main.bot.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), vscode.ViewColumn.One);
    await vscode.commands.executeCommand('botmaster.showGraphPreview');
    const tab = await waitFor(
      'a graph preview tab',
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('botmaster.graphPreview')),
      (t) => t !== undefined,
    );
    assert.strictEqual(tab!.group.viewColumn, vscode.ViewColumn.Two, 'the preview opens beside the editor');
    type Rendered = { uri: string; title: string; nodes?: number }[];
    const rendered = await waitFor<Rendered>(
      'the preview to draw the support bot',
      () => vscode.commands.executeCommand<Rendered>(RENDERED),
      (r) => r?.[0]?.title === 'Graph: Acme Shop support' && (r[0].nodes ?? 0) === 121,
      60_000,
    );
    assert.strictEqual(rendered[0].uri, file.toString());
  });

  it('updates after an edit, before it is saved', async function () {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'support', 'flows', 'main.bot.yaml'));
    const original = await vscode.workspace.fs.readFile(document.uri);
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const at = document.positionAt(document.getText().indexOf('      main_menu:'));
    await editor.edit((edit) => edit.insert(at, '      e2e_extra:\n        say: { en: Extra, fr: Extra }\n        end: true\n'));
    try {
      type Rendered = { nodes?: number }[];
      await waitFor<Rendered>('the preview to draw the new node', () => vscode.commands.executeCommand<Rendered>(RENDERED), (r) => r?.[0]?.nodes === 122);
    } finally {
      // A document left dirty or changed comes back with the next window, and the UI tests then find the extra node.
      await putBack(document, original);
    }
    await waitFor('the edited document to be reverted', () => document.isDirty, (dirty) => !dirty, 10_000);
    type Rendered = { nodes?: number }[];
    await waitFor<Rendered>('the preview to drop it again', () => vscode.commands.executeCommand<Rendered>(RENDERED), (r) => r?.[0]?.nodes === 121);
  });
});
