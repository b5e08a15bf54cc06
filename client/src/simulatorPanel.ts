/**
 * The simulator: a webview panel beside the editor where the user talks to the bot of the active dialog file. The
 * conversation runs in the language server (custom requests, server/src/simulator/protocol.ts); this panel keeps what
 * the webview shows (a hidden webview is thrown away and made again), reveals nodes in the editor, copies and saves the
 * transcript, highlights the way taken in the graph preview, and comes back after a window reload with its
 * conversation (WebviewPanelSerializer: the inputs are said again to the bot).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  SIMULATOR_CLOSE,
  SIMULATOR_RESTART,
  SIMULATOR_SEND,
  SIMULATOR_START,
  SIMULATOR_UNDO,
} from '../../server/src/simulator/protocol';
import type {
  SimulatorErrorData,
  SimulatorInput,
  SimulatorLocation,
  SimulatorRestartParams,
  SimulatorSendParams,
  SimulatorSessionParams,
  SimulatorStartParams,
  SimulatorState,
  SimulatorTurnResult,
  SimulatorUndoResult,
} from '../../server/src/simulator/protocol';
import { makeNonce, pageHtml } from '../webview/graph/page';
import { inputOf } from '../webview/simulator/protocol';
import type { FromWebview, SimulatorView, ToWebview, WebviewState } from '../webview/simulator/protocol';
import { transcript } from '../webview/simulator/transcript';
import type { GraphPreviews } from './graphPreview';

export const SIMULATOR_VIEW_TYPE = 'botmaster.simulator';
export const OPEN_SIMULATOR_COMMAND = 'botmaster.openSimulator';
/** The code lens "Simulate from here" (server/src/service/codeLens.ts): arguments are a file's uri and a node id. */
export const SIMULATE_FROM_COMMAND = 'botmaster.simulateFrom';
/** Not in the palette: what each open simulator's page last reported showing (for the end-to-end tests and bug reports). */
export const SHOWN_COMMAND = 'botmaster.simulator.shown';
/** Not in the palette: says something to the open simulator, as if typed (for the end-to-end tests and macros). */
export const SAY_COMMAND = 'botmaster.simulator.say';

/** While the server reads the workspace, a start is tried again this often, this many times. */
const NOT_READY_RETRY_MS = 500;
const NOT_READY_TRIES = 120;

interface StartOptions {
  locale?: string;
  startNode?: string;
  channel?: string;
  seed?: number;
  replay?: SimulatorInput[];
  /** A line above the conversation once it started. */
  note?: string;
}

function isDialog(document: vscode.TextDocument): boolean {
  return document.languageId === 'botmaster';
}

function errorData(error: unknown): SimulatorErrorData | undefined {
  const data = (error as { data?: unknown } | undefined)?.data;
  return data && typeof data === 'object' && 'kind' in data ? (data as SimulatorErrorData) : undefined;
}

class SimulatorPanel {
  private session?: string;
  view: SimulatorView;
  /** What the page last reported showing. */
  shown?: { turns: number; last: string[] };
  private ready = false;
  /** Requests run one after the other, in the order the user asked. */
  private queue: Promise<void> = Promise.resolve();
  /** The request that failed, for "Try again". */
  private failed?: () => Promise<void>;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    uri: vscode.Uri,
    private readonly client: LanguageClient,
    extensionUri: vscode.Uri,
    private readonly graph: GraphPreviews,
    private readonly onDispose: (panel: SimulatorPanel) => void,
    start: StartOptions,
  ) {
    this.view = { uri: uri.toString(), entries: [] };
    const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    panel.webview.html = pageHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'simulator.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'simulator.css')).toString(),
      title: 'Botmaster simulator',
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: FromWebview) => this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.run(() => this.start(start));
  }

  /** The folder of the bot this panel talks to ('' before the first answer). */
  get root(): string {
    return this.view.bot?.root ?? '';
  }

  inBot(uri: vscode.Uri): boolean {
    return this.root !== '' && uri.toString().startsWith(this.root + '/');
  }

  // ---- Requests, one at a time --------------------------------------------------------------------------------------

  run(task: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.disposed) return;
      // A turn is a few milliseconds; the first one after an edit of the examples trains the matcher again.
      const slow = setTimeout(() => this.post({ type: 'busy', what: 'Waiting for the bot…' }), 250);
      try {
        this.failed = undefined;
        await task();
      } catch (error) {
        this.failed = task;
        this.post({ type: 'error', message: (error as Error).message, retry: true });
      } finally {
        clearTimeout(slow);
        this.post({ type: 'busy' });
      }
    });
  }

  private request<R>(method: string, params: unknown): Promise<R> {
    return this.client.sendRequest<R>(method, params);
  }

  /** Starts a session (again); while the server still reads the workspace, tries again for a while. */
  async start(options: StartOptions, uri = this.view.uri): Promise<void> {
    this.post({ type: 'busy', what: 'Starting the conversation (the intent matcher is trained on first use)…' });
    const params: SimulatorStartParams = { uri, locale: options.locale, startNode: options.startNode, channel: options.channel, seed: options.seed, replay: options.replay };
    let state: SimulatorState | undefined;
    for (let tries = 0; !state; tries++) {
      try {
        state = await this.request<SimulatorState>(SIMULATOR_START, params);
      } catch (error) {
        const kind = errorData(error)?.kind;
        if (kind === 'not-ready' && tries < NOT_READY_TRIES && !this.disposed) {
          this.post({ type: 'busy', what: 'Botmaster is still reading the workspace…' });
          await new Promise((resolve) => setTimeout(resolve, NOT_READY_RETRY_MS));
          continue;
        }
        if ((kind === 'unknown-locale' || kind === 'unknown-channel' || kind === 'unknown-node') && options.replay) {
          // A restored panel whose language, channel or start node the bot no longer has: the plain conversation.
          return this.start({ note: `The conversation could not be restored (${(error as Error).message}); it started again.` }, uri);
        }
        throw error;
      }
    }
    const previous = this.session;
    this.session = state.session;
    if (previous && previous !== state.session) void this.request(SIMULATOR_CLOSE, { session: previous }).catch(() => undefined);
    this.view = { uri, bot: state.bot, options: state.options, entries: state.turns.map((turn) => ({ turn })), note: options.note };
    this.showState();
  }

  /** A session the server no longer knows (it restarted): start one again with the same conversation. */
  private async revive(): Promise<void> {
    const options = this.view.options;
    const replay = this.view.entries.map((e) => inputOf(e.turn)).filter((i): i is SimulatorInput => i !== undefined);
    await this.start({ locale: options?.locale, startNode: options?.startNode, channel: options?.channel, seed: options?.seed, replay, note: 'The language server restarted: your messages were said again to the bot.' });
  }

  /** Runs a request on the session, reviving the session once if the server forgot it. */
  private async onSession<R>(method: string, params: Record<string, unknown>): Promise<R> {
    if (!this.session) await this.revive();
    try {
      return await this.request<R>(method, { ...params, session: this.session });
    } catch (error) {
      if (errorData(error)?.kind !== 'unknown-session') throw error;
      await this.revive();
      return this.request<R>(method, { ...params, session: this.session });
    }
  }

  async send(input: SimulatorInput): Promise<void> {
    const result = await this.onSession<SimulatorTurnResult>(SIMULATOR_SEND, { input } satisfies Omit<SimulatorSendParams, 'session'>);
    const entry = { turn: result.turn, reload: result.reloaded ? result.reload : undefined };
    this.view.entries.push(entry);
    if (result.bot) this.view.bot = result.bot;
    this.post({ type: 'turn', entry, bot: result.bot });
    this.showPath();
  }

  private async undo(): Promise<void> {
    const result = await this.onSession<SimulatorUndoResult>(SIMULATOR_UNDO, {});
    if (result.bot) this.view.bot = result.bot;
    this.view.entries.length = result.turn.index + 1;
    if (result.reloaded) {
      // The turn now last, as the new version of the bot says it.
      this.view.entries[result.turn.index] = { turn: result.turn, reload: result.reload };
      this.showState();
      return;
    }
    this.post({ type: 'undone', count: result.turn.index + 1, bot: result.bot });
    this.showPath();
  }

  async restart(options: Omit<SimulatorRestartParams, 'session'> = {}): Promise<void> {
    const state = await this.onSession<SimulatorState>(SIMULATOR_RESTART, options);
    this.view = { uri: this.view.uri, bot: state.bot, options: state.options, entries: state.turns.map((turn) => ({ turn, reload: state.reloaded ? state.reload : undefined })) };
    this.showState();
  }

  /** Talks to another bot (or the same bot from another file): a new conversation, in the same language and channel if it has them. */
  async open(uri: vscode.Uri, startNode?: string): Promise<void> {
    const sameBot = this.inBot(uri);
    if (sameBot && this.session) {
      await this.restart(startNode !== undefined ? { startNode } : {});
      return;
    }
    const options = this.view.options;
    const keep = sameBot ? { locale: options?.locale, channel: options?.channel } : {};
    await this.start({ ...keep, startNode }, uri.toString());
  }

  // ---- The page -----------------------------------------------------------------------------------------------------

  private post(message: ToWebview): void {
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(message);
  }

  private showState(): void {
    this.panel.title = `Simulator: ${this.view.bot?.name || 'bot'}`;
    this.post({ type: 'state', view: this.view });
    this.showPath();
  }

  /** The way the conversation took, on the graph preview of the same bot. */
  private showPath(): void {
    const entries = this.view.entries;
    if (!this.view.bot) return;
    this.graph.showConversation({ root: this.view.bot.root, nodes: entries.flatMap((e) => e.turn.path), current: entries[entries.length - 1]?.turn.node });
  }

  private receive(message: FromWebview): void {
    if (message.type === 'ready') {
      this.ready = true;
      if (this.view.bot) this.post({ type: 'state', view: this.view });
      if (this.panel.active) this.post({ type: 'focus' });
    } else if (message.type === 'send') this.run(() => this.send(message.input));
    else if (message.type === 'undo') this.run(() => this.undo());
    else if (message.type === 'restart') {
      const { locale, startNode, channel } = message;
      this.run(() => this.restart({ locale, startNode, channel }));
    } else if (message.type === 'reveal') void this.reveal(message.node);
    else if (message.type === 'copy') void this.copy();
    else if (message.type === 'save') void this.save();
    else if (message.type === 'retry') {
      const failed = this.failed;
      if (failed) this.run(failed);
    } else if (message.type === 'shown') this.shown = { turns: message.turns, last: message.last };
  }

  /** Where a node is written: the newest location the server sent. */
  private locationOf(node: string): SimulatorLocation | undefined {
    for (let i = this.view.entries.length - 1; i >= 0; i--) {
      const location = this.view.entries[i].turn.locations[node];
      if (location) return location;
    }
    return this.view.bot?.nodes.find((n) => n.id === node)?.location;
  }

  /** Shows a node in the editor (in the column where its file is open, else beside the panel). */
  private async reveal(node: string): Promise<void> {
    const location = this.locationOf(node);
    if (!location) {
      void vscode.window.showInformationMessage(`The node ${node} is not in the bot any more.`);
      return;
    }
    const uri = vscode.Uri.parse(location.uri);
    const document = await vscode.workspace.openTextDocument(uri);
    let range = new vscode.Range(location.range.start.line, location.range.start.character, location.range.end.line, location.range.end.character);
    if (document.getText(range) !== node) {
      // Edited since the last answer: find the node's key again.
      const at = new RegExp(`^\\s*${node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`, 'm').exec(document.getText());
      if (at) {
        const start = document.positionAt(at.index + at[0].indexOf(node));
        range = new vscode.Range(start, start.translate(0, node.length));
      }
    }
    const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const column = open?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
    const editor = await vscode.window.showTextDocument(document, { viewColumn: column, selection: range, preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async copy(): Promise<void> {
    await vscode.env.clipboard.writeText(transcript(this.view.bot, this.view.options, this.view.entries, 'text'));
    void vscode.window.showInformationMessage('Transcript copied.');
  }

  private async save(): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(this.view.uri))?.uri ?? vscode.Uri.joinPath(vscode.Uri.parse(this.view.uri), '..');
    const name = `${(this.view.bot?.name || 'bot').replace(/[^\w.-]+/g, '-')}-conversation.md`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, name),
      filters: { Markdown: ['md'], 'Plain text': ['txt'] },
      title: 'Save the transcript',
    });
    if (!target) return;
    const format = /\.(md|markdown)$/i.test(target.path) ? 'markdown' : 'text';
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(transcript(this.view.bot, this.view.options, this.view.entries, format)));
    void vscode.window.showInformationMessage(`Transcript saved to ${vscode.workspace.asRelativePath(target)}.`);
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.session) void this.request(SIMULATOR_CLOSE, { session: this.session } satisfies SimulatorSessionParams).catch(() => undefined);
    this.graph.showConversation(undefined);
    for (const d of this.disposables) d.dispose();
    this.onDispose(this);
  }
}

export function registerSimulator(context: vscode.ExtensionContext, client: LanguageClient, graph: GraphPreviews): void {
  let current: SimulatorPanel | undefined;
  const create = (panel: vscode.WebviewPanel, uri: vscode.Uri, start: StartOptions) =>
    (current = new SimulatorPanel(panel, uri, client, context.extensionUri, graph, (p) => {
      if (current === p) current = undefined;
    }, start));
  const newPanel = () =>
    vscode.window.createWebviewPanel(SIMULATOR_VIEW_TYPE, 'Simulator', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      enableScripts: true,
      retainContextWhenHidden: false,
    });
  const activeDialog = () => {
    const editor = vscode.window.activeTextEditor;
    return editor && isDialog(editor.document) ? editor.document.uri : vscode.window.visibleTextEditors.find((e) => isDialog(e.document))?.document.uri;
  };

  const open = (uri: vscode.Uri | undefined, startNode?: string) => {
    if (!uri) {
      void vscode.window.showInformationMessage('Open a dialog file (*.bot.yaml) to talk to its bot.');
      return;
    }
    if (current) {
      const panel = current;
      panel.panel.reveal(undefined, false);
      // The same bot and nothing new asked: keep the conversation.
      if (startNode === undefined && (panel.inBot(uri) || panel.view.uri === uri.toString())) return;
      panel.run(() => panel.open(uri, startNode));
      return;
    }
    create(newPanel(), uri, { startNode });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_SIMULATOR_COMMAND, (target?: vscode.Uri) => open(target instanceof vscode.Uri ? target : activeDialog())),
    vscode.commands.registerCommand(SIMULATE_FROM_COMMAND, (uri: string | vscode.Uri, node: string) =>
      open(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri, node),
    ),
    vscode.commands.registerCommand(SHOWN_COMMAND, () =>
      current ? [{ uri: current.view.uri, title: current.panel.title, bot: current.view.bot?.name, ...current.shown }] : [],
    ),
    vscode.commands.registerCommand(SAY_COMMAND, (input: string | SimulatorInput) => {
      const panel = current;
      if (!panel) return false;
      panel.run(() => panel.send(typeof input === 'string' ? { text: input } : input));
      return true;
    }),
    vscode.window.registerWebviewPanelSerializer(SIMULATOR_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: WebviewState | undefined) {
        const uri = state?.uri ? vscode.Uri.parse(state.uri) : activeDialog();
        if (!uri || current) {
          panel.dispose();
          return;
        }
        const replay = state?.inputs ?? [];
        create(panel, uri, {
          locale: state?.locale,
          startNode: state?.startNode,
          channel: state?.channel,
          seed: state?.seed,
          replay,
          note: replay.length
            ? `Restored after the window reloaded: your ${replay.length} message${replay.length === 1 ? ' was' : 's were'} said again to the bot.`
            : undefined,
        });
      },
    }),
  );
}
