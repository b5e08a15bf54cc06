/**
 * The Botmaster language service: a pure library. It holds the workspace index and answers editor questions as
 * functions of (index, document, position). No LSP connection, no vscode, no file system: callers hand it texts.
 */
import type { CompletionItem, Diagnostic, Position } from 'vscode-languageserver-types';
import { getCodeActions } from './codeActions';
import { getCodeLenses } from './codeLens';
import { getGraph } from './graph';
import { prepareRename, rename } from './rename';
import { getCompletions, resolveCompletion } from './completion';
import { Diagnostician } from './diagnostics';
import type { DiagnosticSettings, Tier } from './diagnostics';
import { getHover } from './hover';
import { setBandHelpers } from './analysis/confusables';
import type { BandHelper } from './analysis/bands';
import { useConfusablesWorker } from './analysis/confusablesWorker';
import type { WorkerChannel } from './analysis/confusablesWorker';
import { setSpellers } from './analysis/spelling';
import type { SpellerProvider } from './analysis/spelling';
import { getDefinition, getReferences } from './navigation';
import { getDocumentSymbols, getWorkspaceSymbols } from './symbols';
import { Workspace } from './workspace';

export function createLanguageService() {
  const workspace = new Workspace();
  const diagnostician = new Diagnostician(workspace);
  return {
    workspace,
    /** Add or change a file. Returns the uris whose diagnostics may have changed. */
    setFile: (uri: string, text: string, version = 0) => workspace.update(uri, text, version),
    removeFile: (uri: string) => workspace.remove(uri),
    /** The editor opened or closed a file (open files keep their parsed document; see documents.ts). */
    setOpen: (uri: string, open: boolean, restoreNow?: boolean) => workspace.setOpen(uri, open, restoreNow),
    restoreDocument: (uri: string) => workspace.restoreDocument(uri),
    /**
     * Run the confusable-example check in the worker thread behind this channel (host/confusablesWorker.ts), next to
     * the cheap checks (the server does this); undefined: in this thread.
     */
    useConfusablesWorker: (channel: WorkerChannel | undefined, onError?: (message: string) => void) => useConfusablesWorker(channel, onError),
    /**
     * Share the band pass of big confusable-index builds with a helper thread (host/bandHelper.ts; the server and the
     * command line do this); undefined: each build in its own thread alone.
     */
    setBandHelpers: (start: (() => BandHelper | undefined) | undefined) => setBandHelpers(start),
    /** Keep parsed documents only for open files: a quarter of the heap on a big bot (the server does this). */
    keepDocumentsOfOpenFilesOnly: () => workspace.keepDocumentsOfOpenFilesOnly(),
    hasFile: (uri: string) => workspace.get(uri) !== undefined,
    getDiagnostics: (uri: string) => diagnostician.diagnostics(uri),
    /**
     * Of the files whose diagnostics may have changed (and the other files of their bots), those that did change, and
     * those \`wanted\` says to give anyway (a new version of an open document, whose diagnostics the editor waits for).
     */
    changedDiagnostics: (uris: Iterable<string>, wanted?: (uri: string) => boolean) => diagnostician.changedFiles(uris, wanted),
    /** Checks that threw, for the server to log once each. */
    checkFailures: () => diagnostician.failures.splice(0),
    setSettings: (settings: DiagnosticSettings) => {
      diagnostician.settings = settings;
      diagnostician.forgetPublished();
    },
    /**
     * The dictionaries of the spelling check, per locale (the host loads them: the service reads no files). Without
     * them, no spelling problems are reported. The checks run again with the new dictionaries.
     */
    setSpellers: (provider: SpellerProvider | undefined) => {
      setSpellers(workspace, provider);
      diagnostician.forgetAnalyses('checks');
    },
    allFiles: () => [...workspace.allFiles()].map((m) => m.uri),
    /** Bot-wide checks wait for a pause in typing: the server calls `runChecks` then (see Diagnostician). */
    deferChecks: () => {
      diagnostician.deferChecks = true;
    },
    hasStaleChecks: (tier: Tier) => diagnostician.staleBots(tier).length > 0,
    runChecks: (tier: Tier) => diagnostician.runChecks(tier),
    stepChecks: (tier: Tier, budgetMs: number) => diagnostician.stepChecks(tier, budgetMs),
    getCompletions: (uri: string, position: Position) => getCompletions(workspace, uri, position),
    resolveCompletion: (item: CompletionItem) => resolveCompletion(workspace, item),
    getDefinition: (uri: string, position: Position) => getDefinition(workspace, uri, position),
    getReferences: (uri: string, position: Position, includeDeclaration = true) => getReferences(workspace, uri, position, includeDeclaration),
    getHover: (uri: string, position: Position) => getHover(workspace, uri, position),
    getDocumentSymbols: (uri: string) => getDocumentSymbols(workspace, uri),
    getCodeActions: (uri: string, diagnostics: Diagnostic[]) => getCodeActions(workspace, uri, diagnostics),
    getCodeLenses: (uri: string) => getCodeLenses(workspace, uri),
    /** The dialog graph of the bot a file belongs to, with the problems the editor shows (graph preview); undefined for an unknown file. */
    getGraph: (uri: string) => getGraph(workspace, uri, (file) => diagnostician.diagnostics(file)),
    prepareRename: (uri: string, position: Position) => prepareRename(workspace, uri, position),
    rename: (uri: string, position: Position, newName: string) => rename(workspace, uri, position, newName),
    getWorkspaceSymbols: (query: string) => getWorkspaceSymbols(workspace, query),
  };
}

export type LanguageService = ReturnType<typeof createLanguageService>;
export { CODES } from './codes';
export type { DiagnosticCode } from './codes';
export { isDialogFile } from './files';
export { RenameError } from './rename';
export { SHOW_REFERENCES_COMMAND, SIMULATE_FROM_COMMAND } from './codeLens';
export type { GraphModel } from './graph';
export type { Speller, SpellerProvider } from './analysis/spelling';
