/**
 * The dialog of a bot as a graph (entry, fallbacks, intents that work anywhere or in a flow, and every node's moves,
 * each with what takes it), and which nodes a conversation can reach. The single source of truth for reachability:
 * the graph preview and the "unreachable node" check both ask `reachableNodes`.
 *
 * Read from the files' YAML documents (the models keep no flow-level facts), with the shapes the schema allows;
 * anything else is skipped, as in model.ts.
 */
import { isMap, isScalar, isSeq } from './yamlNodes';
import { documentOf } from './documents';
import { getPair, keyOf, pairsOf } from './model';
import type { Bot, Workspace } from './workspace';
import type { FileModel, NodeInfo, TextItem } from './types';

/** Where a move goes: a node, or the start node of a flow. */
export interface Target {
  kind: 'node' | 'flow';
  id: string;
}

/**
 * One way out of a node. `via` says what takes it: the intent (`intent`), the button's label (`reply`, with `labels`
 * per locale), the condition (`condition`), `else`, `next` (goto / flow), or `not understood` (`fallback`).
 */
export interface Move {
  kind: 'intent' | 'reply' | 'condition' | 'else' | 'next' | 'fallback';
  via: string;
  labels?: TextItem[];
  to: Target;
}

/** An intent that works at every waiting node of a flow (flow `on`) or of the bot (manifest `on`). */
export interface IntentMove {
  intent: string;
  to: Target;
}

export interface DialogFlow {
  id: string;
  uri: string;
  /** The node the flow starts at: `start`, or its first node. */
  start?: string;
  fallback?: string;
  on: IntentMove[];
  /** Its nodes, in the order of the file. */
  nodes: string[];
}

export interface DialogNode {
  id: string;
  flow: string;
  uri: string;
  info: NodeInfo;
  /** It waits for the user: it asks, or offers quick replies (its own or its response's), or moves on intents. */
  waits: boolean;
  branches: boolean;
  /** Its own `fallback`, when it has one. */
  fallback?: string;
  moves: Move[];
}

export interface Dialog {
  start?: string;
  fallback?: string;
  on: IntentMove[];
  flows: Map<string, DialogFlow>;
  nodes: Map<string, DialogNode>;
  /** Each response's text (for node labels) and its quick replies' moves, by response id. */
  responses: Map<string, { texts: TextItem[]; hasReplies: boolean; moves: Move[] }>;
}

function stringOf(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function targetOf(node: unknown): Target | undefined {
  if (isMap(node)) {
    const flow = stringOf(getPair(node, 'flow')?.value);
    return flow ? { kind: 'flow', id: flow } : undefined;
  }
  const id = stringOf(node);
  return id ? { kind: 'node', id } : undefined;
}

function intentMoves(node: unknown): IntentMove[] {
  const moves: IntentMove[] = [];
  for (const pair of pairsOf(node)) {
    const to = targetOf(pair.value);
    if (to) moves.push({ intent: keyOf(pair)!, to });
  }
  return moves;
}

/** A message's texts, first variant per locale (locale undefined: the default locale). */
function messageTexts(node: unknown): TextItem[] {
  const first = (item: unknown): unknown => (isSeq(item) ? first(item.items[0]) : item);
  const texts: TextItem[] = [];
  const add = (item: unknown, locale?: string) => {
    const scalar = first(item);
    if (isScalar(scalar) && typeof scalar.value === 'string' && scalar.range) {
      texts.push({ text: scalar.value, locale, span: { start: scalar.range[0], end: scalar.range[1] } });
    }
  };
  if (isMap(node)) for (const pair of pairsOf(node)) add(pair.value, keyOf(pair));
  else add(node);
  return texts;
}

function nonEmpty(node: unknown): boolean {
  return (isSeq(node) || isMap(node)) && node.items.length > 0;
}

function replyMoves(replies: unknown, moves: Move[]): Move[] {
  if (isSeq(replies)) {
    for (const item of replies.items) {
      const labels = messageTexts(getPair(item, 'label')?.value);
      const via = labels[0]?.text ?? 'button';
      const goto = stringOf(getPair(item, 'goto')?.value);
      const flow = stringOf(getPair(item, 'flow')?.value);
      if (goto) moves.push({ kind: 'reply', via, labels, to: { kind: 'node', id: goto } });
      if (flow) moves.push({ kind: 'reply', via, labels, to: { kind: 'flow', id: flow } });
    }
  }
  return moves;
}

function nodeMoves(node: unknown): Move[] {
  const get = (key: string) => getPair(node, key)?.value;
  const moves = replyMoves(get('quick_replies'), []);
  for (const move of intentMoves(get('on'))) moves.push({ kind: 'intent', via: move.intent, to: move.to });
  const branch = get('branch');
  if (isSeq(branch)) {
    for (const item of branch.items) {
      const condition = stringOf(getPair(item, 'if')?.value);
      const kind = condition === undefined ? 'else' : 'condition';
      const via = condition ?? 'else';
      const goto = stringOf(getPair(item, 'goto')?.value);
      const flow = stringOf(getPair(item, 'flow')?.value);
      if (goto) moves.push({ kind, via, to: { kind: 'node', id: goto } });
      if (flow) moves.push({ kind, via, to: { kind: 'flow', id: flow } });
    }
  }
  const goto = stringOf(get('goto'));
  if (goto) moves.push({ kind: 'next', via: 'next', to: { kind: 'node', id: goto } });
  const flow = stringOf(get('flow'));
  if (flow) moves.push({ kind: 'next', via: 'next', to: { kind: 'flow', id: flow } });
  const fallback = stringOf(get('fallback'));
  if (fallback) moves.push({ kind: 'fallback', via: 'not understood', to: { kind: 'node', id: fallback } });
  return moves;
}

/** What one file adds to its bot's dialog. Read once per file version. */
interface FilePart {
  manifest?: { start?: string; fallback?: string; on: IntentMove[] };
  responses: [string, Dialog['responses'] extends Map<string, infer R> ? R : never][];
  flows: DialogFlow[];
  nodes: DialogNode[];
}

const parts = new WeakMap<FileModel, FilePart>();

/**
 * What one file adds to its bot's dialog, read from its document once per file version (the workspace reads it before
 * it releases a document: documents.ts).
 */
export function partOf(model: FileModel): FilePart {
  let part = parts.get(model);
  if (!part) parts.set(model, (part = readFile(model)));
  return part;
}

function readFile(model: FileModel): FilePart {
  const part: FilePart = { responses: [], flows: [], nodes: [] };
  const root = documentOf(model)?.contents;
  if (!isMap(root)) return part;
  const manifest = getPair(root, 'bot')?.value;
  if (model.manifest && isMap(manifest)) {
    part.manifest = {
      start: stringOf(getPair(manifest, 'start')?.value),
      fallback: stringOf(getPair(manifest, 'fallback')?.value),
      on: intentMoves(getPair(manifest, 'on')?.value),
    };
  }
  for (const pair of pairsOf(getPair(root, 'responses')?.value)) {
    const texts = messageTexts(getPair(pair.value, 'text')?.value);
    const replies = getPair(pair.value, 'quick_replies')?.value;
    part.responses.push([keyOf(pair)!, { texts, hasReplies: nonEmpty(replies), moves: replyMoves(replies, []) }]);
  }
  for (const flowPair of pairsOf(getPair(root, 'flows')?.value)) {
    const flowId = keyOf(flowPair)!;
    const flowMap = flowPair.value;
    const nodes: string[] = [];
    for (const nodePair of pairsOf(getPair(flowMap, 'nodes')?.value)) {
      const id = keyOf(nodePair)!;
      const info = model.nodes.get(id);
      if (!info || info.flow !== flowId) continue; // a duplicate id within the file: the model kept the other one
      const node = nodePair.value;
      nodes.push(id);
      part.nodes.push({
        id,
        flow: flowId,
        uri: model.uri,
        info,
        // What the model already read: one definition of "waits" and of the node's fallback.
        waits: info.waits,
        branches: getPair(node, 'branch') !== undefined,
        fallback: info.fallback,
        moves: nodeMoves(node),
      });
    }
    part.flows.push({
      id: flowId,
      uri: model.uri,
      start: stringOf(getPair(flowMap, 'start')?.value) ?? nodes[0],
      fallback: stringOf(getPair(flowMap, 'fallback')?.value),
      on: intentMoves(getPair(flowMap, 'on')?.value),
      nodes,
    });
  }
  return part;
}

/** The bot's files' models, in a stable order (the memo key: models are immutable per version). */
function modelsOf(workspace: Workspace, bot: Bot): FileModel[] {
  return [...bot.files].sort().map((uri) => workspace.get(uri)!).filter((m) => m !== undefined);
}

interface Memo {
  models: FileModel[];
  dialog: Dialog;
  reachable?: Set<string>;
}

const memo = new WeakMap<Bot, Memo>();

function memoOf(workspace: Workspace, bot: Bot): Memo {
  const models = modelsOf(workspace, bot);
  const cached = memo.get(bot);
  if (cached && cached.models.length === models.length && cached.models.every((m, i) => m === models[i])) return cached;
  const dialog: Dialog = { on: [], flows: new Map(), nodes: new Map(), responses: new Map() };
  const fileParts = models.map(partOf);
  for (const part of fileParts) {
    if (part.manifest) Object.assign(dialog, part.manifest);
    for (const [id, response] of part.responses) dialog.responses.set(id, response);
    for (const flow of part.flows) dialog.flows.set(flow.id, flow);
  }
  for (const part of fileParts) {
    for (const node of part.nodes) {
      // A response's buttons are the node's: they make it wait, and lead where they say.
      const response = node.info.response === undefined ? undefined : dialog.responses.get(node.info.response);
      dialog.nodes.set(node.id, response?.hasReplies ? { ...node, waits: true, moves: [...response.moves, ...node.moves] } : node);
    }
  }
  const entry: Memo = { models, dialog };
  memo.set(bot, entry);
  return entry;
}

/**
 * The dialog of a bot. Each file is read once per version; the dialog is put together again when a file of the bot
 * changes, and kept while none does.
 */
export function dialogOf(workspace: Workspace, bot: Bot): Dialog {
  return memoOf(workspace, bot).dialog;
}

/** The node a target leads to (a flow's start node), if it exists. */
export function resolveTarget(dialog: Dialog, to: Target): string | undefined {
  const id = to.kind === 'flow' ? dialog.flows.get(to.id)?.start : to.id;
  return id !== undefined && dialog.nodes.has(id) ? id : undefined;
}

/**
 * The nodes a conversation can reach: from the manifest's `start`, following every move of every reached node; at a
 * reached node that waits, its flow's `on`, the manifest's `on`, and the fallback in reach (the node's own, else its
 * flow's, else the bot's). When the bot has no entry point (no manifest, or a `start` that is no node), nothing can be
 * said, and every node counts as reachable.
 */
export function reachableNodes(workspace: Workspace, bot: Bot): Set<string> {
  const entry = memoOf(workspace, bot);
  entry.reachable ??= reach(entry.dialog);
  return entry.reachable;
}

export function reach(dialog: Dialog): Set<string> {
  const start = dialog.start !== undefined && dialog.nodes.has(dialog.start) ? dialog.start : undefined;
  if (start === undefined) return new Set(dialog.nodes.keys());
  const reached = new Set<string>();
  const queue: string[] = [];
  const visit = (to: Target | string | undefined) => {
    const id = typeof to === 'object' ? resolveTarget(dialog, to) : to !== undefined && dialog.nodes.has(to) ? to : undefined;
    if (id !== undefined && !reached.has(id)) {
      reached.add(id);
      queue.push(id);
    }
  };
  const flowsWithWaiting = new Set<string>();
  let anyWaiting = false;
  visit(start);
  while (queue.length > 0) {
    const node = dialog.nodes.get(queue.pop()!)!;
    for (const move of node.moves) visit(move.to);
    if (!node.waits) continue;
    const flow = dialog.flows.get(node.flow);
    if (!anyWaiting) {
      anyWaiting = true;
      for (const move of dialog.on) visit(move.to);
    }
    if (!flowsWithWaiting.has(node.flow)) {
      flowsWithWaiting.add(node.flow);
      for (const move of flow?.on ?? []) visit(move.to);
    }
    if (node.fallback === undefined) visit(flow?.fallback ?? dialog.fallback);
  }
  return reached;
}
