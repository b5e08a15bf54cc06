/**
 * A conversation with a bot: the state (where it waits, slots, language, history) and what happens at each node, in
 * the order of docs/format.md ("What happens at a node, in order"): set, speak, hand off or end, ask, wait for a choice,
 * go on. docs/engine.md describes the decisions this file makes where the format leaves room.
 *
 * Robust to broken bots: a missing node, flow, response or slot, a broken condition, a loop of nodes that never waits,
 * a pattern that backtracks forever, each gives a notice in the turn (in plain words) and the conversation goes on or
 * waits. Nothing here throws on bot content.
 */
import { evaluateCondition } from './evaluate';
import { EntityRecognizer } from './entities';
import type { EntityMatch } from './entities';
import { readValue } from './builtins';
import type { IntentScore, Matcher } from './matcher';
import { fillPlaceholders, pickVariant, variantsOf } from './messages';
import type { BotProgram, MessageSpec, NodeSpec, QuickReplySpec, Target, Value } from './program';
import { nextState, randomAt } from './random';
import { words } from './text';

/** Nodes visited in one turn before the engine decides the bot loops without waiting for the user. */
export const MAX_STEPS = 100;

export interface ConversationOptions {
  /** One of the bot's locales; default: the bot's default locale. */
  locale?: string;
  /** Seed of the variant rotation. The same seed and inputs give the same conversation. Default 1. */
  seed?: number;
  /** Start here instead of the bot's `start`. */
  startNode?: string;
  /** A channel of the manifest: on a `voice` channel, `Conversation.voice` is true. */
  channel?: string;
  /** Today, for dates like "tomorrow". Default: the day the conversation starts. */
  today?: Date;
}

export type UserInput = string | { text: string } | { intent: string } | { quickReply: number };

export interface BotMessage {
  text: string;
  /** What a voice channel says instead of `text`, when the bot gives a voice form. */
  voice?: string;
  /** The node that said it. */
  node: string;
  /** Buttons shown under this message. */
  quickReplies?: string[];
}

export interface Turn {
  /** What the user did; undefined for the opening turn. */
  user?: { text?: string; intent?: string; quickReply?: number; label?: string };
  messages: BotMessage[];
  /** The buttons the user can tap now (what `{ quickReply: i }` refers to). */
  quickReplies: string[];
  /** The node where the conversation waits now (undefined when it is over). */
  node?: string;
  /** The slot the bot is asking for, when it waits for an answer. */
  asking?: string;
  /** The nodes visited in this turn, in order. */
  path: string[];
  matched?: { intent?: string; confidence: number; candidates: IntentScore[]; by: 'text' | 'button' | 'intent' };
  entities: EntityMatch[];
  /** Every slot that is set, after the turn. */
  slots: Record<string, Value>;
  /** The slots set (or emptied: null) during the turn. */
  changed: Record<string, Value | null>;
  /** Why the bot went to a fallback in this turn. */
  fallback?: string;
  /** What the engine did, step by step, in plain words (for `--explain` and the simulator). */
  trace: string[];
  /** Problems of the bot met during the turn: missing nodes, broken conditions, missing translations... */
  notices: string[];
  ended: boolean;
  handedOff?: { queue?: string };
}

interface State {
  at?: string;
  phase: 'ask' | 'choice' | 'over';
  /** Failed answers to the current question. */
  tries: number;
  slots: Map<string, Value>;
  rotation: Map<string, { start: number; said: number }>;
  random: number;
  handedOff?: { queue?: string };
}

function copyState(s: State): State {
  return { ...s, slots: new Map(s.slots), rotation: new Map([...s.rotation].map(([k, v]) => [k, { ...v }])) };
}

const describeTarget = (t: Target) => ('node' in t ? `node ${t.node}` : `flow ${t.flow}`);

export class Conversation {
  readonly history: Turn[] = [];
  readonly locale: string;
  readonly voice: boolean;
  private state!: State;
  private snapshots: State[] = [];
  private turn!: Turn;
  private steps = 0;
  private readonly recognizer: EntityRecognizer;
  private readonly today: Date;

  constructor(
    readonly program: BotProgram,
    private readonly matcher: Matcher,
    private readonly options: ConversationOptions = {},
  ) {
    this.locale = options.locale && program.locales.includes(options.locale) ? options.locale : program.defaultLocale;
    this.voice = options.channel !== undefined && program.channels.get(options.channel)?.type === 'voice';
    this.recognizer = new EntityRecognizer(program);
    this.today = options.today ?? new Date();
    this.begin();
  }

  /** The first turn: what the bot said before the user said anything. */
  get opening(): Turn {
    return this.history[0];
  }

  get ended(): boolean {
    return this.state.phase === 'over';
  }

  get slots(): Record<string, Value> {
    return Object.fromEntries(this.state.slots);
  }

  /** The user says something, taps a button (`{ quickReply: index }`) or is taken as saying an intent. */
  send(input: UserInput): Turn {
    const given = typeof input === 'string' ? { text: input } : input;
    this.snapshots.push(copyState(this.state));
    this.turn = this.newTurn();
    if ('quickReply' in given) {
      const replies = this.activeReplies();
      const reply = replies[given.quickReply];
      this.turn.user = { quickReply: given.quickReply, label: reply ? this.label(reply) : undefined };
      if (this.state.phase === 'over') this.notice('The conversation is over: restart it to talk again.');
      else if (!reply) this.notice(`There is no button ${given.quickReply + 1} here (${replies.length} button${replies.length === 1 ? '' : 's'}).`);
      else this.tap(reply);
    } else if ('intent' in given) {
      this.turn.user = { intent: given.intent };
      if (this.state.phase === 'over') this.notice('The conversation is over: restart it to talk again.');
      else {
        this.turn.matched = { intent: given.intent, confidence: 1, candidates: [], by: 'intent' };
        this.onIntent(given.intent);
      }
    } else {
      this.turn.user = { text: given.text };
      if (this.state.phase === 'over') this.notice('The conversation is over: restart it to talk again.');
      else this.onText(given.text);
    }
    return this.finish();
  }

  /** Takes back the last user turn. Returns the turn that is now the last one, or undefined if there was nothing to undo. */
  undo(): Turn | undefined {
    const previous = this.snapshots.pop();
    if (!previous) return undefined;
    this.state = previous;
    this.history.pop();
    return this.history[this.history.length - 1];
  }

  /** Starts again from the beginning, with the same seed: the same inputs give the same conversation. */
  restart(): Turn {
    this.history.length = 0;
    this.snapshots = [];
    this.begin();
    return this.opening;
  }

  // ---- Turns ------------------------------------------------------------------------------------------------------

  private begin(): void {
    this.state = { phase: 'choice', tries: 0, slots: new Map(), rotation: new Map(), random: (this.options.seed ?? 1) >>> 0 };
    this.turn = this.newTurn();
    for (const problem of this.program.problems) this.notice(problem);
    if (this.options.locale && this.options.locale !== this.locale) {
      this.notice(`The bot does not speak ${this.options.locale} (its languages: ${this.program.locales.join(', ')}); using ${this.locale}.`);
    }
    const start = this.options.startNode ?? this.program.start;
    if (start === undefined) {
      this.notice('The bot has no start node: set `start` in the manifest.');
      this.state.phase = 'over';
    } else this.goTo({ node: start }, 'start');
    this.finish();
  }

  private newTurn(): Turn {
    this.steps = 0;
    return { messages: [], quickReplies: [], path: [], entities: [], slots: {}, changed: {}, trace: [], notices: [], ended: false };
  }

  private finish(): Turn {
    const turn = this.turn;
    const node = this.state.at;
    turn.node = this.state.phase === 'over' ? undefined : node;
    turn.asking = this.state.phase === 'ask' && node ? this.program.nodes.get(node)?.ask : undefined;
    turn.quickReplies = this.activeReplies().map((r) => this.label(r));
    turn.slots = Object.fromEntries(this.state.slots);
    turn.ended = this.state.phase === 'over';
    turn.handedOff = this.state.handedOff;
    this.history.push(turn);
    return turn;
  }

  private notice(text: string): void {
    if (!this.turn.notices.includes(text)) this.turn.notices.push(text);
  }

  private trace(text: string): void {
    this.turn.trace.push(text);
  }

  // ---- What the user says -----------------------------------------------------------------------------------------

  private onText(text: string): void {
    const node = this.currentNode();
    const asked = this.state.phase === 'ask' ? node?.ask : undefined;
    const before = asked !== undefined ? this.state.slots.get(asked) : undefined;
    this.fillEntitySlots(text);
    if (this.state.phase === 'ask' && node) {
      this.answer(node, text, before);
      return;
    }
    const said = words(text).join(' ');
    const label = said ? this.activeReplies().find((r) => words(this.label(r)).join(' ') === said) : undefined;
    if (label) {
      this.trace(`"${text}" is the label of a button.`);
      this.tap(label);
      return;
    }
    const candidates = this.rankIntents(text);
    const top = candidates[0];
    const understood = top !== undefined && top.confidence >= this.program.threshold;
    this.turn.matched = { intent: understood ? top.intent : undefined, confidence: top?.confidence ?? 0, candidates, by: 'text' };
    if (!understood) {
      this.fallback(
        node,
        top
          ? `not understood: the best intent, ${top.intent}, has a confidence of ${top.confidence.toFixed(2)}, below the threshold ${this.program.threshold}`
          : 'not understood: no intent matches at all',
      );
      return;
    }
    this.trace(`Intent ${top.intent} (confidence ${top.confidence.toFixed(2)}).`);
    this.onIntent(top.intent);
  }

  /** The intents for what the user said, with the entities found in it as evidence. */
  private rankIntents(text: string): IntentScore[] {
    return this.matcher.rank(
      text,
      this.locale,
      5,
      this.turn.entities.map((e) => e.entity),
    );
  }

  /** A slot with `entity:` is filled whenever the user mentions that entity (its first mention in the message). */
  private fillEntitySlots(text: string): void {
    const { matches, notices } = this.recognizer.recognize(text, this.locale);
    this.turn.entities = matches;
    for (const n of notices) this.notice(n);
    for (const slot of this.program.slots.values()) {
      const match = slot.entity !== undefined ? matches.find((m) => m.entity === slot.entity) : undefined;
      if (match) this.setSlot(slot.id, match.value, `the user mentioned "${match.text}"`);
    }
  }

  private onIntent(intent: string): void {
    const node = this.currentNode();
    const target = this.moveFor(intent, node);
    if (target) this.goTo(target, `intent ${intent}`);
    else this.fallback(node, `the intent ${intent} has no \`on\` here (node, flow or global)`);
  }

  private tap(reply: QuickReplySpec): void {
    const label = this.label(reply);
    this.trace(`Button "${label}".`);
    if (reply.intent !== undefined) {
      this.turn.matched = { intent: reply.intent, confidence: 1, candidates: [], by: 'button' };
      this.onIntent(reply.intent);
    } else if (reply.target) this.goTo(reply.target, `button "${label}"`);
    else this.notice(`The button "${label}" has no \`intent\`, \`goto\` or \`flow\`.`);
  }

  /** The answer to the question of an `ask` node. */
  private answer(node: NodeSpec, text: string, before: Value | undefined): void {
    const slotId = node.ask!;
    const slot = this.program.slots.get(slotId);
    let read: { value: Value; text: string } | undefined;
    if (!slot) {
      this.notice(`Node ${node.id} asks for the slot ${slotId}, which is not defined; the answer is kept as text.`);
      read = text.trim() ? { value: text.trim(), text: text.trim() } : undefined;
    } else if (slot.entity !== undefined) {
      const match = this.turn.entities.find((m) => m.entity === slot.entity);
      read = match && { value: match.value, text: match.text };
    } else read = readValue(slot.type ?? 'text', text, this.locale, this.today);
    if (read) {
      this.setSlot(slotId, read.value, `answer to ${node.id}, read from "${read.text}"`);
      if (this.validates(node)) {
        this.state.tries = 0;
        this.afterAsk(node);
        return;
      }
      this.setSlot(slotId, before ?? null, 'the answer did not pass `validate`');
    } else {
      // Not an answer: maybe the user changed the subject ("actually, I want to talk to a person").
      const candidates = this.rankIntents(text);
      const top = candidates[0];
      const target = top && top.confidence >= this.program.threshold ? this.moveFor(top.intent, node) : undefined;
      this.turn.matched = { intent: target ? top.intent : undefined, confidence: top?.confidence ?? 0, candidates, by: 'text' };
      if (target) {
        this.trace(`No ${slotId} in the answer, but intent ${top.intent} (confidence ${top.confidence.toFixed(2)}) is handled here: the question is left.`);
        this.state.tries = 0;
        this.goTo(target, `intent ${top.intent}`);
        return;
      }
      this.trace(`No ${slotId} found in the answer.`);
    }
    this.failedAnswer(node);
  }

  private validates(node: NodeSpec): boolean {
    if (node.validate === undefined) return true;
    const result = evaluateCondition(node.validate, (id) => this.state.slots.get(id));
    if ('error' in result) {
      this.notice(`The \`validate\` of node ${node.id} has an error (${result.error}); the answer is accepted.`);
      return true;
    }
    this.trace(`validate \`${node.validate}\`: ${result.value ? 'met' : 'not met'}.`);
    return result.value;
  }

  private failedAnswer(node: NodeSpec): void {
    this.state.tries++;
    if (this.state.tries <= node.retries) {
      this.trace(`Asking again (${this.state.tries} of ${node.retries} retries).`);
      this.say(node.retry ?? node.prompt, undefined, node);
      return;
    }
    const tries = this.state.tries;
    this.state.tries = 0;
    this.fallback(node, `no valid ${node.ask} after ${tries} ${tries === 1 ? 'try' : 'tries'}`);
  }

  /** The `on` for an intent at a node: the node's, else its flow's, else the global one. */
  private moveFor(intent: string, node: NodeSpec | undefined): Target | undefined {
    const levels: [string, Map<string, Target> | undefined][] = [
      [`node ${node?.id}`, node?.on],
      [`flow ${node?.flow}`, node ? this.program.flows.get(node.flow)?.on : undefined],
      ['the manifest (global)', this.program.on],
    ];
    for (const [where, moves] of levels) {
      const target = moves?.get(intent);
      if (target) {
        this.trace(`\`on: ${intent}\` of ${where} → ${describeTarget(target)}.`);
        return target;
      }
    }
    return undefined;
  }

  /** Not understood: the node's fallback, else its flow's, else the global one. */
  private fallback(node: NodeSpec | undefined, reason: string): void {
    this.turn.fallback = reason;
    this.trace(`Fallback: ${reason}.`);
    const target = node?.fallback ?? (node ? this.program.flows.get(node.flow)?.fallback : undefined) ?? this.program.fallback;
    if (target !== undefined) {
      this.goTo({ node: target }, 'fallback');
      return;
    }
    this.notice(
      `Not understood, and there is no fallback in reach${node ? ` of node ${node.id}` : ''}: set \`fallback\` in the manifest. The bot keeps waiting.`,
    );
    if (this.state.phase === 'ask' && node) this.say(node.prompt, undefined, node);
  }

  // ---- Nodes ------------------------------------------------------------------------------------------------------

  private currentNode(): NodeSpec | undefined {
    return this.state.at === undefined ? undefined : this.program.nodes.get(this.state.at);
  }

  private startOf(target: Target): string | undefined {
    if ('node' in target) return target.node;
    const flow = this.program.flows.get(target.flow);
    if (!flow) this.notice(`The flow ${target.flow} does not exist.`);
    else if (flow.start === undefined) this.notice(`The flow ${target.flow} has no nodes.`);
    return flow?.start;
  }

  /** Runs nodes from `target` until one waits for the user, ends or hands off. */
  private goTo(target: Target, why: string): void {
    this.state.tries = 0;
    let id = this.startOf(target);
    if (id !== undefined) this.trace(`→ ${describeTarget(target)} (${why}).`);
    while (id !== undefined) {
      const node = this.program.nodes.get(id);
      if (!node) {
        this.notice(`The node ${id} does not exist.`);
        this.stayAfterMissingTarget();
        return;
      }
      if (++this.steps > MAX_STEPS) {
        const loop = this.turn.path.slice(-6).join(' → ');
        this.notice(`The bot went through ${MAX_STEPS} nodes without waiting for the user (… ${loop}): a loop. Stopped at ${node.id}.`);
        this.wait(node, 'choice');
        return;
      }
      const next = this.runNode(node);
      if (next === undefined) return;
      id = this.startOf(next);
      if (id === undefined) this.stayAfterMissingTarget();
    }
  }

  /** A move led nowhere: wait at the last node reached in this turn (if any), else where the conversation was. */
  private stayAfterMissingTarget(): void {
    const last = this.turn.path[this.turn.path.length - 1];
    const node = last !== undefined ? this.program.nodes.get(last) : undefined;
    if (node) this.wait(node, 'choice');
  }

  /** Steps 1 to 6 of a node. Returns where to go next, or undefined when the conversation waits, ends or is handed off. */
  private runNode(node: NodeSpec): Target | undefined {
    this.turn.path.push(node.id);
    for (const [slot, value] of node.set) {
      const filled =
        typeof value === 'string' ? fillPlaceholders(value, (id) => this.state.slots.get(id), `node ${node.id} set ${slot}`, this.turn.notices) : value;
      this.setSlot(slot, filled, `set by node ${node.id}`);
    }
    if (node.response !== undefined) {
      const response = this.program.responses.get(node.response);
      if (!response) this.notice(`Node ${node.id} says the response ${node.response}, which does not exist.`);
      else this.say(response.text, response.voice, node);
    }
    if (node.say || node.voice) this.say(node.say, node.voice, node);
    if (node.handoff) {
      if (node.handoff.message) this.say(node.handoff.message, undefined, node);
      this.state.phase = 'over';
      this.state.at = node.id;
      this.state.handedOff = { queue: node.handoff.queue };
      this.trace(`Handed over to a human${node.handoff.queue ? ` (queue ${node.handoff.queue})` : ''}.`);
      return undefined;
    }
    if (node.end) {
      this.state.phase = 'over';
      this.state.at = node.id;
      this.trace('The conversation ends.');
      return undefined;
    }
    if (node.ask !== undefined) {
      this.say(node.prompt, undefined, node);
      this.wait(node, 'ask');
      this.trace(`Asking for ${node.ask}.`);
      return undefined;
    }
    return this.resumeNode(node);
  }

  /** Steps 5 and 6: wait for a choice, or go on. */
  private resumeNode(node: NodeSpec): Target | undefined {
    if (this.waitsForChoice(node)) {
      this.wait(node, 'choice');
      return undefined;
    }
    return this.nextOf(node);
  }

  private afterAsk(node: NodeSpec): void {
    if (this.waitsForChoice(node)) {
      this.wait(node, 'choice');
      return;
    }
    const next = this.nextOf(node);
    if (next) this.goTo(next, `after ${node.ask}`);
  }

  private waitsForChoice(node: NodeSpec): boolean {
    return node.quickReplies.length > 0 || node.on.size > 0;
  }

  private nextOf(node: NodeSpec): Target | undefined {
    if (node.branch) {
      for (const [i, item] of node.branch.entries()) {
        let taken = item.if === undefined;
        if (item.if !== undefined) {
          const result = evaluateCondition(item.if, (id) => this.state.slots.get(id));
          if ('error' in result) this.notice(`Case ${i + 1} of the branch of node ${node.id} has an error (${result.error}); it is skipped.`);
          else taken = result.value;
        }
        if (!taken) continue;
        this.trace(`Branch of ${node.id}: ${item.if === undefined ? 'else' : `\`${item.if}\``} → ${item.target ? describeTarget(item.target) : 'nowhere'}.`);
        if (item.target) return item.target;
        this.notice(`Case ${i + 1} of the branch of node ${node.id} has no \`goto\` or \`flow\`.`);
        break;
      }
      if (!node.next) {
        this.notice(`No case of the branch of node ${node.id} applies, and it has no else case: the bot waits here.`);
        this.wait(node, 'choice');
        return undefined;
      }
    }
    if (node.next) return node.next;
    this.notice(
      `Node ${node.id} is a dead end: it does not wait for the user and says nowhere to go (\`goto\`, \`flow\`, \`branch\`, \`end\` or \`handoff\`). The bot waits here.`,
    );
    this.wait(node, 'choice');
    return undefined;
  }

  private wait(node: NodeSpec, phase: 'ask' | 'choice'): void {
    this.state.at = node.id;
    this.state.phase = phase;
    if (phase !== 'choice') return;
    const labels = this.activeReplies().map((r) => this.label(r));
    const last = this.turn.messages[this.turn.messages.length - 1];
    if (labels.length > 0 && last && last.node === node.id) last.quickReplies = labels;
  }

  // ---- Messages, buttons and slots --------------------------------------------------------------------------------

  /** The buttons the user can tap now: the response's, then the node's, when the node waits for a choice. */
  private activeReplies(): QuickReplySpec[] {
    const node = this.currentNode();
    if (!node || this.state.phase !== 'choice') return [];
    const response = node.response !== undefined ? this.program.responses.get(node.response) : undefined;
    return [...(response?.quickReplies ?? []), ...node.quickReplies];
  }

  /** A button's label: its first variant in the conversation's language. */
  private label(reply: QuickReplySpec): string {
    const variants =
      reply.label.variants.get(this.locale) ?? reply.label.variants.get(this.program.defaultLocale) ?? [...reply.label.variants.values()][0] ?? [];
    return variants[0] ?? '';
  }

  private say(text: MessageSpec | undefined, voice: MessageSpec | undefined, node: NodeSpec): void {
    if (!text && !voice) return;
    const notices = this.turn.notices;
    const slot = (id: string) => this.state.slots.get(id);
    const rotation = { turns: this.state.rotation, draw: () => randomAt((this.state.random = nextState(this.state.random))) };
    let index = 0;
    let said: string | undefined;
    if (text) {
      const variants = variantsOf(text, this.locale, this.program.defaultLocale, notices);
      index = pickVariant(text.where, variants.length, rotation);
      said = fillPlaceholders(variants[index] ?? '', slot, text.where, notices);
    }
    let spoken: string | undefined;
    if (voice) {
      const variants = variantsOf(voice, this.locale, this.program.defaultLocale, notices);
      const v = text ? index % Math.max(variants.length, 1) : pickVariant(voice.where, variants.length, rotation);
      spoken = fillPlaceholders(variants[v] ?? '', slot, voice.where, notices);
    }
    const plain =
      said ??
      spoken!
        .replace(/<[^>]*>/g, '')
        .replace(/\s+/g, ' ')
        .trim();
    this.turn.messages.push(spoken !== undefined ? { text: plain, voice: spoken, node: node.id } : { text: plain, node: node.id });
  }

  private setSlot(id: string, value: Value | null, why: string): void {
    if (!this.program.slots.has(id)) this.notice(`The slot ${id} is not defined (it is set anyway).`);
    const old = this.state.slots.get(id);
    if (value === null) this.state.slots.delete(id);
    else this.state.slots.set(id, value);
    if (old === (value ?? undefined)) return;
    Object.defineProperty(this.turn.changed, id, { value, enumerable: true, configurable: true, writable: true });
    this.trace(value === null ? `${id} emptied (${why}).` : `${id} = ${JSON.stringify(value)} (${why}).`);
  }
}

export function startConversation(program: BotProgram, matcher: Matcher, options: ConversationOptions = {}): Conversation {
  return new Conversation(program, matcher, options);
}
