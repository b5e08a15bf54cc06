/** Checks of the dialog tree: dead ends, waiting without a fallback, loops that never wait, asks without a prompt, branches. */
import { parseCondition } from '../conditions';
import type { FileModel, NodeInfo, Problem } from '../types';
import type { Bot } from '../workspace';
import { dialogOf, reachableNodes } from '../reachability';
import { implies, neverTrue, oneAlwaysHolds } from './conditionFacts';
import type { BooleanSlots } from './conditionFacts';
import type { BotContext, Report } from './context';

/** A node waits when it asks, offers quick replies (its own or its response's) or moves on intents. */
export function waits(context: BotContext, node: NodeInfo): boolean {
  if (node.waits) return true;
  if (!node.response) return false;
  for (const def of context.bot.lookup('response', node.response)) {
    if (context.workspace.get(def.uri)?.responses.get(node.response)?.hasQuickReplies) return true;
  }
  return false;
}

/**
 * What the dialog checks reported for a bot, and the files they read. An edit of a file that adds nothing to the
 * dialog (training examples, entities, slots) leaves it as it was, unless it changed which slots are boolean: its
 * problems are then given again, not computed (on the issue-3 bot the dialog checks took about a third of a second
 * after each edit of its training data).
 */
interface DialogReport {
  models: Map<string, FileModel>;
  /** The slots of type \`boolean\` the branches were judged with (sorted, one per line). */
  booleans: string;
  problems: [uri: string, problem: Problem][];
}

/** The bot's slots of type \`boolean\` (a branch on one is covered by \`== true\`, \`== false\` and \`is not set\`). */
function booleanSlots(models: FileModel[]): Set<string> {
  const found = new Set<string>();
  for (const model of models) for (const [id, slot] of model.slots) if (slot.type === 'boolean') found.add(id);
  return found;
}

const lastReports = new WeakMap<Bot, DialogReport>();

/**
 * Whether a file adds nothing to the dialog: no node, flow or response, and not the manifest. The dialog checks read
 * nothing else (and report nothing in such a file).
 */
function outsideDialog(model: FileModel): boolean {
  return model.nodes.size === 0 && model.flows.size === 0 && model.responses.size === 0 && !model.manifest;
}

/** Whether the bot's dialog is the one \`last\` was reported for: the same files, the changed ones outside the dialog. */
function sameDialog(last: DialogReport, models: FileModel[]): boolean {
  if (last.models.size !== models.length) return false;
  for (const model of models) {
    const before = last.models.get(model.uri);
    if (before === undefined || (before !== model && !(outsideDialog(before) && outsideDialog(model)))) return false;
  }
  return true;
}

export function* checkDialog(context: BotContext, report: Report): Generator<void, void, void> {
  const last = lastReports.get(context.bot);
  const models = new Map(context.models.map((m) => [m.uri, m]));
  const booleans = booleanSlots(context.models);
  const booleansKey = [...booleans].sort().join('\n');
  if (last && last.booleans === booleansKey && sameDialog(last, context.models)) {
    for (const [uri, problem] of last.problems) report.add(uri, problem);
    last.models = models;
    return;
  }
  const problems: DialogReport['problems'] = [];
  yield* dialogChecks(context, booleans, {
    add: (uri, problem) => {
      problems.push([uri, problem]);
      report.add(uri, problem);
    },
  });
  // Kept only once every check ran (a run the server drops half-way leaves the last one).
  lastReports.set(context.bot, { models, booleans: booleansKey, problems });
}

/** Where the dialog checks report (the report, and the list kept for the next run). */
type Sink = Pick<Report, 'add'>;

function* dialogChecks(context: BotContext, booleans: BooleanSlots, report: Sink): Generator<void, void, void> {
  const manifestFallback = context.manifest?.fallback;
  const flowFallback = new Map<string, string | undefined>();
  for (const model of context.models) for (const [id, flow] of model.flows) flowFallback.set(id, flow.fallback);
  for (const model of context.models) {
    yield;
    for (const [id, node] of model.nodes) {
      const nodeWaits = waits(context, node);
      const goesOn = node.moves.some((m) => m.auto);
      if (!nodeWaits && !goesOn && !node.end && !node.handoff) {
        report.add(model.uri, {
          code: 'dead-end',
          message: `\`${id}\` is a dead end: it does not wait for the user, go on (\`goto\`, \`flow\`, \`branch\`), end or hand off. The conversation would stop here.`,
          span: node.span,
        });
      }
      if (nodeWaits && !node.fallback && !flowFallback.get(node.flow) && !manifestFallback) {
        report.add(model.uri, {
          code: 'no-fallback',
          message: `\`${id}\` waits for the user but has no fallback in reach: add \`fallback\` to the node, its flow or the manifest, for when the bot does not understand.`,
          span: node.span,
          data: { kind: 'node', id },
        });
      }
      if (node.ask && !node.hasPrompt) {
        report.add(model.uri, {
          code: 'ask-without-prompt',
          message: `\`${id}\` asks for \`${node.ask}\` without a \`prompt\`: the user is not told what to answer.`,
          span: node.span,
        });
      }
      checkBranch(model, id, node, booleans, report, node.fallback ?? flowFallback.get(node.flow) ?? manifestFallback);
    }
  }
  // Each a few steps: on a bot of 20,000 nodes the two took 300 ms in one go after an edit, and an edit that came
  // meanwhile waited for them.
  yield;
  yield* checkLoops(context, report);
  yield;
  yield* checkReachable(context, report);
}

/** Nodes and flows that no conversation reaches from the entry point, the global intents or the fallbacks. */
function* checkReachable(context: BotContext, report: Sink): Generator<void, void, void> {
  if (!context.manifest?.start || !context.isDefined('node', context.manifest.start)) return; // nothing to start from
  // The dialog put together (the changed files read again), then the walk through it.
  dialogOf(context.workspace, context.bot);
  yield;
  const reachable = reachableNodes(context.workspace, context.bot);
  yield;
  // The flows with a node reached (a node's flow is that of its first definition): once, not once per node.
  const reachedFlows = new Set<string | undefined>();
  for (const defs of context.bot.ids('node').values()) if (reachable.has(defs[0].id)) reachedFlows.add(defs[0].flow);
  for (const model of context.models) {
    yield;
    for (const def of model.definitions) {
      if (def.kind === 'flow') {
        if (!reachedFlows.has(def.id)) report.add(model.uri, { code: 'unreachable-flow', message: `No conversation reaches the flow \`${def.id}\`: nothing leads to any of its nodes from the entry point, a global intent or a fallback.`, span: def.span, data: { kind: 'flow', id: def.id } });
      } else if (def.kind === 'node' && !reachable.has(def.id)) {
        if (reachedFlows.has(def.flow)) report.add(model.uri, { code: 'unreachable-node', message: `No conversation reaches \`${def.id}\`: no goto, intent, quick reply, branch or fallback leads here.`, span: def.span, data: { kind: 'node', id: def.id } });
      }
    }
  }
}

/** \`fallback\`: the fallback in reach of the node, which the quick fix of a missing else case offers to go to. */
function checkBranch(model: FileModel, id: string, node: NodeInfo, booleans: BooleanSlots, report: Sink, fallback: string | undefined): void {
  if (node.branch.length === 0) return;
  const elseIndex = node.branch.findIndex((b) => b.condition === undefined);
  const parsed = node.branch.map((item) => (item.condition === undefined ? undefined : parseCondition(item.condition).expr));
  const conditions = parsed.filter((e): e is NonNullable<typeof e> => e !== undefined);
  // No else, and the conditions may all be false (\`x is set\` then \`x is not set\` needs none).
  if (elseIndex === -1 && !node.moves.some((m) => m.via === 'next') && !(conditions.length === node.branch.length && oneAlwaysHolds(conditions, booleans))) {
    report.add(model.uri, {
      code: 'branch-no-else',
      message: `The branch of \`${id}\` has no else case: when no condition holds, the conversation stops here. Add a last item with only \`goto\`.`,
      span: node.branchSpan ?? node.span,
      data: fallback === undefined ? undefined : { kind: 'node', id: fallback },
    });
  }
  const seen = new Map<string, number>();
  node.branch.forEach((item, index) => {
    if (elseIndex !== -1 && index > elseIndex) {
      report.add(model.uri, { code: 'branch-never-true', message: 'This case comes after the else case, so it is never taken.', span: item.itemSpan });
      return;
    }
    if (item.condition === undefined || !item.conditionSpan) return;
    const normalized = item.condition.replace(/\s+/g, ' ').trim();
    const earlier = seen.get(normalized);
    if (earlier !== undefined) {
      report.add(model.uri, { code: 'branch-never-true', message: `This condition is the same as case ${earlier + 1}'s, so this case is never taken.`, span: item.conditionSpan });
      return;
    }
    seen.set(normalized, index);
    const expr = parsed[index];
    const reason = expr && neverTrue(expr, booleans);
    if (reason) {
      report.add(model.uri, { code: 'branch-never-true', message: `This condition can never be true: ${reason}.`, span: item.conditionSpan });
      return;
    }
    // An earlier case that holds whenever this one does is taken instead (\`age > 10\` before \`age > 20\`).
    const before = expr ? parsed.findIndex((other, i) => i < index && other !== undefined && implies(expr, other, booleans)) : -1;
    if (before !== -1) {
      report.add(model.uri, { code: 'branch-never-true', message: `Case ${before + 1} (\`${node.branch[before].condition!.trim()}\`) holds whenever this one does and comes first, so this case is never taken.`, span: item.conditionSpan });
    }
  });
}

/** Cycles of nodes that go on by themselves (goto, flow, branch) without ever waiting, ending or handing off. */
function* checkLoops(context: BotContext, report: Sink): Generator<void, void, void> {
  const nodes = context.nodes();
  const flowStart = new Map<string, string | undefined>();
  for (const model of context.models) for (const [id, flow] of model.flows) flowStart.set(id, flow.start);
  // The nodes by number, and where each goes by itself: the components are found on numbers (on the issue-3 bot's
  // 20,000 nodes, Tarjan's algorithm over maps of ids took 133 ms of the dialog checks' 478).
  const ids = [...nodes.keys()];
  const numberOf = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) numberOf.set(ids[i], i);
  const goesTo: (number[] | undefined)[] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const { node } = nodes.get(ids[i])!;
    if (node.end || node.handoff || !node.moves.some((m) => m.auto) || waits(context, node)) continue;
    const targets: number[] = [];
    for (const move of node.moves) {
      if (!move.auto) continue;
      const id = move.kind === 'flow' ? flowStart.get(move.id) : move.id;
      const to = id === undefined ? undefined : numberOf.get(id);
      if (to !== undefined) targets.push(to);
    }
    goesTo[i] = targets;
  }
  const next = (i: number): readonly number[] => goesTo[i] ?? NO_TARGETS;
  for (const component of yield* stronglyConnected(ids.length, next)) {
    const loops = component.length > 1 || next(component[0]).includes(component[0]);
    if (!loops) continue;
    const cycle = component.map((i) => ids[i]);
    const path = cycle.length > 6 ? [...cycle.slice(0, 6), '…'] : [...cycle, cycle[0]];
    for (const id of cycle) {
      const { node, model } = nodes.get(id)!;
      report.add(model.uri, {
        code: 'endless-loop',
        message: `\`${id}\` is in a loop that never waits for the user (${path.map((n) => `\`${n}\``).join(' → ')}): the bot could talk forever.`,
        span: node.span,
      });
    }
  }
}

const NO_TARGETS: readonly number[] = [];

/** Nodes visited between two pauses of \`stronglyConnected\`. */
const SCC_STEP = 4000;

/**
 * Tarjan's algorithm, iterative (big bots have deep chains), on the nodes \`0 … count - 1\`: the strongly connected
 * components, each in the order its nodes were first visited. It pauses every \`SCC_STEP\` nodes (the graph must not
 * change meanwhile: an analysis is dropped when its bot changes).
 */
export function* stronglyConnected(count: number, next: (node: number) => readonly number[]): Generator<void, number[][], void> {
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack = new Int32Array(count);
  let stackSize = 0;
  // The depth-first path: each node on it, and how many of its edges were followed.
  const path = new Int32Array(count);
  const followed = new Int32Array(count);
  const components: number[][] = [];
  let counter = 0;
  let pauseAt = SCC_STEP;
  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    path[0] = root;
    followed[0] = 0;
    index[root] = low[root] = counter++;
    stack[stackSize++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      if (counter >= pauseAt) {
        pauseAt = counter + SCC_STEP;
        yield;
      }
      const node = path[depth];
      const edges = next(node);
      if (followed[depth] < edges.length) {
        const to = edges[followed[depth]++];
        if (index[to] === -1) {
          index[to] = low[to] = counter++;
          stack[stackSize++] = to;
          onStack[to] = 1;
          path[++depth] = to;
          followed[depth] = 0;
        } else if (onStack[to] === 1 && index[to] < low[node]) low[node] = index[to];
        continue;
      }
      depth--;
      if (depth >= 0 && low[node] < low[path[depth]]) low[path[depth]] = low[node];
      if (low[node] === index[node]) {
        let from = stackSize;
        do from--;
        while (stack[from] !== node);
        const component = Array.from(stack.subarray(from, stackSize));
        for (const member of component) onStack[member] = 0;
        stackSize = from;
        components.push(component);
      }
    }
  }
  return components;
}
