/**
 * The simulator's sessions: conversations with the bots of the language service's workspace, by id. Pure (no LSP, no
 * I/O): server/src/simulator/register.ts exposes it as custom LSP requests, and tests drive it directly.
 *
 * A bot is compiled once per version of its files and its intent matcher trained once per version of its training
 * examples: turns reuse both while the bot does not change, and an edit that leaves the examples as they were (a message,
 * a branch) recompiles without training. A change the engine would not see (a comment, a description) is no reload.
 *
 * When the bot changed since a session's last answer, the session moves to the new version before it answers: it says
 * the user's inputs so far again on the new bot (same seed, same "today"), so the conversation is where the new bot
 * would be after them — same node and slots when the edit did not touch the way taken — and the new wording is used
 * from then on. The answer says `reloaded`, and where the replay took another way (`diverged`). docs/simulator.md says
 * why this and not "keep the node and the slots".
 *
 * Training a big bot takes a while (a second or more for thousands of examples). The requests themselves are
 * synchronous and would train at once; the language server first awaits `prepare`, which trains the matcher the
 * request will need in slices of about 15 ms, so that it answers other requests (completion, hover) in between.
 */
import { compileBot, startConversation, trainMatcher, trainMatcherInSteps } from '../engine';
import type { BotProgram, Conversation, ConversationOptions, Matcher, Turn, UserInput } from '../engine';
import { ORPHANS } from '../service/workspace';
import type { Bot, Workspace } from '../service/workspace';
import type {
  SimulatorBot,
  SimulatorErrorKind,
  SimulatorInput,
  SimulatorLocation,
  SimulatorOptions,
  SimulatorReload,
  SimulatorRestartParams,
  SimulatorSendParams,
  SimulatorSessionParams,
  SimulatorStartParams,
  SimulatorState,
  SimulatorTurn,
  SimulatorTurnResult,
  SimulatorUndoResult,
} from './protocol';

/** Sessions kept at most; starting one more forgets the one used least recently. */
export const MAX_SESSIONS = 32;

/** A request the simulator cannot answer, in plain words; `kind` tells a client what to do about it. */
export class SimulatorError extends Error {
  override name = 'SimulatorError';
  constructor(
    readonly kind: SimulatorErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Turns of the event loop between two slices of training. Answering an LSP request takes a few turns (the message is
 * read, then handled, then its answer written, each in a later turn): with one turn per pause, a completion waited
 * about four slices; with four, it waits about one.
 */
const TURNS_PER_PAUSE = 4;

/** Resolves after `count` turns of the event loop. */
function turns(count: number): () => Promise<void> {
  return async () => {
    for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
}

/** How the simulator trains in slices: how long a slice works, and how it lets other work run in between. */
export interface SliceOptions {
  /** Milliseconds of training per slice. Default 15. */
  sliceMs?: number;
  /** Resolves when other work has had its turn. Default: a few turns of the event loop (TURNS_PER_PAUSE). */
  pause?: () => Promise<void>;
}

/** A bot's program at one version, before any training. */
interface Program {
  bot: Bot;
  version: number;
  program: BotProgram;
  /** Everything the engine reads from the program, as text: equal keys run the same conversations. */
  programKey: string;
  /** The training examples (and the default language), as text: equal keys train the same matcher. */
  examplesKey: string;
  compileMs: number;
}

/** A bot's latest matcher, and whether a compiled version already took it (the first one to take it trained it). */
interface TrainedMatcher {
  examplesKey: string;
  matcher: Matcher;
  taken: boolean;
}

/** A bot compiled at one version, with its matcher. A new object whenever what the engine runs changed. */
interface Compiled {
  bot: Bot;
  version: number;
  program: BotProgram;
  /** Everything the engine reads from the program, as text: equal keys run the same conversations. */
  programKey: string;
  matcher: Matcher;
  /** The training examples (and the default language), as text: equal keys train the same matcher. */
  examplesKey: string;
  /** This entry trained its matcher (false: it reuses the previous version's). */
  trained: boolean;
  compileMs: number;
}

interface Session {
  id: string;
  /** The file the session was started from, and its bot's folder (to find the bot again if that file goes). */
  uri: string;
  root: string;
  options: ConversationOptions & { seed: number; today: Date };
  compiled: Compiled;
  /** The bot version of the session's last answer (an edit that changes nothing the engine reads moves it too). */
  version: number;
  conversation: Conversation;
  /** What the user did, in order: the conversation is these inputs said to the bot. */
  inputs: UserInput[];
  used: number;
}

function mapsAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Map ? [...value] : value;
}

function dateText(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function parseDate(text: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new SimulatorError('bad-params', `\`today\` must be a date like 2025-03-04, not "${text}".`);
  return new Date(+m[1], +m[2] - 1, +m[3]);
}

function checkInput(input: unknown): UserInput {
  const given = input as Record<string, unknown> | undefined;
  if (given && typeof given.text === 'string') return { text: given.text };
  if (given && typeof given.quickReply === 'number' && Number.isInteger(given.quickReply) && given.quickReply >= 0) return { quickReply: given.quickReply };
  if (given && typeof given.intent === 'string' && given.intent !== '') return { intent: given.intent };
  throw new SimulatorError('bad-params', 'The input must be `{ text }`, `{ quickReply: index }` (from 0) or `{ intent }`.');
}

export class Simulator {
  /** How many times a bot was compiled and a matcher trained (at once or in slices): for tests and the docs' figures. */
  readonly stats = { compiles: 0, trainings: 0 };
  /** Of those trainings: how many ran in slices (`prepare`), in how many slices in all, how many gave way to newer examples. */
  readonly sliced = { trainings: 0, slices: 0, dropped: 0 };
  private readonly sessions = new Map<string, Session>();
  /** The latest compiled version of each bot, by its folder. */
  private readonly compiled = new Map<string, Compiled>();
  /** The latest program of each bot (compiled for `prepare` or for a request), by its folder. */
  private readonly programs = new Map<string, Program>();
  /** The latest matcher of each bot, by its folder. */
  private readonly matchers = new Map<string, TrainedMatcher>();
  /** The latest training in slices of each bot, by its folder (an older one still under way stops at its next slice). */
  private readonly training = new Map<string, { examplesKey: string; done: Promise<void> }>();
  private nextId = 1;
  private clock = 0;
  private readonly sliceMs: number;
  private readonly pause: () => Promise<void>;

  constructor(
    private readonly workspace: Workspace,
    /** False while the server still reads the workspace: a bot read in part would talk nonsense. */
    private readonly ready: () => boolean = () => true,
    slices: SliceOptions = {},
  ) {
    this.sliceMs = slices.sliceMs ?? 15;
    this.pause = slices.pause ?? turns(TURNS_PER_PAUSE);
  }

  /**
   * Trains, in slices, the matcher that the request with these parameters will need (`uri` for a start, `session`
   * for the others), if it is not trained yet; other work runs between slices. The request that follows finds it and
   * does not train. Never fails: a request that cannot be answered says so itself.
   */
  async prepare(params: { uri?: unknown; session?: unknown } | undefined): Promise<void> {
    // An edit of the examples during a training needs another one; after a few, the request trains at once.
    for (let round = 0; round < 4; round++) {
      let bot: Bot | undefined;
      try {
        bot = this.requestBot(params);
      } catch {
        return;
      }
      if (!bot) return;
      const { program, examplesKey } = this.programOf(bot);
      if (this.matchers.get(bot.root)?.examplesKey === examplesKey) return;
      let under = this.training.get(bot.root);
      if (!under || under.examplesKey !== examplesKey) {
        const latest: { examplesKey: string; done: Promise<void> } = { examplesKey, done: Promise.resolve() };
        this.training.set(bot.root, latest);
        latest.done = this.trainInSlices(bot.root, latest, program);
        under = latest;
      }
      try {
        await under.done;
      } catch {
        return; // the request trains at once, and reports what failed
      }
    }
  }

  // ---- Requests ---------------------------------------------------------------------------------------------------

  start(params: SimulatorStartParams): SimulatorState {
    if (!params || typeof params.uri !== 'string') throw new SimulatorError('bad-params', 'Give the uri of a dialog file of the bot.');
    if (!this.ready() || !this.workspace.get(params.uri)) {
      throw new SimulatorError('not-ready', `Botmaster has not read ${params.uri} yet (it reads the workspace when it starts). Try again in a moment.`);
    }
    const bot = this.workspace.botOf(params.uri);
    if (bot.root === ORPHANS) {
      throw new SimulatorError('no-bot', 'This file belongs to no bot: there is no manifest (a dialog file with a `bot:` section) in its folder or above.');
    }
    const compiled = this.compile(bot);
    const options = {
      locale: params.locale,
      seed: params.seed ?? 1,
      startNode: params.startNode ?? undefined,
      channel: params.channel ?? undefined,
      today: params.today !== undefined ? parseDate(params.today) : new Date(),
    };
    if (!Number.isInteger(options.seed) || options.seed < 0) throw new SimulatorError('bad-params', 'The seed must be a whole number from 0.');
    this.checkOptions(compiled.program, options);
    const replay = (params.replay ?? []).map(checkInput);
    const session: Session = {
      id: `sim-${this.nextId++}`,
      uri: params.uri,
      root: bot.root,
      options,
      compiled,
      version: bot.version,
      conversation: startConversation(compiled.program, compiled.matcher, options),
      inputs: [],
      used: ++this.clock,
    };
    for (const input of replay) {
      session.conversation.send(input);
      session.inputs.push(input);
    }
    this.sessions.set(session.id, session);
    this.forgetOldSessions();
    return this.state(session, false);
  }

  send(params: SimulatorSendParams): SimulatorTurnResult {
    const session = this.session(params);
    const input = checkInput(params.input);
    const sync = this.sync(session);
    const turn = session.conversation.send(input);
    session.inputs.push(input);
    return { turn: this.turnOf(session, turn, session.conversation.history.length - 1), ...sync };
  }

  undo(params: SimulatorSessionParams): SimulatorUndoResult {
    const session = this.session(params);
    const sync = this.sync(session);
    const undone = session.conversation.undo() !== undefined;
    if (undone) session.inputs.pop();
    const history = session.conversation.history;
    return { undone, turn: this.turnOf(session, history[history.length - 1], history.length - 1), ...sync };
  }

  restart(params: SimulatorRestartParams): SimulatorState {
    const session = this.session(params);
    const sync = this.sync(session);
    const options = { ...session.options };
    if (params.locale !== undefined) options.locale = params.locale;
    if (params.startNode !== undefined) options.startNode = params.startNode ?? undefined;
    if (params.channel !== undefined) options.channel = params.channel ?? undefined;
    if (params.seed !== undefined) {
      if (!Number.isInteger(params.seed) || params.seed < 0) throw new SimulatorError('bad-params', 'The seed must be a whole number from 0.');
      options.seed = params.seed;
    }
    this.checkOptions(session.compiled.program, options);
    session.options = options;
    session.conversation = startConversation(session.compiled.program, session.compiled.matcher, options);
    session.inputs = [];
    return this.state(session, sync.reloaded, sync.reload);
  }

  close(params: SimulatorSessionParams): null {
    this.sessions.delete(params?.session);
    return null;
  }

  /** Open sessions (for tests and logs). */
  get size(): number {
    return this.sessions.size;
  }

  // ---- Versions of the bot ----------------------------------------------------------------------------------------

  /** The bot compiled at its current version: the cached one while nothing the engine reads changed. */
  private compile(bot: Bot): Compiled {
    const previous = this.compiled.get(bot.root);
    if (previous && previous.bot === bot && previous.version === bot.version) return previous;
    const { program, programKey, examplesKey, compileMs } = this.programOf(bot);
    if (previous && previous.programKey === programKey) {
      // A comment, a description, spacing: the same program. Keep the entry (and the sessions on it) as they are.
      previous.bot = bot;
      previous.version = bot.version;
      return previous;
    }
    let latest = this.matchers.get(bot.root);
    if (latest?.examplesKey !== examplesKey) {
      latest = { examplesKey, matcher: trainMatcher(program), taken: false };
      this.matchers.set(bot.root, latest);
      this.stats.trainings++;
    }
    // The first version to take a matcher trained it (now, or in slices for this request); the next ones reuse it.
    const trained = !latest.taken;
    latest.taken = true;
    const compiled: Compiled = { bot, version: bot.version, program, programKey, matcher: latest.matcher, examplesKey, trained, compileMs };
    this.compiled.set(bot.root, compiled);
    return compiled;
  }

  /** The bot's program at its current version (compiled once per version). */
  private programOf(bot: Bot): Program {
    const previous = this.programs.get(bot.root);
    if (previous && previous.bot === bot && previous.version === bot.version) return previous;
    const started = performance.now();
    const program = compileBot(this.workspace, [...bot.files][0]);
    this.stats.compiles++;
    const programKey = JSON.stringify(program, mapsAsArrays);
    const examplesKey = JSON.stringify([program.defaultLocale, [...program.intents.values()].map((i) => [i.id, [...i.examples]])]);
    const compiled: Program = { bot, version: bot.version, program, programKey, examplesKey, compileMs: performance.now() - started };
    this.programs.set(bot.root, compiled);
    return compiled;
  }

  /**
   * Trains the bot's matcher for these examples in slices, and keeps it as the bot's latest; stops early when a
   * training for newer examples of the bot started meanwhile.
   */
  private async trainInSlices(root: string, me: { examplesKey: string }, program: BotProgram): Promise<void> {
    const steps = trainMatcherInSteps(program);
    this.stats.trainings++;
    this.sliced.trainings++;
    try {
      for (;;) {
        if (this.training.get(root) !== me) {
          this.sliced.dropped++;
          return;
        }
        const deadline = performance.now() + this.sliceMs;
        let next = steps.next();
        while (!next.done && performance.now() < deadline) next = steps.next();
        this.sliced.slices++;
        if (next.done) {
          this.matchers.set(root, { examplesKey: me.examplesKey, matcher: next.value, taken: false });
          return;
        }
        await this.pause();
      }
    } finally {
      if (this.training.get(root) === me) this.training.delete(root);
    }
  }

  /** The bot a request would run on: its file's for a start, its session's for the others (none: the request fails). */
  private requestBot(params: { uri?: unknown; session?: unknown } | undefined): Bot | undefined {
    if (typeof params?.session === 'string') {
      const session = this.sessions.get(params.session);
      return session ? this.botOf(session) : undefined;
    }
    if (typeof params?.uri !== 'string' || !this.ready() || !this.workspace.get(params.uri)) return undefined;
    const bot = this.workspace.botOf(params.uri);
    return bot.root === ORPHANS ? undefined : bot;
  }

  /** The bot of a session as it is now: the bot its file belongs to, else the bot in the same folder. */
  private botOf(session: Session): Bot {
    const byFile = this.workspace.get(session.uri) ? this.workspace.botOf(session.uri) : undefined;
    const bot = byFile?.root === session.root ? byFile : [...this.workspace.allBots()].find((b) => b.root === session.root);
    if (!bot || bot.files.size === 0) {
      throw new SimulatorError('no-bot', 'The bot of this conversation is gone: its manifest was deleted or moved. Open the simulator on a dialog file again.');
    }
    return bot;
  }

  /** Moves a session to the bot's current version, replaying the user's inputs on it when the program changed. */
  private sync(session: Session): { reloaded: boolean; reload?: SimulatorReload; bot?: SimulatorBot } {
    const bot = this.botOf(session);
    const compiled = this.compile(bot);
    const versionChanged = session.version !== bot.version;
    session.version = bot.version;
    if (compiled === session.compiled) {
      // Same program: positions may have moved (an edit above a node), so a client gets fresh locations anyway.
      return versionChanged ? { reloaded: false, bot: this.botInfo(compiled) } : { reloaded: false };
    }
    const started = performance.now();
    const before = session.conversation.history;
    const conversation = startConversation(compiled.program, compiled.matcher, session.options);
    for (const input of session.inputs) conversation.send(input);
    const replayMs = performance.now() - started;
    const reload: SimulatorReload = {
      replayed: session.inputs.length,
      retrained: compiled.trained,
      compileMs: round(compiled.compileMs),
      trainingMs: compiled.trained ? round(compiled.matcher.trainingMs) : 0,
      replayMs: round(replayMs),
    };
    const after = conversation.history;
    const at = after.findIndex((turn, i) => turn.node !== before[i]?.node || turn.asking !== before[i]?.asking || turn.ended !== before[i]?.ended);
    if (at !== -1) reload.diverged = { turn: at, before: before[at]?.node, after: after[at].node };
    session.compiled = compiled;
    session.conversation = conversation;
    return { reloaded: true, reload, bot: this.botInfo(compiled) };
  }

  // ---- Answers ----------------------------------------------------------------------------------------------------

  private session(params: SimulatorSessionParams): Session {
    const session = this.sessions.get(params?.session);
    if (!session) {
      throw new SimulatorError('unknown-session', `There is no simulator session ${params?.session}: it was closed, or the language server restarted. Start the conversation again.`);
    }
    session.used = ++this.clock;
    return session;
  }

  private forgetOldSessions(): void {
    while (this.sessions.size > MAX_SESSIONS) {
      const oldest = [...this.sessions.values()].reduce((a, b) => (a.used <= b.used ? a : b));
      this.sessions.delete(oldest.id);
    }
  }

  private checkOptions(program: BotProgram, options: ConversationOptions): void {
    if (options.locale !== undefined && !program.locales.includes(options.locale)) {
      throw new SimulatorError('unknown-locale', `The bot does not speak \`${options.locale}\`; its languages: ${program.locales.join(', ')}.`);
    }
    if (options.channel !== undefined && !program.channels.has(options.channel)) {
      const channels = [...program.channels.keys()];
      throw new SimulatorError('unknown-channel', `The bot has no channel \`${options.channel}\`; its channels: ${channels.join(', ') || 'none'}.`);
    }
    if (options.startNode !== undefined && !program.nodes.has(options.startNode)) {
      throw new SimulatorError('unknown-node', `The bot has no node \`${options.startNode}\`.`);
    }
  }

  private state(session: Session, reloaded: boolean, reload?: SimulatorReload): SimulatorState {
    const { conversation, options } = session;
    const simulatorOptions: SimulatorOptions = {
      locale: conversation.locale,
      seed: options.seed,
      startNode: options.startNode,
      channel: options.channel,
      voice: conversation.voice,
      today: dateText(options.today),
    };
    return {
      session: session.id,
      bot: this.botInfo(session.compiled),
      options: simulatorOptions,
      turns: conversation.history.map((turn, i) => this.turnOf(session, turn, i)),
      reloaded,
      ...(reload ? { reload } : {}),
    };
  }

  private botInfo(compiled: Compiled): SimulatorBot {
    const { program, bot } = compiled;
    return {
      name: program.name,
      root: bot.root,
      locales: program.locales,
      defaultLocale: program.defaultLocale,
      start: program.start,
      channels: [...program.channels].map(([id, c]) => (c.type ? { id, type: c.type } : { id })),
      nodes: [...program.nodes.values()].map((n) => ({ id: n.id, flow: n.flow, location: this.locate(bot, n.id) })),
      problems: program.problems,
      training: { examples: Object.fromEntries(compiled.matcher.examples), ms: compiled.trained ? round(compiled.matcher.trainingMs) : 0 },
    };
  }

  /** Where a node's id is written now (the first definition, as the engine uses it). */
  private locate(bot: Bot, id: string): SimulatorLocation | undefined {
    const def = bot.lookup('node', id).slice().sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0))[0];
    const file = def && this.workspace.get(def.uri);
    return file ? { uri: def.uri, range: file.lines.range(def.span) } : undefined;
  }

  private turnOf(session: Session, turn: Turn, index: number): SimulatorTurn {
    const bot = session.compiled.bot;
    const voice = session.conversation.voice;
    const ids = new Set([...turn.path, ...turn.messages.map((m) => m.node), ...(turn.node ? [turn.node] : [])]);
    const locations: Record<string, SimulatorLocation> = {};
    for (const id of ids) {
      const location = this.locate(bot, id);
      if (location) locations[id] = location;
    }
    const result: SimulatorTurn = {
      index,
      messages: turn.messages.map((m) => ({
        text: m.text,
        ...(voice && m.voice !== undefined ? { voice: m.voice } : {}),
        node: m.node,
        ...(m.quickReplies ? { quickReplies: m.quickReplies } : {}),
      })),
      quickReplies: turn.quickReplies,
      path: turn.path,
      entities: turn.entities.map((e) => ({ entity: e.entity, value: e.value, text: e.text, start: e.start, end: e.end })),
      slots: turn.slots,
      changed: turn.changed,
      trace: turn.trace,
      notices: turn.notices,
      ended: turn.ended,
      locations,
    };
    if (turn.user) result.user = turn.user;
    if (turn.node !== undefined) result.node = turn.node;
    if (turn.asking !== undefined) result.asking = turn.asking;
    if (turn.matched) {
      const { intent, confidence, candidates, by } = turn.matched;
      result.matched = { ...(intent !== undefined ? { intent } : {}), confidence, candidates: candidates.map((c) => ({ intent: c.intent, confidence: c.confidence })), by };
    }
    if (turn.fallback !== undefined) result.fallback = turn.fallback;
    if (turn.handedOff) result.handedOff = turn.handedOff;
    return result;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
