/**
 * The graph preview: a webview panel beside the editor showing the dialog graph of the bot the active dialog file
 * belongs to, like Markdown's preview. The graph comes from the language server (`botmaster/graph`); the panel follows
 * edits (debounced), diagnostics and the editor's cursor, reveals a clicked node in the editor, saves exported pictures,
 * and comes back after a window reload (WebviewPanelSerializer).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { GraphModel, GraphNode } from '../../server/src/service/graph';
import { makeNonce, pageHtml } from '../webview/graph/page';
import { GRAPH_REQUEST } from '../webview/graph/protocol';
import type { FromWebview, GraphParams, GraphResult, ToWebview, WebviewState } from '../webview/graph/protocol';

export const GRAPH_VIEW_TYPE = 'botmaster.graphPreview';
export const SHOW_GRAPH_COMMAND = 'botmaster.showGraphPreview';
/** Not in the palette: what each open preview last drew (for the end-to-end tests and bug reports). */
export const RENDERED_COMMAND = 'botmaster.graphPreview.rendered';
/** How long the graph waits after the last edit before it asks the server again. */
const DEBOUNCE_MS = 300;

function isDialog(document: vscode.TextDocument): boolean {
  return document.languageId === 'botmaster';
}

class GraphPreview {
  private graph?: GraphModel;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly disposables: vscode.Disposable[] = [];
  private lastSelected?: string;
  /** What the webview last reported drawing. */
  rendered?: { nodes: number; layoutMs: number; drawMs: number };
  /** Bumped by each request, so that a slow answer never overwrites a newer one. */
  private generation = 0;
  /** The simulator's conversation, drawn on the graph of its bot. */
  private conversation?: ConversationPath;

  constructor(
    readonly panel: vscode.WebviewPanel,
    /** The dialog file the preview follows; its bot is shown. */
    public uri: vscode.Uri,
    private readonly client: LanguageClient,
    extensionUri: vscode.Uri,
    private readonly onDispose: (preview: GraphPreview) => void,
  ) {
    const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    panel.webview.html = pageHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'graph.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'graph.css')).toString(),
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: FromWebview) => this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (isDialog(event.document) && event.contentChanges.length > 0) this.refreshSoon();
      }),
      vscode.languages.onDidChangeDiagnostics((event) => {
        if (event.uris.some((uri) => this.inBot(uri))) this.refreshSoon();
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => this.followCursor(event.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isDialog(editor.document) && editor.document.uri.toString() !== this.uri.toString()) this.follow(editor.document.uri);
      }),
    );
  }

  /** Follows another dialog file (maybe of another bot). */
  follow(uri: vscode.Uri): void {
    this.uri = uri;
    this.refreshSoon(0);
  }

  private inBot(uri: vscode.Uri): boolean {
    const root = this.graph?.bot.root;
    return root !== undefined && root !== '' ? uri.toString().startsWith(root + '/') : uri.toString() === this.uri.toString();
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private refreshSoon(delay = DEBOUNCE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const uri = this.uri.toString();
    let graph: GraphResult;
    try {
      graph = await this.client.sendRequest<GraphResult>(GRAPH_REQUEST, { uri } satisfies GraphParams);
    } catch (error) {
      if (generation === this.generation) this.post({ type: 'empty', uri, message: `The graph could not be made: ${(error as Error).message}` });
      return;
    }
    if (generation !== this.generation) return;
    if (!graph) {
      // The server has not read this file yet (it indexes the workspace when it starts): diagnostics will bring us back.
      this.post({ type: 'empty', uri, message: 'Reading the bot…' });
      return;
    }
    this.graph = graph;
    this.panel.title = `Graph: ${graph.bot.name}`;
    this.post({ type: 'graph', uri, graph });
    this.postConversation();
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors.find((e) => isDialog(e.document));
    if (editor) this.followCursor(editor, true);
  }

  /** Shows the way a simulator conversation took, when it is a conversation with this preview's bot. */
  showConversation(conversation: ConversationPath | undefined): void {
    this.conversation = conversation;
    this.postConversation();
  }

  private postConversation(): void {
    const c = this.conversation;
    if (!this.graph) return;
    const mine = c !== undefined && c.root === this.graph.bot.root;
    this.post({ type: 'path', nodes: mine ? c.nodes : [], current: mine ? c.current : undefined });
  }

  /** The innermost node written at a line of a file. */
  private nodeAt(uri: vscode.Uri, line: number): GraphNode | undefined {
    const file = this.graph?.files.indexOf(uri.toString()) ?? -1;
    if (file < 0) return undefined;
    let found: GraphNode | undefined;
    for (const node of this.graph!.nodes) {
      if (node.file === file && node.line <= line && line <= node.endLine && (!found || node.line > found.line)) found = node;
    }
    return found;
  }

  private followCursor(editor: vscode.TextEditor, force = false): void {
    if (!isDialog(editor.document) || !this.panel.visible) return;
    const node = this.nodeAt(editor.document.uri, editor.selection.active.line);
    if (!node || (node.id === this.lastSelected && !force)) return;
    this.lastSelected = node.id;
    this.post({ type: 'select', node: node.id });
  }

  private async receive(message: FromWebview): Promise<void> {
    if (message.type === 'ready') await this.refresh();
    else if (message.type === 'reveal') await this.reveal(message.node);
    else if (message.type === 'export') await this.save(message);
    else if (message.type === 'rendered') this.rendered = { nodes: message.nodes, layoutMs: message.layoutMs, drawMs: message.drawMs };
  }

  /** Shows a node in the editor: in the column where its file is open, else in the first one. */
  private async reveal(id: string): Promise<void> {
    const node = this.graph?.nodes.find((n) => n.id === id);
    if (!node) return;
    const uri = vscode.Uri.parse(this.graph!.files[node.file]);
    const start = new vscode.Position(node.line, node.character);
    const range = new vscode.Range(start, start.translate(0, node.id.length));
    this.lastSelected = id; // the cursor move that follows is ours: no need to send it back
    const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const column = open?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: column, selection: range, preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async save(message: Extract<FromWebview, { type: 'export' }>): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(this.uri)?.uri ?? vscode.Uri.joinPath(this.uri, '..');
    const name = message.name.replace(/[\\/]/g, '-');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, name),
      filters: message.format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
    });
    if (!target) return;
    const bytes =
      message.format === 'svg'
        ? new TextEncoder().encode(message.data)
        : Uint8Array.from(atob(message.data.slice(message.data.indexOf(',') + 1)), (c) => c.charCodeAt(0));
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Graph saved to ${vscode.workspace.asRelativePath(target)}.`);
  }

  private dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.onDispose(this);
  }
}

/** The way a simulator conversation took on a bot (the bot's folder uri): nodes in the order visited, where it waits. */
export interface ConversationPath {
  root: string;
  nodes: string[];
  current?: string;
}

/** What other panels can ask of the graph preview. */
export interface GraphPreviews {
  /** Highlights a simulator conversation on the open previews of its bot (undefined: no conversation any more). */
  showConversation(conversation: ConversationPath | undefined): void;
}

export function registerGraphPreview(context: vscode.ExtensionContext, client: LanguageClient): GraphPreviews {
  const previews = new Set<GraphPreview>();
  let conversation: ConversationPath | undefined;
  const create = (panel: vscode.WebviewPanel, uri: vscode.Uri) => {
    const preview = new GraphPreview(panel, uri, client, context.extensionUri, (p) => previews.delete(p));
    previews.add(preview);
    preview.showConversation(conversation);
    return preview;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_GRAPH_COMMAND, async (target?: vscode.Uri) => {
      const editor = vscode.window.activeTextEditor;
      const uri = target instanceof vscode.Uri ? target : editor && isDialog(editor.document) ? editor.document.uri : undefined;
      if (!uri) {
        void vscode.window.showInformationMessage('Open a dialog file (*.bot.yaml) to see its graph.');
        return;
      }
      const existing = [...previews][0];
      if (existing) {
        existing.follow(uri);
        existing.panel.reveal(undefined, true);
        return;
      }
      const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Graph', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        retainContextWhenHidden: false,
      });
      create(panel, uri);
    }),
    vscode.commands.registerCommand(RENDERED_COMMAND, () =>
      [...previews].map((p) => ({ uri: p.uri.toString(), title: p.panel.title, ...p.rendered })),
    ),
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: WebviewState | undefined) {
        const editor = vscode.window.activeTextEditor;
        const uri = state?.uri ? vscode.Uri.parse(state.uri) : editor && isDialog(editor.document) ? editor.document.uri : undefined;
        if (!uri) {
          panel.dispose();
          return;
        }
        create(panel, uri);
      },
    }),
  );
  return {
    showConversation(next) {
      conversation = next;
      for (const preview of previews) preview.showConversation(next);
    },
  };
}
