/** Checks of the dialog tree: dead ends, waiting without a fallback, loops that never wait, asks without a prompt, branches. */
import { parseCondition } from '../conditions';
import type { FileModel, NodeInfo, Problem } from '../types';
import type { Bot } from '../workspace';
import { dialogOf, reachableNodes } from '../reachability';
import { neverTrue } from './conditionFacts';
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
 * dialog (training examples, entities, slots) leaves it as it was: its problems are then given again, not computed
 * (on the issue-3 bot the dialog checks took about a third of a second after each edit of its training data).
 */
interface DialogReport {
  models: Map<string, FileModel>;
  problems: [uri: string, problem: Problem][];
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
  if (last && sameDialog(last, context.models)) {
    for (const [uri, problem] of last.problems) report.add(uri, problem);
    last.models = models;
    return;
  }
  const problems: DialogReport['problems'] = [];
  yield* dialogChecks(context, {
    add: (uri, problem) => {
      problems.push([uri, problem]);
      report.add(uri, problem);
    },
  });
  // Kept only once every check ran (a run the server drops half-way leaves the last one).
  lastReports.set(context.bot, { models, problems });
}

/** Where the dialog checks report (the report, and the list kept for the next run). */
type Sink = Pick<Report, 'add'>;

function* dialogChecks(context: BotContext, report: Sink): Generator<void, void, void> {
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
        });
      }
      if (node.ask && !node.hasPrompt) {
        report.add(model.uri, {
          code: 'ask-without-prompt',
          message: `\`${id}\` asks for \`${node.ask}\` without a \`prompt\`: the user is not told what to answer.`,
          span: node.span,
        });
      }
      checkBranch(context, model, id, node, report);
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
        if (!reachedFlows.has(def.id)) report.add(model.uri, { code: 'unreachable-flow', message: `No conversation reaches the flow \`${def.id}\`: nothing leads to any of its nodes from the entry point, a global intent or a fallback.`, span: def.span });
      } else if (def.kind === 'node' && !reachable.has(def.id)) {
        if (reachedFlows.has(def.flow)) report.add(model.uri, { code: 'unreachable-node', message: `No conversation reaches \`${def.id}\`: no goto, intent, quick reply, branch or fallback leads here.`, span: def.span });
      }
    }
  }
}

function checkBranch(context: BotContext, model: FileModel, id: string, node: NodeInfo, report: Sink): void {
  if (node.branch.length === 0) return;
  const elseIndex = node.branch.findIndex((b) => b.condition === undefined);
  if (elseIndex === -1 && !node.moves.some((m) => m.via === 'next')) {
    report.add(model.uri, {
      code: 'branch-no-else',
      message: `The branch of \`${id}\` has no else case: when no condition holds, the conversation stops here. Add a last item with only \`goto\`.`,
      span: node.branchSpan ?? node.span,
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
    const parsed = parseCondition(item.condition);
    const reason = parsed.expr && neverTrue(parsed.expr);
    if (reason) report.add(model.uri, { code: 'branch-never-true', message: `This condition can never be true: ${reason}.`, span: item.conditionSpan });
  });
}

/** Cycles of nodes that go on by themselves (goto, flow, branch) without ever waiting, ending or handing off. */
function* checkLoops(context: BotContext, report: Sink): Generator<void, void, void> {
  const nodes = context.nodes();
  const flowStart = new Map<string, string | undefined>();
  for (const model of context.models) for (const [id, flow] of model.flows) flowStart.set(id, flow.start);
  const next = (id: string): string[] => {
    const entry = nodes.get(id);
    if (!entry || waits(context, entry.node) || entry.node.end || entry.node.handoff) return [];
    return entry.node.moves.filter((m) => m.auto).map((m) => (m.kind === 'flow' ? flowStart.get(m.id) : m.id)).filter((t): t is string => !!t && nodes.has(t));
  };
  for (const cycle of yield* stronglyConnected([...nodes.keys()], next)) {
    const loops = cycle.length > 1 || next(cycle[0]).includes(cycle[0]);
    if (!loops) continue;
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

/** Nodes visited between two pauses of \`stronglyConnected\`. */
const SCC_STEP = 4000;

/**
 * Tarjan's algorithm, iterative (big bots have deep chains): the strongly connected components. It pauses every
 * \`SCC_STEP\` nodes (the graph must not change meanwhile: an analysis is dropped when its bot changes).
 */
export function* stronglyConnected(ids: string[], next: (id: string) => string[]): Generator<void, string[][], void> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  let pauseAt = SCC_STEP;
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { id: string; edges: string[]; i: number }[] = [{ id: root, edges: next(root), i: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      if (counter >= pauseAt) {
        pauseAt = counter + SCC_STEP;
        yield;
      }
      const frame = work[work.length - 1];
      if (frame.i < frame.edges.length) {
        const to = frame.edges[frame.i++];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ id: to, edges: next(to), i: 0 });
        } else if (onStack.has(to)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        components.push(component.reverse());
      }
    }
  }
  return components;
}
