/**
 * The messages between the simulator panel (client/src/simulatorPanel.ts) and its webview, and the webview's saved
 * state. The conversation's shapes are the language server's (server/src/simulator/protocol.ts).
 */
import type { SimulatorBot, SimulatorInput, SimulatorOptions, SimulatorReload, SimulatorTurn } from '../../../server/src/simulator/protocol';

export type { SimulatorBot, SimulatorInput, SimulatorOptions, SimulatorReload, SimulatorTurn };

/** A turn as the panel shows it: with the reload that came before it, if any. */
export interface Entry {
  turn: SimulatorTurn;
  reload?: SimulatorReload;
}

/** Everything the webview shows. The extension keeps it (a hidden webview is thrown away and made again). */
export interface SimulatorView {
  /** The dialog file the simulator was opened on. */
  uri: string;
  bot?: SimulatorBot;
  options?: SimulatorOptions;
  entries: Entry[];
  /** A line above the conversation: "restored after a window reload"... */
  note?: string;
}

export type ToWebview =
  /** The whole conversation (a start, a restart, a new webview). */
  | { type: 'state'; view: SimulatorView }
  /** One more turn; `bot` when the bot was reloaded or its nodes moved. */
  | { type: 'turn'; entry: Entry; bot?: SimulatorBot }
  /** The last turn was taken back: `count` entries remain (`bot` as for a turn). */
  | { type: 'undone'; count: number; bot?: SimulatorBot }
  /** A request is under way (`what` says what, for a long one like training), or done. */
  | { type: 'busy'; what?: string }
  /** Something went wrong, in plain words; `retry`: offer to try again. */
  | { type: 'error'; message: string; retry?: boolean }
  /** Put the keyboard focus in the input box. */
  | { type: 'focus' };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'send'; input: SimulatorInput }
  | { type: 'undo' }
  /** Start again; with a language, a start node (null: the bot's start) or a channel (null: none). */
  | { type: 'restart'; locale?: string; startNode?: string | null; channel?: string | null }
  /** Show this node in the editor. */
  | { type: 'reveal'; node: string }
  /** Copy the transcript to the clipboard, or save it (plain text or Markdown, chosen in the save dialog). */
  | { type: 'copy' }
  | { type: 'save' }
  /** Try the failed request again. */
  | { type: 'retry' }
  /** What the page shows now, read from the page: for the end-to-end tests and bug reports. */
  | { type: 'shown'; turns: number; last: string[] };

/**
 * What the webview keeps across reloads (`vscode.setState`): the serializer reads it to bring the panel back with the
 * same bot, options and conversation (the inputs are said again to the bot).
 */
export interface WebviewState {
  uri?: string;
  locale?: string;
  startNode?: string;
  channel?: string;
  seed?: number;
  inputs?: SimulatorInput[];
  /** What the user typed, oldest first (Up and Down in the input box). */
  history?: string[];
  /** The side bar is hidden. */
  debugHidden?: boolean;
}

/** The input that made a turn (undefined for the opening turn). */
export function inputOf(turn: SimulatorTurn): SimulatorInput | undefined {
  const user = turn.user;
  if (!user) return undefined;
  if (user.quickReply !== undefined) return { quickReply: user.quickReply };
  if (user.intent !== undefined) return { intent: user.intent };
  return { text: user.text ?? '' };
}
