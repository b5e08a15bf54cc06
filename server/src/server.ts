#!/usr/bin/env node
/**
 * The LSP adapter: wires the connection to the language service and nothing else.
 * Runs over stdio (`botmaster-language-server --stdio`: VS Code starts it so, as any other editor would), or over IPC.
 */
import * as os from 'node:os';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CodeActionKind, createConnection, ErrorCodes, FileChangeType, ProposedFeatures, ResponseError, StreamMessageReader, StreamMessageWriter, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { InitializeParams, InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { bandHelpers } from './host/bandHelper';
import { startConfusablesWorker } from './host/confusablesWorker';
import { idleCompactor } from './host/idleCompaction';
import { diagnosticsCachingEncoder } from './host/jsonEncoder';
import { fileUri, findDialogFiles, readText } from './host/files';
import { createSpellers } from './host/spelling';
import { createLanguageService, isDialogFile, RenameError } from './service';
import { GRAPH_REQUEST } from './service/graph';
import type { GraphParams } from './service/graph';
import { registerSimulator } from './simulator/register';

const documents = new TextDocuments(TextDocument);
const connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);

/**
 * Over stdio (VS Code's transport for this server, and the bench's), the open files' diagnostics are written from
 * bytes kept per diagnostic (host/jsonEncoder.ts). vscode-languageserver sets up stdio itself only with its own
 * writer, so this does what it does then: exit when the client's end closes, and send \`console\` output to the
 * client's log, since stdout carries the protocol.
 */
function stdioConnection() {
  const writer = new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: diagnosticsCachingEncoder((uri) => documents.get(uri) !== undefined) });
  const created = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), writer);
  let shutdown = false;
  created.onShutdown(() => {
    shutdown = true;
  });
  const exit = () => process.exit(shutdown ? 0 : 1);
  process.stdin.on('end', exit);
  process.stdin.on('close', exit);
  const log = (send: (message: string) => void) => (...args: unknown[]) => send(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  console.log = log((m) => created.console.log(m));
  console.info = log((m) => created.console.info(m));
  console.warn = log((m) => created.console.warn(m));
  console.error = log((m) => created.console.error(m));
  return created;
}
const service = createLanguageService();
service.deferChecks();
/**
 * Diagnostics per file, unless the editor's settings say otherwise (`botmaster.maxProblemsPerFile`): VS Code's own
 * limit, past which it drops the rest. A bot-wide check can find thousands in one training file, and every keystroke
 * there would send them all.
 */
const MAX_PROBLEMS_PER_FILE = 1000;
service.setSettings({ maxProblemsPerFile: MAX_PROBLEMS_PER_FILE });
service.keepDocumentsOfOpenFilesOnly();
// Confusable examples in a worker thread (dist/server/confusables-worker.js, next to this bundle), from three cores
// on. On two, the worker takes the core that the editor and the typing path need: on the issue-3 bench, edit →
// diagnostics p95 went from 37 to 70 ms and RSS from 449 to 525 MB, for about half a second less of cold analysis.
// BOTMASTER_CONFUSABLES_WORKER=1 or 0 decides instead (the LSP tests use it).
const worker = process.env.BOTMASTER_CONFUSABLES_WORKER;
if (worker === '1' || (worker !== '0' && os.availableParallelism() > 2)) {
  service.useConfusablesWorker(startConfusablesWorker(), (message) => connection.console.error(`Botmaster: ${message}`));
  connection.console.info('Botmaster: confusable examples are checked in a worker thread.');
}
// A big confusable index is built with a helper thread for its band pass (dist/server/confusables-bands.js), which
// ends with the build: nothing stays running (docs/performance.md has what it saves).
service.setBandHelpers(bandHelpers(undefined, (message) => connection.console.error(`Botmaster: ${message}`)));
// Spelling dictionaries (dist/dictionaries): each loaded the first time the checks meet its language, in tens of ms.
service.setSpellers(
  createSpellers({ onLoad: (message) => connection.console.info(`Botmaster: ${message}`), onError: (message) => connection.console.error(`Botmaster: ${message}`) }),
);
/** When the workspace was indexed, and the tiers of checks that have run once since (told in the log, once each). */
let indexedAt: number | undefined;
const coldChecked = new Set<keyof typeof CHECK_DELAYS_MS>();
/** Bot-wide checks run once the user pauses this long (the heavy ones, like confusable examples, after a longer pause). */
const CHECK_DELAYS_MS = { checks: 150, heavy: 750 } as const;
const checkTimers: Partial<Record<keyof typeof CHECK_DELAYS_MS, NodeJS.Timeout>> = {};

function scheduleChecks(): void {
  // Not while diagnostics wait to be sent (the index's, at the cold start, go in slices): the last slice schedules them.
  if (pending.size > 0) return;
  for (const tier of ['checks', 'heavy'] as const) {
    if (!service.hasStaleChecks(tier)) continue;
    clearTimeout(checkTimers[tier]);
    // After indexing, nobody is typing for the checks to wait for: the cheap ones start once the index's diagnostics
    // are out, the heavy ones once the cheap ones ran (their diagnostics schedule them again), and the steps of both
    // still wait for a quiet moment.
    const cold = !coldChecked.has(tier) && (tier === 'checks' || coldChecked.has('checks'));
    const delay = cold ? 0 : CHECK_DELAYS_MS[tier];
    checkTimers[tier] = setTimeout(() => {
      checkTimers[tier] = undefined;
      if (indexing) return;
      // In slices of 20 ms, so that requests and edits are handled in between, even on a bot of 100,000 examples;
      // and only once the editor has been quiet for a moment, so that a burst of requests is not slowed down.
      const step = () => {
        const quietFor = Date.now() - lastRequest;
        if (quietFor < QUIET_MS) {
          setTimeout(step, QUIET_MS - quietFor);
          return;
        }
        compactor.activity();
        const result = safely(() => service.stepChecks(tier, 20), { done: true, files: [] });
        if (result.files.length > 0) schedulePublish(result.files);
        if (result.done && indexedAt !== undefined && !coldChecked.has(tier)) {
          coldChecked.add(tier);
          connection.console.info(`Botmaster: the ${tier === 'heavy' ? 'heavy bot-wide checks (confusable examples)' : 'bot-wide checks'} ran ${Date.now() - indexedAt} ms after indexing`);
        }
        if (!result.done && !checkTimers[tier]) setImmediate(step);
      };
      step();
    }, delay);
  }
}
let roots: string[] = [];

/** Files whose diagnostics must be sent again; flushed once the current burst of messages is handled. */
const pending = new Set<string>();
let flushScheduled = false;
/** The document version of the diagnostics last sent per file. */
const publishedVersions = new Map<string, number | undefined>();
/** While the workspace is indexed, diagnostics wait: before the manifest is read, every reference looks undefined. */
let indexing = false;

function schedulePublish(uris: Iterable<string>): void {
  for (const uri of uris) pending.add(uri);
  if (flushScheduled || indexing) return;
  flushScheduled = true;
  setImmediate(flush);
}

/**
 * Sends the diagnostics that changed, and those of documents at a new version (the editor waits for them): open
 * documents first, then the others in slices of about 15 ms, so that a request waits little even when the checks of a
 * big bot just changed the diagnostics of a hundred files.
 */
function flush(): void {
  flushScheduled = false;
  compactor.activity();
  if (indexing) return;
  const open = [...pending].filter((uri) => documents.get(uri));
  const uris = [...open, ...[...pending].filter((uri) => !documents.get(uri))];
  const deadline = Date.now() + 15;
  let done = 0;
  for (const uri of uris) {
    if (done > 0 && Date.now() > deadline) break;
    pending.delete(uri);
    done++;
    const version = documents.get(uri)?.version;
    // A new version of an open document gets its diagnostics even when they did not change: the editor waits for them.
    const newVersion = version !== undefined && publishedVersions.get(uri) !== version;
    const diagnostics = safely(() => service.changedDiagnostics([uri], () => newVersion), new Map()).get(uri) ?? (newVersion ? [] : undefined);
    if (!diagnostics) continue;
    publishedVersions.set(uri, version);
    void connection.sendDiagnostics({ uri, diagnostics, version });
  }
  for (const failure of service.checkFailures()) connection.console.error(`Botmaster: the ${failure.check} checks failed: ${failure.error.stack ?? failure.error.message}`);
  if (pending.size > 0) {
    flushScheduled = true;
    setImmediate(flush);
  }
  scheduleChecks();
}

/** When the editor last asked something: bot-wide checks run only after a quiet moment, never ahead of a request. */
let lastRequest = 0;
const QUIET_MS = 200;

/** Notes that the editor asked something (always true, to chain before the answer). */
function asked(): true {
  lastRequest = Date.now();
  compactor.activity();
  return true;
}

/**
 * After 20 s without work, the heap is compacted once, if it grew by 64 MB since the last time (host/idleCompaction.ts):
 * on the issue-3 bench the idle RSS went from 467–489 MB to under 400. BOTMASTER_IDLE_COMPACT_MS and
 * BOTMASTER_IDLE_COMPACT_MIN_MB set the pause and the growth (the LSP tests use them); a pause of 0 turns it off.
 */
const IDLE_COMPACT_MS = Number(process.env.BOTMASTER_IDLE_COMPACT_MS ?? 20_000);
const compactor = idleCompactor({
  idleMs: IDLE_COMPACT_MS,
  minGrowthBytes: Number(process.env.BOTMASTER_IDLE_COMPACT_MIN_MB ?? 64) * 1024 * 1024,
  busy: () => indexing || pending.size > 0 || Object.values(checkTimers).some((timer) => timer !== undefined) || service.hasStaleChecks('checks') || service.hasStaleChecks('heavy'),
  onCompacted: ({ before, after, ms, young }) =>
    connection.console.info(
      `Botmaster: compacted the heap after an idle pause: old generation ${(before / 1e6).toFixed(0)} → ${(after / 1e6).toFixed(0)} MB in ${ms.toFixed(0)} ms (young generation ${(young.before / 1e6).toFixed(0)} → ${(young.after / 1e6).toFixed(0)} MB)`,
    ),
  onSettled: (young) => connection.console.info(`Botmaster: collected once more after the compaction: young generation ${(young.before / 1e6).toFixed(0)} → ${(young.after / 1e6).toFixed(0)} MB`),
});
if (!(IDLE_COMPACT_MS > 0)) compactor.stop();

/** A feature that throws is logged once and answers nothing, instead of taking the server down. */
function safely<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch (e) {
    connection.console.error(`Botmaster: ${(e as Error).stack ?? e}`);
    return fallback;
  }
}

function loadFromDisk(uri: string): void {
  if (documents.get(uri)) return; // the editor's text wins over the disk's
  try {
    const { text } = readText(fileURLToPath(uri));
    schedulePublish(safely(() => service.setFile(uri, text, -1), new Set<string>()));
  } catch {
    schedulePublish(service.removeFile(uri));
  }
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  roots = (params.workspaceFolders ?? []).map((f) => fileURLToPath(f.uri));
  if (roots.length === 0 && params.rootUri) roots = [fileURLToPath(params.rootUri)];
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' ', '{', '.'], resolveProvider: true },
      definitionProvider: true,
      referencesProvider: true,
      hoverProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      codeLensProvider: { resolveProvider: false },
      renameProvider: { prepareProvider: true },
      workspace: { workspaceFolders: { supported: true } },
    },
    serverInfo: { name: 'botmaster-language-server', version: '0.1.0' },
  };
});

/**
 * Reads every dialog file of the workspace folders, a slice at a time so that requests (hover, completion in an open
 * file) are answered while a big workspace is indexed, then publishes all diagnostics at once.
 */
async function indexWorkspace(): Promise<void> {
  const started = Date.now();
  indexing = true;
  const files = roots.flatMap((root) => findDialogFiles(root));
  let sliceStart = Date.now();
  for (const file of files) {
    loadFromDisk(fileUri(file));
    if (Date.now() - sliceStart > 20) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = Date.now();
    }
  }
  indexing = false;
  indexedAt = Date.now();
  schedulePublish([]);
  connection.console.info(`Botmaster: indexed ${files.length} dialog files in ${Date.now() - started} ms`);
}

/** VS Code settings: `botmaster.checks` (severity per diagnostic code), `botmaster.maxProblemsPerFile` (0: no limit). */
function applySettings(settings: unknown): void {
  const botmaster = (settings as { botmaster?: { checks?: Record<string, string>; maxProblemsPerFile?: unknown } } | undefined)?.botmaster;
  const max = botmaster?.maxProblemsPerFile;
  service.setSettings({
    checks: (botmaster?.checks ?? {}) as never,
    maxProblemsPerFile: typeof max === 'number' && Number.isInteger(max) && max >= 0 ? max : MAX_PROBLEMS_PER_FILE,
  });
  schedulePublish(service.allFiles());
}

connection.onDidChangeConfiguration((params) => applySettings(params.settings));

connection.onInitialized(() => {
  void indexWorkspace();
});

documents.onDidChangeContent((event) => {
  asked();
  const { uri, version } = event.document;
  if (!isDialogFile(uri) && !uri.startsWith('untitled:')) return;
  schedulePublish(safely(() => service.setFile(uri, event.document.getText(), version), new Set<string>([uri])));
});

documents.onDidOpen((event) => {
  const uri = event.document.uri;
  // The file's diagnostics go out first; parsing its document again (hundreds of milliseconds for a big file, more
  // after an idle pause) waits for a quiet moment.
  service.setOpen(uri, true, false);
  const restore = (): void => {
    if (!documents.get(uri)) return;
    if (Date.now() - lastRequest < QUIET_MS || pending.size > 0) setTimeout(restore, QUIET_MS);
    else safely(() => service.restoreDocument(uri), undefined);
  };
  setTimeout(restore, QUIET_MS);
});

documents.onDidClose((event) => {
  const uri = event.document.uri;
  service.setOpen(uri, false);
  if (uri.startsWith('file:')) {
    // Back to what is on disk (the file may have been closed without saving).
    setImmediate(() => loadFromDisk(uri));
  } else {
    schedulePublish(service.removeFile(uri));
  }
});

connection.onDidChangeWatchedFiles((params) => {
  for (const change of params.changes) {
    if (!isDialogFile(change.uri)) continue;
    if (change.type === FileChangeType.Deleted) {
      if (!documents.get(change.uri)) schedulePublish(service.removeFile(change.uri));
    } else loadFromDisk(change.uri);
  }
});

connection.onCompletion((params) => asked() && safely(() => service.getCompletions(params.textDocument.uri, params.position), null));
connection.onCompletionResolve((item) => asked() && safely(() => service.resolveCompletion(item), item));
connection.onDefinition((params) => asked() && safely(() => service.getDefinition(params.textDocument.uri, params.position), []));
connection.onReferences((params) =>
  asked() &&
  safely(() => service.getReferences(params.textDocument.uri, params.position, params.context.includeDeclaration), []),
);
connection.onHover((params) => asked() && safely(() => service.getHover(params.textDocument.uri, params.position), null));
connection.onDocumentSymbol((params) => asked() && safely(() => service.getDocumentSymbols(params.textDocument.uri), []));
connection.onWorkspaceSymbol((params) => asked() && safely(() => service.getWorkspaceSymbols(params.query), []));
connection.onRequest(GRAPH_REQUEST, (params: GraphParams) => asked() && safely(() => service.getGraph(params.uri) ?? null, null));
registerSimulator(connection, service.workspace, asked, () => !indexing);
connection.onCodeAction((params) => asked() && safely(() => service.getCodeActions(params.textDocument.uri, params.context.diagnostics), []));
connection.onCodeLens((params) => asked() && safely(() => service.getCodeLenses(params.textDocument.uri), []));
/** Rename errors (an invalid or taken name) go back to the editor as the request's error, shown to the user. */
function renaming<T>(run: () => T): T | ResponseError<void> {
  try {
    return run();
  } catch (e) {
    if (e instanceof RenameError) return new ResponseError(ErrorCodes.InvalidRequest, e.message);
    connection.console.error(`Botmaster: ${(e as Error).stack ?? e}`);
    return new ResponseError(ErrorCodes.InternalError, (e as Error).message);
  }
}
connection.onPrepareRename((params) => renaming(() => service.prepareRename(params.textDocument.uri, params.position)));
connection.onRenameRequest((params) => renaming(() => service.rename(params.textDocument.uri, params.position, params.newName)));

documents.listen(connection);
connection.listen();
