/**
 * The bot as the engine runs it: compiled once from the language service's index (the parsed YAML of every file of the
 * bot), into plain checked structures. Wrong shapes are skipped (the editor reports them); the first definition of a
 * duplicate id wins. Compiling never throws: what cannot be used is listed in `problems`.
 */
import { documentOf } from '../service/documents';
import type { FileModel } from '../service/types';
import type { Workspace } from '../service/workspace';

export type SlotType = 'text' | 'number' | 'boolean' | 'date' | 'time' | 'email' | 'phone' | 'url';
export type Value = string | number | boolean;

/** A message: variants per locale (texts written without a locale are in the default locale). */
export interface MessageSpec {
  /** Where the message is written, like `node welcome say`: the key of its variant rotation and of notices. */
  where: string;
  variants: Map<string, string[]>;
}

export type Target = { node: string } | { flow: string };

export interface QuickReplySpec {
  label: MessageSpec;
  intent?: string;
  target?: Target;
}

export interface NodeSpec {
  id: string;
  flow: string;
  say?: MessageSpec;
  voice?: MessageSpec;
  response?: string;
  ask?: string;
  prompt?: MessageSpec;
  validate?: string;
  retry?: MessageSpec;
  retries: number;
  set: [slot: string, value: Value | null][];
  quickReplies: QuickReplySpec[];
  on: Map<string, Target>;
  branch?: { if?: string; target?: Target }[];
  next?: Target;
  end: boolean;
  handoff?: { queue?: string; message?: MessageSpec };
  fallback?: string;
}

export interface FlowSpec {
  id: string;
  /** `start`, or else the first node of the flow. */
  start?: string;
  fallback?: string;
  on: Map<string, Target>;
}

export interface EntitySpec {
  id: string;
  /** Synonyms per value id, per locale. */
  values: Map<string, Map<string, string[]>>;
  pattern?: string;
}

export interface SlotSpec {
  id: string;
  type?: SlotType;
  entity?: string;
}

export interface ResponseSpec {
  id: string;
  text?: MessageSpec;
  voice?: MessageSpec;
  quickReplies: QuickReplySpec[];
}

export interface IntentSpec {
  id: string;
  /** Training examples per locale, as written (with entity annotations). */
  examples: Map<string, string[]>;
}

export interface BotProgram {
  name: string;
  locales: string[];
  defaultLocale: string;
  start?: string;
  fallback?: string;
  threshold: number;
  channels: Map<string, { type?: 'chat' | 'voice'; maxLength?: number }>;
  on: Map<string, Target>;
  intents: Map<string, IntentSpec>;
  entities: Map<string, EntitySpec>;
  slots: Map<string, SlotSpec>;
  responses: Map<string, ResponseSpec>;
  flows: Map<string, FlowSpec>;
  nodes: Map<string, NodeSpec>;
  /** What could not be compiled, in plain words. */
  problems: string[];
}

export const DEFAULT_THRESHOLD = 0.5;
export const DEFAULT_RETRIES = 2;
const SLOT_TYPES = new Set(['text', 'number', 'boolean', 'date', 'time', 'email', 'phone', 'url']);

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json): string | undefined => (typeof v === 'string' ? v : undefined);
const entries = (v: Json): [string, Json][] => (isObject(v) ? Object.entries(v) : []);
const strings = (v: Json): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * A file's data as plain JavaScript, kept per file version: after an edit only the edited file is read again (the
 * documents of files not open in the editor are parsed again to be read: documents.ts).
 */
const data = new WeakMap<FileModel, { data: Json } | { error: string }>();

function dataOf(model: FileModel): { data: Json } | { error: string } | undefined {
  let read = data.get(model);
  if (!read) {
    const doc = documentOf(model);
    if (!doc) return undefined;
    try {
      read = { data: doc.toJS({ maxAliasCount: 100 }) as Json };
    } catch (e) {
      read = { error: (e as Error).message };
    }
    data.set(model, read);
  }
  return read;
}

/**
 * Compiles the bot that the file at `uri` belongs to (any file of the bot: the manifest or another). Files are read in
 * the order of their uris, so "the first definition" is the same on every run.
 */
export function compileBot(workspace: Workspace, uri: string): BotProgram {
  const bot = workspace.botOf(uri);
  const program: BotProgram = {
    name: '',
    locales: [],
    defaultLocale: 'en',
    threshold: DEFAULT_THRESHOLD,
    channels: new Map(),
    on: new Map(),
    intents: new Map(),
    entities: new Map(),
    slots: new Map(),
    responses: new Map(),
    flows: new Map(),
    nodes: new Map(),
    problems: [],
  };
  const files = [...bot.files].sort();
  if (bot.manifests.size === 0) program.problems.push('This bot has no manifest (a file with a `bot:` section).');
  if (bot.manifests.size > 1) program.problems.push(`This bot has ${bot.manifests.size} manifests; the first one is used.`);
  const sections: { uri: string; data: Record<string, Json> }[] = [];
  for (const file of files) {
    const model = workspace.get(file);
    const read = model && dataOf(model);
    if (!read) continue;
    if ('error' in read) program.problems.push(`${file} could not be read: ${read.error}`);
    else if (isObject(read.data)) sections.push({ uri: file, data: read.data });
  }
  const manifest = sections.find((s) => isObject(s.data.bot));
  if (manifest) readManifest(program, manifest.data.bot as Record<string, Json>);
  const message = (v: Json, where: string) => readMessage(v, where, program.defaultLocale);
  const quickReplies = (v: Json, where: string) =>
    Array.isArray(v) ? v.filter(isObject).map((q, i) => readQuickReply(q, `${where} button ${i + 1}`, program.defaultLocale)) : [];
  for (const { data } of sections) {
    for (const [id, value] of entries(data.intents)) {
      if (program.intents.has(id) || !isObject(value)) continue;
      program.intents.set(id, { id, examples: new Map(entries(value.examples).map(([locale, list]) => [locale, strings(list)])) });
    }
    for (const [id, value] of entries(data.entities)) {
      if (program.entities.has(id) || !isObject(value)) continue;
      const values = new Map<string, Map<string, string[]>>();
      for (const [valueId, synonyms] of entries(value.values)) {
        values.set(valueId, new Map(entries(synonyms).map(([locale, list]) => [locale, strings(list)])));
      }
      program.entities.set(id, { id, values, pattern: str(value.pattern) });
    }
    for (const [id, value] of entries(data.slots)) {
      if (program.slots.has(id) || !isObject(value)) continue;
      const type = str(value.type);
      program.slots.set(id, { id, type: type && SLOT_TYPES.has(type) ? (type as SlotType) : undefined, entity: str(value.entity) });
    }
    for (const [id, value] of entries(data.responses)) {
      if (program.responses.has(id) || !isObject(value)) continue;
      const where = `response ${id}`;
      program.responses.set(id, {
        id,
        text: message(value.text, `${where} text`),
        voice: message(value.voice, `${where} voice`),
        quickReplies: quickReplies(value.quick_replies, where),
      });
    }
    for (const [flowId, flow] of entries(data.flows)) {
      if (program.flows.has(flowId) || !isObject(flow)) continue;
      const nodes = entries(flow.nodes).filter(([, node]) => isObject(node));
      program.flows.set(flowId, { id: flowId, start: str(flow.start) ?? nodes[0]?.[0], fallback: str(flow.fallback), on: readMoves(flow.on) });
      for (const [id, node] of nodes) {
        if (program.nodes.has(id)) continue;
        program.nodes.set(id, readNode(id, flowId, node as Record<string, Json>, message, quickReplies));
      }
    }
  }
  return program;
}

function readManifest(program: BotProgram, bot: Record<string, Json>): void {
  program.name = str(bot.name) ?? '';
  program.locales = strings(bot.locales);
  program.defaultLocale = str(bot.default_locale) ?? program.locales[0] ?? 'en';
  if (program.locales.length === 0) program.locales = [program.defaultLocale];
  program.start = str(bot.start);
  program.fallback = str(bot.fallback);
  const threshold = isObject(bot.nlu) ? bot.nlu.threshold : undefined;
  if (typeof threshold === 'number' && threshold >= 0 && threshold <= 1) program.threshold = threshold;
  for (const [id, channel] of entries(bot.channels)) {
    if (!isObject(channel)) continue;
    const type = channel.type === 'chat' || channel.type === 'voice' ? channel.type : undefined;
    program.channels.set(id, { type, maxLength: typeof channel.max_length === 'number' ? channel.max_length : undefined });
  }
  program.on = readMoves(bot.on);
}

function readMessage(v: Json, where: string, defaultLocale: string): MessageSpec | undefined {
  const variants = new Map<string, string[]>();
  if (isObject(v)) {
    for (const [locale, texts] of Object.entries(v)) if (strings(texts).length > 0) variants.set(locale, strings(texts));
  } else if (strings(v).length > 0) variants.set(defaultLocale, strings(v));
  return variants.size > 0 ? { where, variants } : undefined;
}

function readTarget(v: Json): Target | undefined {
  if (typeof v === 'string') return { node: v };
  if (isObject(v) && typeof v.flow === 'string') return { flow: v.flow };
  return undefined;
}

function readMoves(v: Json): Map<string, Target> {
  const moves = new Map<string, Target>();
  for (const [intent, target] of entries(v)) {
    const t = readTarget(target);
    if (t) moves.set(intent, t);
  }
  return moves;
}

function readQuickReply(q: Record<string, Json>, where: string, defaultLocale: string): QuickReplySpec {
  const goto = str(q.goto);
  const flow = str(q.flow);
  return {
    label: readMessage(q.label, `${where} label`, defaultLocale) ?? { where, variants: new Map() },
    intent: str(q.intent),
    target: goto ? { node: goto } : flow ? { flow } : undefined,
  };
}

function readNode(
  id: string,
  flow: string,
  node: Record<string, Json>,
  message: (v: Json, where: string) => MessageSpec | undefined,
  quickReplies: (v: Json, where: string) => QuickReplySpec[],
): NodeSpec {
  const where = `node ${id}`;
  const handoff = node.handoff;
  const retries = node.retries;
  return {
    id,
    flow,
    say: message(node.say, `${where} say`),
    voice: message(node.voice, `${where} voice`),
    response: str(node.response),
    ask: str(node.ask),
    prompt: message(node.prompt, `${where} prompt`),
    validate: str(node.validate),
    retry: message(node.retry, `${where} retry`),
    retries: typeof retries === 'number' && Number.isInteger(retries) && retries >= 0 ? Math.min(retries, 10) : DEFAULT_RETRIES,
    set: entries(node.set).map(([slot, value]) => [slot, typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null]),
    quickReplies: quickReplies(node.quick_replies, where),
    on: readMoves(node.on),
    branch: Array.isArray(node.branch)
      ? node.branch
          .filter(isObject)
          .map((item) => ({ if: str(item.if), target: readTarget(item.goto) ?? (typeof item.flow === 'string' ? { flow: item.flow } : undefined) }))
      : undefined,
    next: typeof node.goto === 'string' ? { node: node.goto } : typeof node.flow === 'string' ? { flow: node.flow } : undefined,
    end: node.end === true,
    handoff:
      handoff === true ? {} : isObject(handoff) ? { queue: str(handoff.queue), message: message(handoff.message, `${where} handoff message`) } : undefined,
    fallback: str(node.fallback),
  };
}
