/**
 * `botmaster chat [bot] [--locale xx] [--explain]`: a conversation with a bot in the terminal, with the engine the
 * simulator uses. Reads the user's lines from stdin, so it can be scripted:
 *
 *   printf 'where is my order ACM-482913?\n#2\nno thanks\n' | botmaster chat examples/support --explain
 *
 * Lines: text is what the user says; `#2` taps the second button; `/intent order.track` says an intent; `/undo`,
 * `/restart`, `/slots`, `/help`, `/quit`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { compileBot, startConversation, trainMatcher } from '../engine';
import type { Conversation, Turn } from '../engine';
import { fileUri, findBotRoot, findDialogFiles, readText } from '../host/files';
import { createLanguageService, isDialogFile } from '../service';

export class ChatUsageError extends Error {
  override name = 'UsageError';
}

export const CHAT_USAGE = `Usage: botmaster chat [bot] [options]

Talk to the bot of a folder (or of a dialog file) in the terminal. Reads your lines from stdin.
  --locale xx      the language to talk in (default: the bot's default language)
  --explain        print what the engine did: intent and confidence, entities, slots, nodes, fallbacks
  --seed N         seed of the response variants (default 1): the same seed gives the same conversation
  --channel id     talk as on this channel of the manifest (a voice channel prints the voice forms)
  --start node     start at this node instead of the bot's start
  --today YYYY-MM-DD   today's date, for answers like "tomorrow" (default: today)

While talking: #N taps button N, /intent id says an intent, /undo, /restart, /slots, /help, /quit.
`;

interface Options {
  bot: string;
  locale?: string;
  explain: boolean;
  seed: number;
  channel?: string;
  start?: string;
  today?: Date;
}

function parseArgs(args: string[]): Options {
  const options: Options = { bot: '.', explain: false, seed: 1 };
  let bot: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const name = arg.split('=')[0];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (v === undefined || v === '') throw new ChatUsageError(`${name} needs a value.`);
      return v;
    };
    if (name === '--locale') options.locale = value();
    else if (name === '--explain') options.explain = true;
    else if (name === '--seed') {
      const seed = Number(value());
      if (!Number.isInteger(seed) || seed < 0) throw new ChatUsageError('--seed needs a whole number, like `--seed 7`.');
      options.seed = seed;
    } else if (name === '--channel') options.channel = value();
    else if (name === '--start') options.start = value();
    else if (name === '--today') {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value());
      if (!m) throw new ChatUsageError('--today needs a date like 2025-03-04.');
      options.today = new Date(+m[1], +m[2] - 1, +m[3]);
    } else if (arg.startsWith('-')) throw new ChatUsageError(`unknown option \`${arg}\`. Run \`botmaster chat --help\`.`);
    else if (bot !== undefined) throw new ChatUsageError('give one bot: a folder or a dialog file.');
    else bot = arg;
  }
  options.bot = bot ?? '.';
  return options;
}

export async function runChat(args: string[], stdin: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    stdout.write(CHAT_USAGE);
    return 0;
  }
  const options = parseArgs(args);
  if (!fs.existsSync(options.bot)) throw new ChatUsageError(`no such file or folder: ${options.bot}`);
  const root = findBotRoot(path.resolve(options.bot));
  if (!root) {
    stderr.write(`botmaster: no bot at ${options.bot}: no dialog file with a \`bot:\` manifest in this folder or above.\n`);
    return 1;
  }
  const service = createLanguageService();
  const files = findDialogFiles(root);
  for (const file of files) {
    try {
      service.setFile(fileUri(file), readText(file).text);
    } catch (e) {
      stderr.write(`botmaster: cannot read ${file}: ${(e as Error).message}\n`);
    }
  }
  const manifest = files.map(fileUri).find((uri) => service.workspace.get(uri)?.manifest) ?? fileUri(files[0]);
  const errors = files.map(fileUri).reduce((n, uri) => n + (service.hasFile(uri) ? service.getDiagnostics(uri).filter((d) => d.severity === 1).length : 0), 0);
  if (errors > 0)
    stderr.write(`botmaster: the bot has ${errors} error${errors === 1 ? '' : 's'}; \`botmaster check ${options.bot}\` lists them. Talking anyway.\n`);

  const program = compileBot(service.workspace, manifest);
  const matcher = trainMatcher(program);
  if (options.locale && !program.locales.includes(options.locale)) {
    throw new ChatUsageError(`the bot does not speak \`${options.locale}\`; its languages: ${program.locales.join(', ')}.`);
  }
  if (options.channel && !program.channels.has(options.channel)) {
    throw new ChatUsageError(`the bot has no channel \`${options.channel}\`; its channels: ${[...program.channels.keys()].join(', ') || 'none'}.`);
  }
  const conversation = startConversation(program, matcher, {
    locale: options.locale,
    seed: options.seed,
    channel: options.channel,
    startNode: options.start,
    today: options.today,
  });
  const interactive = Boolean((stdin as NodeJS.ReadStream).isTTY);
  const say = (text: string) => stdout.write(text + '\n');
  say(
    `${program.name || 'bot'} (${conversation.locale})${options.explain ? `: trained on ${[...matcher.examples].map(([l, n]) => `${n} ${l}`).join(', ')} examples in ${matcher.trainingMs.toFixed(0)} ms` : ''}`,
  );
  printTurn(conversation.opening, conversation, options.explain, say);

  const lines = readline.createInterface({ input: stdin, terminal: interactive, output: interactive ? stdout : undefined });
  if (interactive) {
    lines.setPrompt('you> ');
    lines.prompt();
  }
  for await (const raw of lines) {
    const line = raw.trim();
    if (!interactive && line) say(`you> ${line}`);
    if (line === '/quit' || line === '/exit') break;
    if (line) handleLine(line, conversation, options.explain, say);
    if (interactive) lines.prompt();
  }
  lines.close();
  return 0;
}

function handleLine(line: string, conversation: Conversation, explain: boolean, say: (text: string) => void): void {
  if (line === '/help') {
    say('  #N taps button N, /intent id says an intent, /undo, /restart, /slots, /quit; anything else is said to the bot.');
    return;
  }
  if (line === '/slots') {
    const slots = Object.entries(conversation.slots);
    say(slots.length ? slots.map(([id, v]) => `  ${id} = ${JSON.stringify(v)}`).join('\n') : '  (no slot is set)');
    return;
  }
  if (line === '/undo') {
    const turn = conversation.undo();
    say(turn ? '  (took back the last message)' : '  (nothing to take back)');
    if (turn) printTurn(turn, conversation, false, say);
    return;
  }
  if (line === '/restart') {
    printTurn(conversation.restart(), conversation, explain, say);
    return;
  }
  const button = /^#(\d+)$/.exec(line);
  if (button) {
    printTurn(conversation.send({ quickReply: Number(button[1]) - 1 }), conversation, explain, say);
    return;
  }
  const intent = /^\/intent\s+(\S+)$/.exec(line);
  if (intent) {
    printTurn(conversation.send({ intent: intent[1] }), conversation, explain, say);
    return;
  }
  if (line.startsWith('/')) {
    say(`  unknown command ${line.split(/\s/)[0]}: /help lists them (start with a space to say it to the bot).`);
    return;
  }
  printTurn(conversation.send(line), conversation, explain, say);
}

function printTurn(turn: Turn, conversation: Conversation, explain: boolean, say: (text: string) => void): void {
  for (const message of turn.messages) say(`bot> ${conversation.voice && message.voice ? message.voice : message.text}`);
  if (turn.quickReplies.length > 0) say(`     ${turn.quickReplies.map((label, i) => `[${i + 1}] ${label}`).join('  ')}`);
  if (explain) {
    const facts: string[] = [];
    const m = turn.matched;
    if (m) {
      const candidates = m.candidates
        .slice(0, 3)
        .map((c) => `${c.intent} ${c.confidence.toFixed(2)}`)
        .join(', ');
      facts.push(`${m.intent ? `intent ${m.intent} ${m.confidence.toFixed(2)}` : 'no intent'} (${m.by})${candidates ? `; candidates: ${candidates}` : ''}`);
    }
    if (turn.entities.length) facts.push(`entities: ${turn.entities.map((e) => `${e.entity}=${JSON.stringify(e.value)} ("${e.text}")`).join(', ')}`);
    const changed = Object.entries(turn.changed);
    if (changed.length) facts.push(`slots: ${changed.map(([id, v]) => (v === null ? `${id} emptied` : `${id} = ${JSON.stringify(v)}`)).join(', ')}`);
    if (turn.path.length) facts.push(`nodes: ${turn.path.join(' → ')}`);
    if (turn.fallback) facts.push(`fallback: ${turn.fallback}`);
    for (const step of turn.trace) facts.push(`· ${step}`);
    if (turn.asking) facts.push(`waiting for ${turn.asking} at ${turn.node}`);
    else if (turn.node && !turn.ended) facts.push(`waiting at ${turn.node}`);
    for (const fact of facts) say(`  ${fact}`);
  }
  for (const notice of turn.notices) say(`  ! ${notice}`);
  if (turn.handedOff) say(`  (handed over to a human${turn.handedOff.queue ? `: queue ${turn.handedOff.queue}` : ''})`);
  else if (turn.ended) say('  (conversation ended)');
}
