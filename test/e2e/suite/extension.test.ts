// End-to-end tests of the Botmaster extension in a real VS Code (code-server), through the `vscode` API only:
// everything below goes through the real language client and the real language server.
// Run by test/e2e/run.mjs; the workspace folder is the repo's examples/ folder.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { e2eLog } from './log';
import { waitFor } from './wait';

const EXTENSION_ID = 'botmaster.botmaster';
const BOT_GLOB = '**/*.bot.{yaml,yml}';
// A throwaway bot of our own, so that positions and expectations do not depend on the examples' wording.
const TMP_FOLDER = '_e2e_tmp';
const MAIN_BOT = [
  '# Temporary bot written by test/e2e; deleted when the tests end.',
  'bot:',
  '  name: E2E temporary bot',
  '  locales: [en]',
  '  start: welcome',
  'flows:',
  '  main:',
  '    nodes:',
  '      welcome:',
  '        say: Hello',
  '        goto: goodbye',
  '      lost:',
  '        say: Where am I?',
  '        goto: no_such_node',
  '',
].join('\n');
const OTHER_BOT = [
  'flows:',
  '  other:',
  '    nodes:',
  '      goodbye:',
  '        say: Bye',
  '        end: true',
  '',
].join('\n');

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'VS Code was opened without a workspace folder');
  return folder.uri;
}

/** Calls `probe` until `done` accepts its result, or fails after `timeoutMs` with the last result. */

/** The position of the `occurrence`-th `text` in the document (0-based), at its first character. */
function positionOf(document: vscode.TextDocument, text: string, occurrence = 0): vscode.Position {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = document.getText().indexOf(text, offset + 1);
    assert.ok(offset >= 0, `"${text}" (occurrence ${occurrence}) not found in ${document.uri.fsPath}`);
  }
  return document.positionAt(offset);
}

function botDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'botmaster');
}

function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  return diagnostics
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} [${d.source}/${String(typeof d.code === 'object' ? d.code.value : d.code)}] ${d.message}`)
    .join('\n  ');
}

function label(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n')
    .trim();
}

describe('Botmaster in VS Code', function () {
  const root = () => workspaceRoot();
  const tmpDir = () => vscode.Uri.joinPath(root(), TMP_FOLDER);
  const mainUri = () => vscode.Uri.joinPath(tmpDir(), 'main.bot.yaml');
  const otherUri = () => vscode.Uri.joinPath(tmpDir(), 'other.bot.yaml');
  let example: vscode.TextDocument;
  let examples: vscode.TextDocument[] = [];
  let main: vscode.TextDocument;

  before(async function () {
    await vscode.workspace.fs.delete(tmpDir(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    await vscode.workspace.fs.createDirectory(tmpDir());
    await vscode.workspace.fs.writeFile(mainUri(), new TextEncoder().encode(MAIN_BOT));
    await vscode.workspace.fs.writeFile(otherUri(), new TextEncoder().encode(OTHER_BOT));
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(tmpDir(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  it('activates when a *.bot.yaml example is opened', async function () {
    const files = await vscode.workspace.findFiles(BOT_GLOB, `{**/broken/**,**/${TMP_FOLDER}/**,**/node_modules/**}`);
    assert.ok(files.length > 0, `no ${BOT_GLOB} file in the workspace ${root().fsPath}`);
    files.sort((a, b) => a.path.localeCompare(b.path));
    const preferred = files.find((f) => f.path.endsWith('/support/bot.bot.yaml')) ?? files[0];
    example = await vscode.workspace.openTextDocument(preferred);
    await vscode.window.showTextDocument(example);
    assert.strictEqual(example.languageId, 'botmaster', `${preferred.fsPath} has language "${example.languageId}"`);
    // Every example is opened (so the server checks it, whatever its workspace scanning does) for the no-error test.
    examples = await Promise.all(files.map((f) => vscode.workspace.openTextDocument(f)));

    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded (installed: ${vscode.extensions.all.filter((e) => !e.id.startsWith('vscode.')).map((e) => e.id).join(', ')})`);
    await waitFor('the extension to activate', () => extension.isActive, (active) => active);
  });

  it('publishes a diagnostic for a goto to a missing node', async function () {
    main = await vscode.workspace.openTextDocument(mainUri());
    // The other file is opened too, so the test does not depend on how the server discovers files.
    await vscode.workspace.openTextDocument(otherUri());
    await vscode.window.showTextDocument(main);
    const target = positionOf(main, 'no_such_node');
    const diagnostics = await waitFor(
      'a botmaster diagnostic on "no_such_node"',
      () => botDiagnostics(main.uri),
      (ds) => ds.some((d) => d.range.start.line === target.line),
    );
    const onTarget = diagnostics.filter((d) => d.range.start.line === target.line);
    assert.ok(
      onTarget.some((d) => d.range.contains(target)),
      `the diagnostic on line ${target.line + 1} does not cover "no_such_node":\n  ${describeDiagnostics(onTarget)}`,
    );
    assert.ok(
      onTarget.some((d) => d.severity === vscode.DiagnosticSeverity.Error),
      `the diagnostic on "no_such_node" is not an error:\n  ${describeDiagnostics(onTarget)}`,
    );
  });

  it('reports no error in the example bots', async function () {
    // The previous test proved the server publishes; give the examples' own diagnostics a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const report = examples
      .map((doc) => ({ doc, errors: botDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error) }))
      .filter(({ errors }) => errors.length > 0)
      .map(({ doc, errors }) => `${vscode.workspace.asRelativePath(doc.uri)}:\n  ${describeDiagnostics(errors)}`);
    assert.strictEqual(report.join('\n'), '', `errors in ${report.length} of ${examples.length} example files`);
  });

  it('completes node ids after goto:', async function () {
    const position = positionOf(main, 'goodbye'); // the value of `goto: goodbye`
    const list = await waitFor(
      'completion items at a goto value',
      () => vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', main.uri, position),
      (result) => (result?.items.length ?? 0) > 0,
    );
    const labels = list.items.map(label);
    for (const id of ['welcome', 'lost', 'goodbye']) {
      assert.ok(labels.includes(id), `node id "${id}" missing from the completion items: ${labels.slice(0, 40).join(', ')}`);
    }
  });

  it('goes to the definition of a node in another file', async function () {
    const position = positionOf(main, 'goodbye').translate(0, 2);
    const other = await vscode.workspace.openTextDocument(otherUri());
    const nodeKey = positionOf(other, 'goodbye:');
    const results = await waitFor(
      'a definition of goodbye',
      () => vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', main.uri, position),
      (r) => (r?.length ?? 0) > 0,
    );
    const targets = results.map((r) =>
      'targetUri' in r ? { uri: r.targetUri, range: r.targetSelectionRange ?? r.targetRange } : { uri: r.uri, range: r.range },
    );
    const got = targets.map((t) => `${t.uri.toString()}:${t.range.start.line + 1}`).join(', ');
    const hit = targets.find((t) => t.uri.toString() === other.uri.toString());
    assert.ok(hit, `no definition in ${other.uri.toString()}; got ${got}`);
    assert.ok(
      hit.range.start.line === nodeKey.line || hit.range.contains(nodeKey),
      `the definition does not point at the node "goodbye" (line ${nodeKey.line + 1}); got ${got}`,
    );
  });

  it('shows a hover on a goto value', async function () {
    const position = positionOf(main, 'goodbye').translate(0, 2);
    const hovers = await waitFor(
      'a hover on goodbye',
      () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', main.uri, position),
      (h) => hoverText(h ?? []).length > 0,
    );
    e2eLog(`      hover: ${JSON.stringify(hoverText(hovers).slice(0, 200))}`);
  });

  it('counts references in the code lens, fixes a misspelt goto with its quick fix, and renames a node across files', async function () {
    const other = await vscode.workspace.openTextDocument(otherUri());
    const lenses = await waitFor(
      'a code lens counting the references to goodbye',
      () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', other.uri, 10),
      (l) => (l ?? []).some((lens) => lens.command?.title.startsWith('1 reference')),
    );
    assert.strictEqual(lenses.find((l) => l.command?.title.startsWith('1 reference'))!.range.start.line, positionOf(other, 'goodbye:').line);

    // A typo in a goto: the diagnostic comes, "Change to `goodbye`" fixes it in the editor's buffer.
    const editor = await vscode.window.showTextDocument(main);
    const at = positionOf(main, 'goto: goodbye').translate(0, 'goto: goodby'.length);
    await editor.edit((edit) => edit.delete(new vscode.Range(at, at.translate(0, 1))));
    const typo = await waitFor(
      'a diagnostic on the misspelt goodby',
      () => botDiagnostics(main.uri).filter((d) => d.range.start.line === at.line),
      (ds) => ds.length > 0,
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', main.uri, typo[0].range);
    const change = actions.find((a) => a.title === 'Change to `goodbye`');
    assert.ok(change?.edit, `no "Change to \`goodbye\`" among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(change.edit));
    assert.match(main.getText(), /goto: goodbye\n/);
    await waitFor('the typo diagnostic to go', () => botDiagnostics(main.uri).filter((d) => d.range.start.line === at.line), (ds) => ds.length === 0);

    // Rename from the reference: the definition in the other file and the goto change together.
    const rename = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', main.uri, positionOf(main, 'goodbye').translate(0, 2), 'farewell');
    assert.deepEqual(rename.entries().map(([uri, edits]) => [vscode.workspace.asRelativePath(uri), edits.length]).sort(), [
      [`${TMP_FOLDER}/main.bot.yaml`, 1],
      [`${TMP_FOLDER}/other.bot.yaml`, 1],
    ]);
    assert.ok(await vscode.workspace.applyEdit(rename));
    assert.match(main.getText(), /goto: farewell\n/);
    assert.match(other.getText(), /^ {6}farewell:$/m);
    await vscode.workspace.saveAll(false);
    await waitFor('no diagnostic on the renamed goto', () => botDiagnostics(main.uri).filter((d) => d.range.start.line === at.line), (ds) => ds.length === 0);
  });
});
