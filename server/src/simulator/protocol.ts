/**
 * The simulator's custom LSP requests: names, parameters and answers. One file, imported by the language server
 * (server/src/simulator), the VS Code extension (client/src/simulatorPanel.ts) and the panel's webview
 * (client/webview/simulator), so the three cannot drift apart. Plain JSON shapes only: no import, no Node, no DOM.
 * docs/simulator.md describes the protocol for other editors.
 */

/** Starts a conversation with the bot a dialog file belongs to. Answers a `SimulatorState`. */
export const SIMULATOR_START = 'botmaster/simulator/start';
/** The user says something, taps a button or says an intent. Answers a `SimulatorTurnResult`. */
export const SIMULATOR_SEND = 'botmaster/simulator/send';
/** Takes back the last user turn. Answers a `SimulatorUndoResult`. */
export const SIMULATOR_UNDO = 'botmaster/simulator/undo';
/** Starts the conversation again, maybe in another language, from another node or on another channel. Answers a `SimulatorState`. */
export const SIMULATOR_RESTART = 'botmaster/simulator/restart';
/** Forgets a session. Answers null. */
export const SIMULATOR_CLOSE = 'botmaster/simulator/close';

export interface SimulatorPosition {
  line: number;
  character: number;
}

/** Where a node's id is written (as an LSP Location). */
export interface SimulatorLocation {
  uri: string;
  range: { start: SimulatorPosition; end: SimulatorPosition };
}

export type SimulatorValue = string | number | boolean;

/** What the user does: text, a tap on the i-th button of the last turn (0-based), or an intent said directly. */
export type SimulatorInput = { text: string } | { quickReply: number } | { intent: string };

export interface SimulatorStartParams {
  /** Any dialog file of the bot. */
  uri: string;
  /** One of the bot's languages (default: the bot's default language). */
  locale?: string;
  /** Start at this node instead of the manifest's `start`. */
  startNode?: string;
  /** Seed of the response variants (default 1): the same seed and inputs give the same conversation. */
  seed?: number;
  /** A channel of the manifest; on a `voice` channel the turns carry the voice forms. */
  channel?: string;
  /** Today's date (`YYYY-MM-DD`) for answers like "tomorrow" (default: the day the session starts). */
  today?: string;
  /** Inputs to say again at once (a panel restored after a window reload). */
  replay?: SimulatorInput[];
}

export interface SimulatorSessionParams {
  session: string;
}

export interface SimulatorSendParams extends SimulatorSessionParams {
  input: SimulatorInput;
}

/** Restart with the session's options, or with those given here (a new language, start node, channel or seed). */
export interface SimulatorRestartParams extends SimulatorSessionParams {
  locale?: string;
  /** A node id; `null` goes back to the manifest's `start`. */
  startNode?: string | null;
  /** A channel id; `null` for none. */
  channel?: string | null;
  seed?: number;
}

/** The bot as the session runs it. */
export interface SimulatorBot {
  name: string;
  /** The uri of the bot's folder. */
  root: string;
  locales: string[];
  defaultLocale: string;
  start?: string;
  channels: { id: string; type?: 'chat' | 'voice' }[];
  /** Every node (for "start from"), in the order the engine reads them, with where its id is written. */
  nodes: { id: string; flow: string; location?: SimulatorLocation }[];
  /** What the engine could not use, in plain words. */
  problems: string[];
  /** The intent matcher: examples per language and how long training took (0 when an earlier training was reused). */
  training: { examples: Record<string, number>; ms: number };
}

export interface SimulatorMessage {
  text: string;
  /** The voice form, sent only on a voice channel, when the bot gives one. */
  voice?: string;
  /** The node that said it. */
  node: string;
  /** The buttons shown under this message. */
  quickReplies?: string[];
}

/** What one user input produced (the opening turn: what the bot said first). See docs/engine.md, "A turn". */
export interface SimulatorTurn {
  /** 0 for the opening turn, then 1, 2... */
  index: number;
  user?: { text?: string; intent?: string; quickReply?: number; label?: string };
  messages: SimulatorMessage[];
  /** The buttons the user can tap now. */
  quickReplies: string[];
  /** The node where the conversation waits (absent when it is over). */
  node?: string;
  /** The slot the bot is asking for. */
  asking?: string;
  /** The nodes visited in this turn, in order. */
  path: string[];
  matched?: { intent?: string; confidence: number; candidates: { intent: string; confidence: number }[]; by: 'text' | 'button' | 'intent' };
  entities: { entity: string; value: SimulatorValue; text: string; start: number; end: number }[];
  /** Every slot that is set after the turn. */
  slots: Record<string, SimulatorValue>;
  /** The slots set (or emptied: null) during the turn. */
  changed: Record<string, SimulatorValue | null>;
  /** Why the bot went to a fallback. */
  fallback?: string;
  /** What the engine did, step by step. */
  trace: string[];
  /** Problems of the bot met during the turn. */
  notices: string[];
  ended: boolean;
  handedOff?: { queue?: string };
  /** Where each node named in this turn (path, node, messages) is written, by id. */
  locations: Record<string, SimulatorLocation>;
}

/** The bot changed since the session's last answer: the session now runs the new version. */
export interface SimulatorReload {
  /** How many user inputs were said again on the new version (see docs/simulator.md). */
  replayed: number;
  /** Whether the intent matcher was trained again (only when training examples changed). */
  retrained: boolean;
  /** Compiling, training and replaying, in milliseconds. */
  compileMs: number;
  trainingMs: number;
  replayMs: number;
  /** The first turn whose outcome (where the conversation waits) differs on the new version, and where it waits now. */
  diverged?: { turn: number; before?: string; after?: string };
}

export interface SimulatorOptions {
  locale: string;
  seed: number;
  startNode?: string;
  channel?: string;
  /** The channel is a voice channel. */
  voice: boolean;
  /** `YYYY-MM-DD`. */
  today: string;
}

/** The answer to start and restart: the whole conversation so far. */
export interface SimulatorState {
  session: string;
  bot: SimulatorBot;
  options: SimulatorOptions;
  turns: SimulatorTurn[];
  /** For a restart: the bot changed since the session's last answer. */
  reloaded: boolean;
  reload?: SimulatorReload;
}

export interface SimulatorTurnResult {
  turn: SimulatorTurn;
  /** The bot changed since the session's last answer; `bot` and `reload` then say what it is now. */
  reloaded: boolean;
  reload?: SimulatorReload;
  bot?: SimulatorBot;
}

export interface SimulatorUndoResult {
  /** False when there was nothing to take back (only the opening turn). */
  undone: boolean;
  /** The turn that is now the last one. */
  turn: SimulatorTurn;
  reloaded: boolean;
  reload?: SimulatorReload;
  bot?: SimulatorBot;
}

/** `data` of the requests' errors: what went wrong, so a client can react (retry, start a new session...). */
export type SimulatorErrorKind =
  /** The server has not read the file yet (it indexes the workspace when it starts): try again shortly. */
  | 'not-ready'
  /** The file belongs to no bot (no manifest in its folder or above). */
  | 'no-bot'
  /** No such session: closed, or the server restarted. Start a new one. */
  | 'unknown-session'
  | 'unknown-node'
  | 'unknown-locale'
  | 'unknown-channel'
  | 'bad-params';

export interface SimulatorErrorData {
  kind: SimulatorErrorKind;
}
