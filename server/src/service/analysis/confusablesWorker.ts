/**
 * The confusable-example check in a worker thread (the language server's choice: `useConfusablesWorker`). The index
 * lives in the worker (confusablesThread.ts); this side sends each file's examples when the file changed, and reads
 * back every example's best match. The cheap checks then run in the server's thread while the worker builds the index
 * (`prefetchConfusables` starts it as soon as they start), and a big bot's confusable examples no longer take the
 * server's thread for a second or two.
 *
 * The service starts no thread itself (it is a library): the host gives it a `WorkerChannel`
 * (host/confusablesWorker.ts). The answer is read without the event loop and waited for in short sleeps, so the check
 * stays an ordinary generator: in the server it waits between the slices of the other work, in a plain \`analyzeBot\`
 * it simply blocks. If the worker fails or does not answer, the check runs in this thread as before.
 */
import type { FileModel } from '../types';
import type { Bot } from '../workspace';
import type { ExampleText } from './confusables';

/** What the worker is asked: the bot's files and their versions, with the examples of those that changed. */
export interface WorkerRequest {
  id: number;
  bot: number;
  threshold: number;
  files: [uri: string, version: number][];
  examples: [uri: string, locales: SentExamples[]][];
}

/**
 * One language's examples of a file as sent, in the order of \`examplesOf\` (the answer gives places in it): their
 * texts as written, one after the other (the i-th ends at \`ends[i]\`), and their intents (\`intents[intentOf[i]]\`).
 * The worker normalises them itself. One string and two typed arrays are copied in one go: the 200,000 normalised
 * strings of the issue-3 bot took about 0.4 s to copy to the worker and back out of the message, and normalising
 * them first kept the server's thread from sending for another 0.3 s.
 */
export interface SentExamples {
  locale: string;
  intents: string[];
  intentOf: Int32Array;
  texts: string;
  ends: Int32Array;
}

/** Its answer: per language, each example with a match as (file, index, other file, other index) and the similarity. */
export interface WorkerReply {
  id: number;
  error?: string;
  uris: string[];
  locales: [locale: string, places: Int32Array, similarities: Float64Array][];
}

export interface ConfusableMatch {
  example: ExampleText;
  other: ExampleText;
  similarity: number;
  locale: string;
}

type ExamplesOf = (model: FileModel) => Map<string, ExampleText[]>;

/** A bot as the worker holds it: what was sent (models by uri), and the last request not answered yet. */
interface Mirror {
  key: number;
  threshold: number;
  sent: Map<string, FileModel>;
  pending?: { id: number; sent: Map<string, FileModel> };
}

/** Longest wait for an answer before the worker is given up (it builds 200,000 examples in about 2 s). */
const TIMEOUT_MS = 120_000;

/** How this side talks to the worker thread (the host makes it: host/confusablesWorker.ts). */
export interface WorkerChannel {
  post(request: WorkerRequest): void;
  /** An answer that arrived, without waiting; undefined when none did. */
  read(): WorkerReply | undefined;
  /** Sleeps until an answer may have arrived, at most \`ms\`. */
  wait(ms: number): void;
  /** Set once the worker failed or stopped, with why. */
  readonly failure: string | undefined;
  close(): void;
}

let channel: WorkerChannel | undefined;
let failed = false;
let nextId = 1;
let nextBot = 1;
let mirrors = new WeakMap<Bot, Mirror>();
const versions = new WeakMap<FileModel, number>();
let nextVersion = 1;
/** Answers read while waiting for another one (another bot's). */
let early = new Map<number, WorkerReply>();

/** Runs the check in the worker thread behind \`to\` (undefined: in this thread); \`onError\` is told if it fails. */
export function useConfusablesWorker(to: WorkerChannel | undefined, onError: (message: string) => void = () => {}): void {
  channel?.close();
  channel = to;
  failed = false;
  report = onError;
  // A new worker holds nothing yet.
  mirrors = new WeakMap();
  lastAnswer = new WeakMap();
  waiting = new Set();
  early = new Map();
}

function fail(message: string): void {
  if (failed) return;
  failed = true;
  channel?.close();
  report(`${message}; the check runs in the server's thread.`);
}

/** Where a failure of the worker is told (given to \`useConfusablesWorker\`). */
let report: (message: string) => void = () => {};

/** Whether the check is to ask the worker. */
export function workerReady(): boolean {
  if (channel?.failure !== undefined && !failed) fail(channel.failure);
  return channel !== undefined && !failed && !paused;
}

let paused = false;
const stats = { requests: 0, answers: 0 };

/** For tests: compute in this thread for a while (true), keeping the worker and what it holds; and what it did. */
export function pauseConfusablesWorker(pause: boolean): typeof stats {
  paused = pause;
  return { ...stats };
}

function versionOf(model: FileModel): number {
  let version = versions.get(model);
  if (version === undefined) versions.set(model, (version = nextVersion++));
  return version;
}

/**
 * Sends the worker what changed in a bot since it was last sent (nothing when nothing did), so that it works on it
 * while this thread does something else.
 */
export function prefetch(bot: Bot, models: FileModel[], threshold: number, onlyFirst = false): void {
  if (!workerReady() || (onlyFirst && mirrors.has(bot))) return;
  let mirror = mirrors.get(bot);
  if (!mirror) mirrors.set(bot, (mirror = { key: nextBot++, threshold: Number.NaN, sent: new Map() }));
  const current = new Map(models.map((m) => [m.uri, m]));
  const sent = mirror.sent;
  if (mirror.threshold === threshold && sent.size === current.size && [...current].every(([uri, m]) => sent.get(uri) === m)) return;
  const request: WorkerRequest = { id: nextId++, bot: mirror.key, threshold, files: [], examples: [] };
  const all = mirror.threshold !== threshold;
  for (const [uri, model] of current) {
    request.files.push([uri, versionOf(model)]);
    if (all || sent.get(uri) !== model) request.examples.push([uri, examplesToSend(model)]);
  }
  if (mirror.pending) waiting.delete(mirror.pending.id); // its answer is of no use any more
  mirror.threshold = threshold;
  mirror.sent = current;
  mirror.pending = { id: request.id, sent: current };
  waiting.add(request.id);
  stats.requests++;
  channel!.post(request);
}

/** A file's examples as sent to the worker (\`SentExamples\`), in the order of \`examplesOf\`. */
function examplesToSend(model: FileModel): SentExamples[] {
  const byLocale = new Map<string, { intents: string[]; intentOf: number[]; texts: string[] }>();
  for (const [intent, info] of model.intents) {
    for (const [locale, examples] of info.examples) {
      let sent = byLocale.get(locale);
      if (!sent) byLocale.set(locale, (sent = { intents: [], intentOf: [], texts: [] }));
      sent.intents.push(intent);
      for (const example of examples) {
        sent.intentOf.push(sent.intents.length - 1);
        sent.texts.push(example.text);
      }
    }
  }
  return [...byLocale].map(([locale, { intents, intentOf, texts }]) => {
    const ends = new Int32Array(texts.length);
    let end = 0;
    texts.forEach((text, i) => (ends[i] = end += text.length));
    return { locale, intents, intentOf: Int32Array.from(intentOf), texts: texts.join(''), ends };
  });
}

/** Requests whose answer is still wanted. */
let waiting = new Set<number>();
/** The last answer per bot, with the files it was computed from. */
let lastAnswer = new WeakMap<Bot, { sent: Map<string, FileModel>; matches: ConfusableMatch[] }>();

/**
 * Every example's best match in a bot, from the worker: asked now unless it was asked for these very files already.
 * Undefined when the worker is not there or failed meanwhile (the caller then computes them itself).
 */
export function* matchesFromWorker(bot: Bot, models: FileModel[], threshold: number, examplesOf: ExamplesOf): Generator<void, ConfusableMatch[] | undefined, void> {
  prefetch(bot, models, threshold);
  const mirror = mirrors.get(bot);
  if (!workerReady() || !mirror) return undefined;
  if (!mirror.pending) {
    const last = lastAnswer.get(bot);
    return last?.sent === mirror.sent ? last.matches : undefined;
  }
  const { id, sent } = mirror.pending;
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const reply = early.get(id) ?? read();
    if (reply?.id === id) {
      early.delete(id);
      waiting.delete(id);
      mirror.pending = undefined;
      if (reply.error !== undefined) throw new Error(reply.error);
      stats.answers++;
      const matches = yield* decode(reply, sent, examplesOf);
      lastAnswer.set(bot, { sent, matches });
      return matches;
    }
    if (reply && waiting.has(reply.id)) early.set(reply.id, reply); // another bot's
    if (!workerReady() || Date.now() > deadline) {
      if (!failed && !paused) fail('the confusable-examples worker did not answer in time');
      return undefined;
    }
    if (!reply) {
      // Sleep until the worker may have answered (at most 2 ms), then let the server do other work.
      channel!.wait(2);
      yield;
    }
  }
}

function read(): WorkerReply | undefined {
  return channel?.read();
}

/** The matches of an answer as the examples of this side (tens of thousands on a big bot: in slices). */
function* decode(reply: WorkerReply, sent: Map<string, FileModel>, examplesOf: ExamplesOf): Generator<void, ConfusableMatch[], void> {
  const matches: ConfusableMatch[] = [];
  const lists = reply.uris.map((uri) => {
    const model = sent.get(uri);
    return model ? examplesOf(model) : undefined;
  });
  for (const [locale, places, similarities] of reply.locales) {
    for (let i = 0; i < similarities.length; i++) {
      if (i % 10_000 === 9_999) yield;
      const example = lists[places[4 * i]]?.get(locale)?.[places[4 * i + 1]];
      const other = lists[places[4 * i + 2]]?.get(locale)?.[places[4 * i + 3]];
      if (example && other) matches.push({ example, other, similarity: similarities[i], locale });
    }
  }
  return matches;
}
