/**
 * The graph of a bot's dialog, for the graph preview and `botmaster graph`: flows, nodes by kind with their message
 * per locale, edges labelled with what takes them, the entry point and fallbacks, each node's problems and whether a
 * conversation can reach it. A plain JSON value, computed from the index on each request.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { Severity } from './codes';
import { Diagnostician } from './diagnostics';
import { dialogOf, reachableNodes, resolveTarget } from './reachability';
import type { Dialog, Move } from './reachability';
import type { Definition, FileModel, Span, TextItem } from './types';
import type { Bot, Workspace } from './workspace';

export type NodeKind = 'say' | 'ask' | 'branch' | 'end' | 'handoff' | 'fallback';
export type { Severity };

export interface GraphProblem {
  severity: Severity;
  code: string;
  message: string;
}

/** Where something is written: an index into `GraphModel.files`, the 0-based position of its id, its last line. */
export interface GraphLocation {
  file: number;
  line: number;
  character: number;
  endLine: number;
}

export interface GraphNode extends GraphLocation {
  id: string;
  flow: string;
  kind: NodeKind;
  /** What the node says (say, else prompt, else its response's text), first variant, by locale. */
  text: Record<string, string>;
  description?: string;
  /** The slot it asks for. */
  ask?: string;
  /** `bot`: every conversation starts here; `flow`: its flow starts here. */
  entry?: 'bot' | 'flow';
  /** It is the fallback of the bot, of a flow, or of some nodes. */
  fallbackOf?: ('bot' | 'flow' | 'node')[];
  /** Intents that lead here from any waiting node of the bot (no `flow`) or of a flow. */
  intents?: { intent: string; flow?: string }[];
  reachable: boolean;
  /** The worst severity of its problems, and the problems (at most `MAX_PROBLEMS`). */
  severity?: Severity;
  problems?: GraphProblem[];
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: Move['kind'];
  /** The intent, condition, button label (default locale), `else`, `next` or `not understood`. */
  via: string;
  /** A button's label by locale. */
  labels?: Record<string, string>;
  /** Set when the move names a flow (it goes to that flow's start node). */
  toFlow?: string;
}

export interface GraphFlow extends GraphLocation {
  id: string;
  description?: string;
  /** Its start node (`start`, or its first node). */
  start?: string;
  fallback?: string;
  /** Its nodes, in file order. */
  nodes: string[];
  severity?: Severity;
  problems?: GraphProblem[];
}

export interface GraphModel {
  bot: {
    name: string;
    /** The uri of the bot's folder ('' for files that belong to no bot). */
    root: string;
    locales: string[];
    defaultLocale: string;
    start?: string;
    fallback?: string;
  };
  /** File uris; locations index into it. */
  files: string[];
  flows: GraphFlow[];
  nodes: GraphNode[];
  edges: GraphEdge[];
}

// The custom LSP request that answers `graphOf` (defined beside the webview's messages, which import no code).
export { GRAPH_REQUEST } from '../../../client/webview/graph/protocol';
export type { GraphParams, GraphResult } from '../../../client/webview/graph/protocol';

export const MAX_PROBLEMS = 5;
const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

function worst(a: Severity | undefined, b: Severity): Severity {
  return a === undefined || RANK[b] > RANK[a] ? b : a;
}

function byLocale(texts: TextItem[], defaultLocale: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of texts) {
    const locale = item.locale ?? defaultLocale;
    if (!(locale in result)) result[locale] = item.text;
  }
  return result;
}

function kindOf(dialog: Dialog, id: string, fallbackOf: unknown[] | undefined): NodeKind {
  const node = dialog.nodes.get(id)!;
  if (node.info.handoff) return 'handoff';
  if (node.info.end) return 'end';
  if (fallbackOf) return 'fallback';
  if (node.info.ask) return 'ask';
  if (node.branches) return 'branch';
  return 'say';
}

interface Holder {
  def: Definition;
  add(problem: GraphProblem): void;
}

/** LSP severities (1 error … 4 hint) as the graph's. */
const SEVERITY_OF: Record<number, Severity> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'info' };

/** Attaches each diagnostic of a file to the innermost node or flow entry of the file that holds its start. */
function placeDiagnostics(model: FileModel, diagnostics: Diagnostic[], holders: Holder[]): void {
  const inFile = holders.sort((a, b) => a.def.full.start - b.def.full.start || b.def.full.end - a.def.full.end);
  const contains = (span: Span, at: number) => span.start <= at && at < Math.max(span.end, span.start + 1);
  for (const diagnostic of diagnostics) {
    const at = model.lines.offset(diagnostic.range.start);
    let holder: Holder | undefined;
    // The holders are sorted by start, outer before inner: the last one that starts before the problem and holds it.
    let lo = 0;
    let hi = inFile.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (inFile[mid].def.full.start <= at) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && !holder; i--) if (contains(inFile[i].def.full, at)) holder = inFile[i];
    const message = typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
    holder?.add({ severity: SEVERITY_OF[diagnostic.severity ?? 1], code: String(diagnostic.code ?? ''), message });
  }
}

/** A file's diagnostics, as the editor shows them. */
export type DiagnosticsOf = (uri: string) => Diagnostic[];

/**
 * The graph of the bot that the file at `uri` belongs to; undefined when the file is unknown. `diagnosticsOf` gives the
 * problems shown on nodes: the service passes its own (with the bot-wide checks it ran, the settings and the
 * `# botmaster-ignore` comments), so that the graph shows what the editor shows.
 */
export function getGraph(workspace: Workspace, uri: string, diagnosticsOf?: DiagnosticsOf): GraphModel | undefined {
  if (!workspace.get(uri)) return undefined;
  return graphOf(workspace, workspace.botOf(uri), diagnosticsOf);
}

export function graphOf(workspace: Workspace, bot: Bot, diagnosticsOf?: DiagnosticsOf): GraphModel {
  if (!diagnosticsOf) {
    const diagnostician = new Diagnostician(workspace);
    diagnosticsOf = (uri) => diagnostician.diagnostics(uri);
  }
  const dialog = dialogOf(workspace, bot);
  const manifest = workspace.manifestOf(bot)?.manifest;
  const locales = manifest?.locales ?? [];
  const defaultLocale = manifest?.defaultLocale ?? locales[0] ?? '';
  const reachable = reachableNodes(workspace, bot);
  const files: string[] = [];
  const fileIndex = new Map<string, number>();
  const locate = (def: Definition | undefined, fallbackUri: string): GraphLocation => {
    const uri = def?.uri ?? fallbackUri;
    let file = fileIndex.get(uri);
    if (file === undefined) {
      fileIndex.set(uri, (file = files.length));
      files.push(uri);
    }
    const lines = workspace.get(uri)?.lines;
    const start = lines && def ? lines.position(def.span.start) : { line: 0, character: 0 };
    const endLine = lines && def ? lines.position(def.full.end).line : 0;
    return { file, line: start.line, character: start.character, endLine };
  };
  const definitionOf = (kind: 'node' | 'flow', id: string, uri: string) => bot.lookup(kind, id).find((d) => d.uri === uri);

  const fallbackOf = new Map<string, Set<'bot' | 'flow' | 'node'>>();
  const markFallback = (id: string | undefined, scope: 'bot' | 'flow' | 'node') => {
    if (id === undefined || !dialog.nodes.has(id)) return;
    if (!fallbackOf.has(id)) fallbackOf.set(id, new Set());
    fallbackOf.get(id)!.add(scope);
  };
  markFallback(dialog.fallback, 'bot');
  for (const flow of dialog.flows.values()) markFallback(flow.fallback, 'flow');
  for (const node of dialog.nodes.values()) markFallback(node.fallback, 'node');

  const intents = new Map<string, { intent: string; flow?: string }[]>();
  const addIntent = (to: string | undefined, intent: string, flow?: string) => {
    if (to === undefined) return;
    if (!intents.has(to)) intents.set(to, []);
    intents.get(to)!.push(flow === undefined ? { intent } : { intent, flow });
  };
  for (const move of dialog.on) addIntent(resolveTarget(dialog, move.to), move.intent);
  for (const flow of dialog.flows.values()) for (const move of flow.on) addIntent(resolveTarget(dialog, move.to), move.intent, flow.id);

  const flowStarts = new Set([...dialog.flows.values()].map((f) => f.start));
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const holders = new Map<string, Holder[]>();
  const holderOf = (def: Definition | undefined, target: { severity?: Severity; problems?: GraphProblem[] }) => {
    if (!def) return;
    if (!holders.has(def.uri)) holders.set(def.uri, []);
    holders.get(def.uri)!.push({
      def,
      add(problem) {
        target.severity = worst(target.severity, problem.severity);
        target.problems ??= [];
        if (target.problems.length < MAX_PROBLEMS) target.problems.push(problem);
      },
    });
  };

  const flows: GraphFlow[] = [];
  for (const flow of dialog.flows.values()) {
    const def = definitionOf('flow', flow.id, flow.uri);
    const graphFlow: GraphFlow = { id: flow.id, ...locate(def, flow.uri), start: flow.start, fallback: flow.fallback, nodes: flow.nodes };
    const description = workspace.get(flow.uri)?.descriptions.get(`flow:${flow.id}`);
    if (description) graphFlow.description = description;
    holderOf(def, graphFlow);
    flows.push(graphFlow);
    for (const id of flow.nodes) {
      const node = dialog.nodes.get(id)!;
      const nodeDef = definitionOf('node', id, node.uri);
      const texts = node.info.texts.length > 0 ? node.info.texts : (node.info.response && dialog.responses.get(node.info.response)?.texts) || [];
      const fallbacks = fallbackOf.get(id);
      const graphNode: GraphNode = {
        id,
        flow: flow.id,
        kind: kindOf(dialog, id, fallbacks && [...fallbacks]),
        text: byLocale(texts, defaultLocale),
        ...locate(nodeDef, node.uri),
        reachable: reachable.has(id),
      };
      if (node.info.description) graphNode.description = node.info.description;
      if (node.info.ask) graphNode.ask = node.info.ask;
      if (id === dialog.start) graphNode.entry = 'bot';
      else if (flowStarts.has(id)) graphNode.entry = 'flow';
      if (fallbacks) graphNode.fallbackOf = [...fallbacks];
      if (intents.has(id)) graphNode.intents = intents.get(id);
      holderOf(nodeDef, graphNode);
      nodes.push(graphNode);
      for (const move of node.moves) {
        const to = resolveTarget(dialog, move.to);
        if (to === undefined) continue;
        const edge: GraphEdge = { from: id, to, kind: move.kind, via: move.via };
        if (move.labels && move.labels.length > 1) edge.labels = byLocale(move.labels, defaultLocale);
        if (move.to.kind === 'flow') edge.toFlow = move.to.id;
        edges.push(edge);
      }
    }
  }

  for (const [uri, inFile] of holders) {
    const model = workspace.get(uri);
    if (model) placeDiagnostics(model, diagnosticsOf(uri), inFile);
  }

  return {
    bot: {
      name: manifest?.name ?? (bot.root ? bot.root.slice(bot.root.lastIndexOf('/') + 1) : 'Dialog files without a bot'),
      root: bot.root,
      locales,
      defaultLocale,
      ...(dialog.start !== undefined && { start: dialog.start }),
      ...(dialog.fallback !== undefined && { fallback: dialog.fallback }),
    },
    files,
    flows,
    nodes,
    edges,
  };
}
