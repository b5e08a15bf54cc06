/**
 * From a parsed YAML document to the file's model: definitions, references, texts and the facts hover needs.
 * The walk follows the format (schemas/bot.schema.json) and skips whatever has the wrong shape: the schema check reports that.
 */
import { isMap, isPair, isScalar, isSeq, keyOf } from './yamlNodes';
import type { Document, Node as YamlNode, Pair, Scalar, YAMLMap } from 'yaml';
import { parseCondition } from './conditions';
import type { ParsedText } from './parse';
import { changedWindow } from './incremental';
import type { LineMap } from './lines';
import { validateSchema } from './schema';
import { settle } from './shifts';
import type {
  Definition,
  EntityInfo,
  Example,
  FileModel,
  FlowInfo,
  MessageInfo,
  MessageRole,
  ResponseInfo,
  IntentInfo,
  Kind,
  ManifestInfo,
  NodeInfo,
  Problem,
  Reference,
  SlotInfo,
  Span,
  TextItem,
} from './types';

/** `{slot}` placeholders; `{{` and `}}` stand for literal braces. */
export const PLACEHOLDER = /\{\{|\}\}|\{([^{}\n]*)\}?/g;
/** Entity annotations in training examples: `[text](entity)` or `[text](entity:value)`. */
export const ANNOTATION = /\[([^\]\n]*)\]\(([^)\n]*)\)/g;

export function spanOf(node: YamlNode | null | undefined): Span | undefined {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

export { keyOf };

export function pairsOf(node: unknown): Pair<Scalar, YamlNode | null>[] {
  return isMap(node) ? (node.items as Pair<Scalar, YamlNode | null>[]).filter((p) => isPair(p) && keyOf(p) !== undefined) : [];
}

export function getPair(map: unknown, key: string): Pair<Scalar, YamlNode | null> | undefined {
  return pairsOf(map).find((p) => keyOf(p) === key);
}

function stringOf(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

export interface ScalarText {
  value: string;
  /** The offset in the file of a position in the value. */
  offset(i: number): number;
  /** Whether the value is its source text, so that \`offset\` is exact everywhere. */
  exact: boolean;
}

/**
 * The text of a string scalar with a map from positions in its value to offsets in the file. When the value is its
 * source text (plain or quoted without escapes, on one line) the map is exact. Otherwise (block scalars, folded lines,
 * escapes) each character of the value is matched to the next same character of the source, skipping what the value
 * lost (indentation, line breaks, quotes, backslashes): close, but not always exact, so a span found this way is used
 * only where the source reads the same (\`spanIn\`).
 */
export function scalarText(scalar: Scalar, text: string): ScalarText | undefined {
  if (typeof scalar.value !== 'string' || !scalar.range) return undefined;
  const value = scalar.value;
  const [start, end] = scalar.range;
  const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE' ? 1 : 0;
  const contentStart = start + quoted;
  if (end - start === value.length + 2 * quoted && text.startsWith(value, contentStart)) {
    return { value, offset: (i) => contentStart + i, exact: true };
  }
  // A block scalar's header line (\`|\`, \`>-\`, a comment) is not part of its value.
  const block = scalar.type === 'BLOCK_LITERAL' || scalar.type === 'BLOCK_FOLDED';
  const from = block ? Math.min(end, text.indexOf('\n', start) + 1 || end) : contentStart;
  let map: Int32Array | undefined;
  return {
    value,
    offset: (i) => {
      map ??= alignValue(value, text, from, end);
      return map[Math.max(0, Math.min(i, value.length))];
    },
    exact: false,
  };
}

/** How far past the last matched character a value's character is looked for in the source. */
const ALIGN_WINDOW = 200;

function alignValue(value: string, text: string, from: number, end: number): Int32Array {
  const map = new Int32Array(value.length + 1);
  let j = from;
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    const last = Math.min(end, j + ALIGN_WINDOW);
    let at = j;
    while (at < last && text.charCodeAt(at) !== c) at++;
    if (at < last) {
      map[k] = at;
      j = at + 1;
    } else map[k] = j; // made by an escape (\\n, \\u…): it stays where the source is
  }
  map[value.length] = j;
  return map;
}

/**
 * Where \`value[from, to)\` of a scalar is in the file: exactly there when the source reads the same, else the whole
 * scalar (a rename and a quick fix edit a span only when it holds the id: see rename.ts, codeActions.ts).
 */
export function spanIn(content: ScalarText, text: string, scalar: Scalar, from: number, to: number): Span {
  const start = content.offset(from);
  const end = content.offset(to);
  if (content.exact || text.slice(start, end) === content.value.slice(from, to)) return { start, end };
  return spanOf(scalar)!;
}

/**
 * Where \`item.text[start, end)\` is in the file, for a problem inside a text (an email address, an SSML tag): there
 * when the source reads it (once), else the whole text. In a text over several lines, there only for a message text
 * (\`laterLines\`), whose lines \`# botmaster-ignore\` above the text silences (\`findSuppressions\`); a training example
 * keeps such a problem on the whole text, where the comment above it silences it.
 */
export function partOfText(fileText: string, item: { text: string; span: Span }, start: number, end: number, laterLines = false): Span {
  const { span } = item;
  const part = item.text.slice(start, end);
  if (part.length === 0) return span;
  const source = fileText.slice(span.start, span.end);
  let at = -1;
  if (source === item.text) at = start;
  else if (source.length === item.text.length + 2 && source.slice(1, -1) === item.text) at = start + 1;
  else if ((at = source.indexOf(part)) !== -1 && source.indexOf(part, at + 1) !== -1) at = -1;
  if (at === -1 || (!laterLines && source.lastIndexOf('\n', at) !== -1)) return span;
  return { start: span.start + at, end: span.start + at + part.length };
}

/**
 * What \`buildIntent\` made of an intent's YAML entry, kept by the entry's pair: after an edit elsewhere in a big file,
 * the incremental parse keeps the entry's YAML nodes (shifted when the edit was above), so the intent is taken again
 * as it was (or with its positions shifted) instead of being read again: 1,000 intents of 20 examples cost a few
 * milliseconds instead of tens. A pair whose text changed is a new pair (see incremental.ts).
 */
interface IntentRecord {
  uri: string;
  id: string;
  /** Where the entry's key was when the record was made. */
  start: number;
  info: IntentInfo;
  definitions: Definition[];
  references: Reference[];
}

const intentRecords = new WeakMap<Pair, IntentRecord>();
/** The locale keys of every message that is not a map of locales. */
const NO_LOCALES: ReadonlyMap<string, Span> = new Map();

/**
 * Gives the intents of `doc`, parsed again from `model`'s own text, the records that model was built from. A file's
 * document is released while the file is closed, and parsed again when it is opened (documents.ts): its pairs are new
 * then, and without this the first keystroke in the file built every intent anew (on the issue-3 bot's 1.45 MB training
 * file, 60–105 ms of the service's part of that keystroke instead of 26, in-process). An intent's definitions and
 * references are the model's, between its key and the next entry's; an intent that is not where the model has it, or
 * whose id the file defines twice, is left to be built anew.
 */
export function adoptIntentRecords(model: FileModel, doc: Document.Parsed | undefined): void {
  const { definitions, references } = model;
  let d = 0;
  let r = 0;
  const sections = pairsOf(doc?.contents);
  sections.forEach((section, s) => {
    if (keyOf(section) !== 'intents') return;
    const pairs = pairsOf(section.value);
    const sectionEnd = s + 1 < sections.length ? (sections[s + 1].key?.range?.[0] ?? Infinity) : Infinity;
    pairs.forEach((pair, i) => {
      const id = keyOf(pair);
      const start = pair.key?.range?.[0];
      if (id === undefined || start === undefined) return;
      const end = i + 1 < pairs.length ? (pairs[i + 1].key?.range?.[0] ?? sectionEnd) : sectionEnd;
      while (d < definitions.length && definitions[d].span.start < start) d++;
      while (r < references.length && references[r].span.start < start) r++;
      const first = d;
      const firstRef = r;
      while (d < definitions.length && definitions[d].span.start < end) d++;
      while (r < references.length && references[r].span.start < end) r++;
      const info = model.intents.get(id);
      const own = definitions[first];
      if (!info || info.span.start !== start || d !== first + 1 || own.kind !== 'intent' || own.id !== id || own.span.start !== start) return;
      intentRecords.set(pair, intentRecord(model.uri, id, start, info, part(definitions, first, d), part(references, firstRef, r)));
    });
  });
}

/**
 * A record, always made here, with its lists made the same way (pushed one by one): records of one shape, so that the
 * code reading them at each keystroke stays optimised. Records of three shapes (an object literal, a spread copy, lists
 * from \`slice\`, \`map\` and a literal) made V8 drop its optimised \`buildIntent\` four times over the first
 * keystrokes after opening a big file, each time for the rest of that keystroke's intents (\`--trace-deopt\`).
 */
function intentRecord(uri: string, id: string, start: number, info: IntentInfo, definitions: Definition[], references: Reference[]): IntentRecord {
  return { uri, id, start, info, definitions, references };
}

/** The part \`[from, to)\` of a list, as a list pushed one by one (see \`intentRecord\`). */
function part<T>(list: readonly T[], from: number, to: number): T[] {
  const out: T[] = [];
  for (let i = from; i < to; i++) out.push(list[i]);
  return out;
}

function shiftRecord(record: IntentRecord, delta: number): IntentRecord {
  const shift = (span: Span): Span => ({ start: span.start + delta, end: span.end + delta });
  // Written out rather than spread: spreading them took 4 ms of an edit near the top of the 1.45 MB training file.
  const definitions: Definition[] = [];
  for (const d of record.definitions) definitions.push({ kind: d.kind, id: d.id, uri: d.uri, span: shift(d.span), full: shift(d.full), flow: d.flow });
  const references: Reference[] = [];
  for (const r of record.references) references.push({ kind: r.kind, id: r.id, uri: r.uri, span: shift(r.span) });
  return intentRecord(record.uri, record.id, record.start + delta, ShiftedIntentInfo.of(record.info, delta), definitions, references);
}

/**
 * An intent as read from an older version of its file, \`delta\` characters later in the text. Its examples and
 * language keys are moved when first read: typing in a big training file moves every intent after the cursor, and
 * the examples are read by the bot-wide checks only, which run when typing pauses (moving 10,000 examples' spans
 * at every keystroke made garbage and about 1.7 ms of an edit in the middle of the issue-3 bot's training file).
 */
class ShiftedIntentInfo implements IntentInfo {
  readonly description: string | undefined;
  readonly span: Span;
  private movedExamples: IntentInfo['examples'] | undefined;
  private movedLocaleSpans: IntentInfo['localeSpans'] | undefined;

  /** \`info\` moved by \`delta\`: from the info it was read as, so that moves do not pile up while typing goes on. */
  static of(info: IntentInfo, delta: number): IntentInfo {
    const base = info instanceof ShiftedIntentInfo ? info.base : info;
    const total = (info instanceof ShiftedIntentInfo ? info.delta : 0) + delta;
    return total === 0 ? base : new ShiftedIntentInfo(base, total);
  }

  private constructor(
    private readonly base: IntentInfo,
    private readonly delta: number,
  ) {
    this.description = base.description;
    this.span = this.moved(base.span);
  }

  get examples(): IntentInfo['examples'] {
    // Their normalised words come along (when the checks had read them already).
    return (this.movedExamples ??= new Map(
      [...this.base.examples].map(([locale, list]) => [locale, list.map((e) => ({ uri: e.uri, intent: e.intent, text: e.text, span: this.moved(e.span), normalized: e.normalized }))]),
    ));
  }

  get localeSpans(): IntentInfo['localeSpans'] {
    return (this.movedLocaleSpans ??= new Map([...this.base.localeSpans].map(([locale, span]) => [locale, this.moved(span)])));
  }

  private moved(span: Span): Span {
    return { start: span.start + this.delta, end: span.end + this.delta };
  }
}

class ModelBuilder {
  readonly definitions: Definition[] = [];
  readonly references: Reference[] = [];
  readonly problems: Problem[] = [];
  readonly intents = new Map<string, IntentInfo>();
  readonly nodes = new Map<string, NodeInfo>();
  readonly slots = new Map<string, SlotInfo>();
  readonly flows = new Map<string, FlowInfo>();
  readonly responses = new Map<string, ResponseInfo>();
  readonly entities = new Map<string, EntityInfo>();
  readonly messages: MessageInfo[] = [];
  readonly conditions: FileModel['conditions'] = [];
  readonly descriptions = new Map<string, string>();
  manifest?: ManifestInfo;

  constructor(
    readonly uri: string,
    readonly text: string,
    /** Brings an entry's positions up to date before it is read (shifts.ts). */
    private readonly settle: (entryValue: unknown) => void = () => {},
  ) {}

  define(kind: Kind, id: string, pair: Pair, flow?: string): void {
    const span = spanOf(pair.key as YamlNode)!;
    const end = pair.value && (pair.value as YamlNode).range ? (pair.value as YamlNode).range![1] : span.end;
    this.definitions.push({ kind, id, uri: this.uri, span, full: { start: span.start, end }, flow });
    // An intent's is in its \`IntentInfo\` (the 1,000 intents of a big training file were set in this map again at
    // every keystroke).
    if (kind === 'intent') return;
    const description = stringOf((getPair(pair.value, 'description') ?? {}).value);
    if (description) this.descriptions.set(`${kind}:${id}`, description);
  }

  refer(kind: Kind, node: unknown, id = stringOf(node)): void {
    const span = spanOf(node as YamlNode);
    if (id !== undefined && span) this.references.push({ kind, id, uri: this.uri, span });
  }

  /** The message under `key` of a map, recorded with its role (for the translation and wording checks). */
  messageAt(map: unknown, key: string, role: MessageRole): TextItem[] {
    const pair = getPair(map, key);
    if (!pair) return [];
    const texts = this.message(pair.value);
    const keySpan = spanOf(pair.key as YamlNode);
    const span = spanOf(pair.value as YamlNode) ?? keySpan;
    if (keySpan && span) {
      // Most messages are one text or a list (no locale keys): they share one empty map (25,000 maps, 4.6 MB, on the
      // issue-3 bot when each had its own).
      let locales: ReadonlyMap<string, Span> = NO_LOCALES;
      if (isMap(pair.value)) {
        const keys = new Map<string, Span>();
        for (const p of pairsOf(pair.value)) keys.set(keyOf(p)!, spanOf(p.key as YamlNode)!);
        locales = keys;
      }
      this.messages.push({ role, keySpan, span, texts, locales, isMap: isMap(pair.value) });
    }
    return texts;
  }

  /** A message: a text, a list of variants, or a map of locales. Returns its texts (placeholders are references). */
  message(node: unknown): TextItem[] {
    const texts: TextItem[] = [];
    const add = (item: unknown, locale?: string) => {
      if (isSeq(item)) for (const variant of item.items) add(variant, locale);
      else if (isScalar(item) && typeof item.value === 'string') {
        texts.push({ span: spanOf(item)!, text: item.value, locale });
        this.placeholders(item);
      }
    };
    if (isMap(node)) {
      for (const pair of pairsOf(node)) {
        this.refer('locale', pair.key);
        add(pair.value, keyOf(pair));
      }
    } else add(node);
    return texts;
  }

  placeholders(scalar: Scalar): void {
    const content = scalarText(scalar, this.text);
    if (!content || !content.value.includes('{')) return;
    for (const m of content.value.matchAll(PLACEHOLDER)) {
      if (m[0] === '{{' || m[0] === '}}') continue;
      const start = m.index!;
      if (!m[0].endsWith('}')) {
        this.problems.push({
          code: 'placeholder-syntax',
          message: 'This placeholder is not closed: write `{slot}`, or `{{` for a brace.',
          span: spanIn(content, this.text, scalar, start, start + m[0].length),
        });
        continue;
      }
      const name = m[1].trim();
      const nameStart = start + 1 + m[1].indexOf(name);
      if (name) this.references.push({ kind: 'slot', id: name, uri: this.uri, span: spanIn(content, this.text, scalar, nameStart, nameStart + name.length) });
    }
  }

  condition(node: unknown): string | undefined {
    if (!isScalar(node)) return undefined;
    const content = scalarText(node, this.text);
    if (!content) return undefined;
    const parsed = parseCondition(content.value);
    this.conditions.push({ text: content.value, span: spanOf(node)!, contentStart: content.exact ? content.offset(0) : undefined });
    for (const slot of parsed.slots) {
      this.references.push({ kind: 'slot', id: slot.name, uri: this.uri, span: spanIn(content, this.text, node, slot.start, slot.end) });
    }
    if (parsed.error) {
      const { message, start, end } = parsed.error;
      this.problems.push({ code: 'condition-syntax', message, span: spanIn(content, this.text, node, start, Math.max(end, start + 1)) });
    }
    return content.value;
  }

  /** `{ flow: id }` or a node id. */
  target(node: unknown): { kind: 'node' | 'flow'; id: string } | undefined {
    if (isMap(node)) {
      const flow = getPair(node, 'flow');
      this.refer('flow', flow?.value);
      const id = stringOf(flow?.value);
      return id ? { kind: 'flow', id } : undefined;
    }
    this.refer('node', node);
    const id = stringOf(node);
    return id ? { kind: 'node', id } : undefined;
  }

  /** Moves on intents; returns the intents. */
  intentMoves(node: unknown, moves?: NodeInfo['moves']): string[] {
    const intents: string[] = [];
    for (const pair of pairsOf(node)) {
      this.refer('intent', pair.key);
      intents.push(keyOf(pair)!);
      const target = this.target(pair.value);
      if (target && moves) moves.push({ via: keyOf(pair)!, ...target, auto: false });
    }
    return intents;
  }

  quickReplies(node: unknown, moves?: NodeInfo['moves']): void {
    if (!isSeq(node)) return;
    for (const item of node.items) {
      const label = this.messageAt(item, 'label', 'label');
      const via = label[0]?.text ?? 'button';
      const intent = getPair(item, 'intent')?.value;
      this.refer('intent', intent);
      const goto = getPair(item, 'goto')?.value;
      this.refer('node', goto);
      const flow = getPair(item, 'flow')?.value;
      this.refer('flow', flow);
      const gotoId = stringOf(goto);
      const flowId = stringOf(flow);
      if (moves && gotoId) moves.push({ via, kind: 'node', id: gotoId, auto: false });
      if (moves && flowId) moves.push({ via, kind: 'flow', id: flowId, auto: false });
    }
  }

  build(root: unknown): void {
    for (const section of pairsOf(root)) {
      const value = section.value;
      const key = keyOf(section);
      // An intent reused from the file's last version reads only its key (buildIntent); every other entry is read whole.
      if (key !== 'intents') for (const pair of pairsOf(value)) this.settle(pair.value);
      switch (key) {
        case 'bot':
          this.buildManifest(section);
          break;
        case 'intents':
          for (const pair of pairsOf(value)) this.buildIntent(pair);
          break;
        case 'entities':
          for (const pair of pairsOf(value)) this.buildEntity(pair);
          break;
        case 'slots':
          for (const pair of pairsOf(value)) {
            const id = keyOf(pair)!;
            this.define('slot', id, pair);
            const entity = getPair(pair.value, 'entity')?.value;
            this.refer('entity', entity);
            this.slots.set(id, {
              description: stringOf(getPair(pair.value, 'description')?.value),
              type: stringOf(getPair(pair.value, 'type')?.value),
              entity: stringOf(entity),
            });
          }
          break;
        case 'responses':
          for (const pair of pairsOf(value)) {
            this.define('response', keyOf(pair)!, pair);
            const texts = this.messageAt(pair.value, 'text', 'text');
            this.messageAt(pair.value, 'voice', 'voice');
            const quickReplies = getPair(pair.value, 'quick_replies')?.value;
            this.quickReplies(quickReplies);
            this.responses.set(keyOf(pair)!, { texts, hasQuickReplies: isSeq(quickReplies) && quickReplies.items.length > 0 });
          }
          break;
        case 'flows':
          for (const pair of pairsOf(value)) this.buildFlow(pair);
          break;
      }
    }
  }

  buildManifest(section: Pair): void {
    const bot = section.value;
    const locales: string[] = [];
    const list = getPair(bot, 'locales')?.value;
    if (isSeq(list)) {
      for (const item of list.items) {
        const id = stringOf(item);
        if (id === undefined) continue;
        locales.push(id);
        const span = spanOf(item as YamlNode)!;
        this.definitions.push({ kind: 'locale', id, uri: this.uri, span, full: span });
      }
    }
    const defaultLocale = getPair(bot, 'default_locale')?.value;
    this.refer('locale', defaultLocale);
    const start = getPair(bot, 'start')?.value;
    this.refer('node', start);
    const fallback = getPair(bot, 'fallback')?.value;
    this.refer('node', fallback);
    this.intentMoves(getPair(bot, 'on')?.value);
    const channels: ManifestInfo['channels'] = [];
    for (const channel of pairsOf(getPair(bot, 'channels')?.value)) {
      const type = stringOf(getPair(channel.value, 'type')?.value) === 'voice' ? 'voice' : 'chat';
      const max = getPair(channel.value, 'max_length')?.value;
      channels.push({ id: keyOf(channel)!, type, maxLength: isScalar(max) && typeof max.value === 'number' ? max.value : undefined });
    }
    const words = getPair(bot, 'words')?.value;
    const checks = new Map<string, string>();
    for (const check of pairsOf(getPair(bot, 'checks')?.value)) {
      const level = stringOf(check.value);
      if (level) checks.set(keyOf(check)!, level);
    }
    const nlu = getPair(bot, 'nlu')?.value;
    const numberOf = (node: unknown) => (isScalar(node) && typeof node.value === 'number' ? node.value : undefined);
    this.manifest = {
      minExamples: numberOf(getPair(nlu, 'min_examples')?.value),
      confusableSimilarity: numberOf(getPair(nlu, 'confusable_similarity')?.value),
      name: stringOf(getPair(bot, 'name')?.value),
      locales,
      defaultLocale: stringOf(defaultLocale) ?? locales[0],
      start: stringOf(start),
      fallback: stringOf(fallback),
      channels,
      words: isSeq(words) ? words.items.map(stringOf).filter((w) => w !== undefined) : [],
      checks,
      span: spanOf(section.key as YamlNode)!,
    };
  }

  buildIntent(pair: Pair): void {
    const id = keyOf(pair)!;
    const start = (pair.key as YamlNode).range?.[0];
    const known = start === undefined ? undefined : intentRecords.get(pair);
    if (known && known.uri === this.uri && known.id === id) {
      let record = known;
      if (known.start !== start) intentRecords.set(pair, (record = shiftRecord(known, start! - known.start)));
      for (const definition of record.definitions) this.definitions.push(definition);
      for (const reference of record.references) this.references.push(reference);
      this.intents.set(id, record.info);
      return;
    }
    const definitionsBefore = this.definitions.length;
    const referencesBefore = this.references.length;
    this.settle(pair.value);
    this.buildIntentAnew(id, pair);
    if (start !== undefined) {
      const { definitions, references } = this;
      intentRecords.set(pair, intentRecord(this.uri, id, start, this.intents.get(id)!, part(definitions, definitionsBefore, definitions.length), part(references, referencesBefore, references.length)));
    }
  }

  private buildIntentAnew(id: string, pair: Pair): void {
    this.define('intent', id, pair);
    const info: IntentInfo = {
      description: stringOf(getPair(pair.value, 'description')?.value),
      span: spanOf(pair.key as YamlNode)!,
      examples: new Map(),
      localeSpans: new Map(),
    };
    this.intents.set(id, info);
    for (const localePair of pairsOf(getPair(pair.value, 'examples')?.value)) {
      this.refer('locale', localePair.key);
      const list: Example[] = [];
      info.examples.set(keyOf(localePair)!, list);
      info.localeSpans.set(keyOf(localePair)!, spanOf(localePair.key as YamlNode)!);
      if (!isSeq(localePair.value)) continue;
      for (const item of localePair.value.items) {
        if (!isScalar(item)) continue;
        const content = scalarText(item, this.text);
        if (!content) continue;
        list.push({ uri: this.uri, intent: id, text: content.value, span: spanOf(item)!, normalized: undefined });
        if (!content.value.includes('](')) continue;
        for (const m of content.value.matchAll(ANNOTATION)) {
          const inner = m[2];
          const colon = inner.indexOf(':');
          const entity = (colon === -1 ? inner : inner.slice(0, colon)).trim();
          const entityStart = m.index! + m[1].length + 3 + inner.indexOf(entity);
          this.references.push({ kind: 'entity', id: entity, uri: this.uri, span: spanIn(content, this.text, item, entityStart, entityStart + entity.length) });
          if (colon !== -1) {
            const value = inner.slice(colon + 1).trim();
            const valueStart = m.index! + m[1].length + 3 + colon + 1 + inner.slice(colon + 1).indexOf(value);
            this.references.push({ kind: 'value', id: `${entity}:${value}`, uri: this.uri, span: spanIn(content, this.text, item, valueStart, valueStart + value.length) });
          }
        }
      }
    }
  }

  buildEntity(pair: Pair): void {
    const id = keyOf(pair)!;
    this.define('entity', id, pair);
    const values: string[] = [];
    for (const valuePair of pairsOf(getPair(pair.value, 'values')?.value)) {
      values.push(keyOf(valuePair)!);
      this.define('value', `${id}:${keyOf(valuePair)}`, valuePair);
      for (const localePair of pairsOf(valuePair.value)) this.refer('locale', localePair.key);
    }
    const pattern = getPair(pair.value, 'pattern')?.value;
    this.entities.set(id, { values, hasPattern: stringOf(pattern) !== undefined });
    const source = stringOf(pattern);
    if (source !== undefined) {
      try {
        new RegExp(source, 'u');
      } catch (e) {
        const reason = (e as Error).message.replace(/^Invalid regular expression: \/.*\/u?: /, '');
        this.problems.push({ code: 'invalid-pattern', message: `This pattern is not a valid regular expression: ${reason}.`, span: spanOf(pattern as YamlNode)! });
      }
    }
  }

  buildFlow(pair: Pair): void {
    const flowId = keyOf(pair)!;
    this.define('flow', flowId, pair);
    const flow = pair.value;
    const start = getPair(flow, 'start')?.value;
    this.refer('node', start);
    const fallback = getPair(flow, 'fallback')?.value;
    this.refer('node', fallback);
    const intents = this.intentMoves(getPair(flow, 'on')?.value);
    const first = pairsOf(getPair(flow, 'nodes')?.value)[0];
    this.flows.set(flowId, { start: stringOf(start) ?? (first ? keyOf(first) : undefined), fallback: stringOf(fallback), intents });
    for (const nodePair of pairsOf(getPair(flow, 'nodes')?.value)) this.buildNode(nodePair, flowId);
  }

  buildNode(pair: Pair, flow: string): void {
    const id = keyOf(pair)!;
    this.define('node', id, pair, flow);
    const node = pair.value;
    const get = (key: string) => getPair(node, key)?.value;
    const quickReplies = get('quick_replies');
    const on = get('on');
    const info: NodeInfo = {
      flow,
      span: spanOf(pair.key as YamlNode)!,
      description: stringOf(get('description')),
      texts: [],
      moves: [],
      branch: [],
      waits: get('ask') !== undefined || (isSeq(quickReplies) && quickReplies.items.length > 0) || (isMap(on) && on.items.length > 0),
      hasPrompt: getPair(node, 'prompt') !== undefined,
      end: isScalar(get('end')) && (get('end') as Scalar).value === true,
      handoff: false,
    };
    this.nodes.set(id, info);
    info.texts.push(...this.messageAt(node, 'say', 'say'), ...this.messageAt(node, 'prompt', 'prompt'));
    this.messageAt(node, 'voice', 'voice');
    this.messageAt(node, 'retry', 'retry');
    const response = get('response');
    this.refer('response', response);
    info.response = stringOf(response);
    const ask = get('ask');
    this.refer('slot', ask);
    info.ask = stringOf(ask);
    this.condition(get('validate'));
    for (const setPair of pairsOf(get('set'))) {
      this.refer('slot', setPair.key);
      if (isScalar(setPair.value)) this.placeholders(setPair.value);
    }
    this.quickReplies(quickReplies, info.moves);
    this.intentMoves(on, info.moves);
    const branch = get('branch');
    info.branchSpan = spanOf(getPair(node, 'branch')?.key as YamlNode);
    if (isSeq(branch)) {
      for (const item of branch.items) {
        const ifPair = getPair(item, 'if');
        const condition = this.condition(ifPair?.value);
        info.branch.push({ condition, conditionSpan: spanOf(ifPair?.value as YamlNode), itemSpan: spanOf(item as YamlNode)! });
        const via = condition ?? 'else';
        const goto = getPair(item, 'goto')?.value;
        this.refer('node', goto);
        const flowRef = getPair(item, 'flow')?.value;
        this.refer('flow', flowRef);
        if (stringOf(goto)) info.moves.push({ via, kind: 'node', id: stringOf(goto)!, auto: true });
        if (stringOf(flowRef)) info.moves.push({ via, kind: 'flow', id: stringOf(flowRef)!, auto: true });
      }
    }
    const goto = get('goto');
    this.refer('node', goto);
    if (stringOf(goto)) info.moves.push({ via: 'next', kind: 'node', id: stringOf(goto)!, auto: true });
    const flowRef = get('flow');
    this.refer('flow', flowRef);
    if (stringOf(flowRef)) info.moves.push({ via: 'next', kind: 'flow', id: stringOf(flowRef)!, auto: true });
    const handoff = get('handoff');
    info.handoff = isMap(handoff) || (isScalar(handoff) && handoff.value === true);
    if (isMap(handoff)) this.messageAt(handoff, 'message', 'handoff');
    const fallback = get('fallback');
    this.refer('node', fallback);
    info.fallback = stringOf(fallback);
    if (info.fallback) info.moves.push({ via: 'not understood', kind: 'node', id: info.fallback, auto: false });
  }
}

/**
 * Builds a file's model. `schemaProblems` is given after an incremental re-parse (see incremental.ts); `previous` is
 * the file's last model, when this text is an edit of it (its suppressions are kept when the edit cannot change them).
 */
export function buildModel(uri: string, version: number, text: string, parsed: ParsedText, schemaProblems?: Problem[], previous?: FileModel): FileModel {
  const builder = new ModelBuilder(uri, text, (node) => settle(parsed.doc, node));
  const problems = [...parsed.problems];
  if (parsed.doc) {
    const root = parsed.doc.contents;
    try {
      builder.build(root);
    } catch (e) {
      // The walk only reads shapes it checked; a throw here is a bug, reported on the file rather than crashing the server.
      problems.push({ code: 'yaml-syntax', message: `Botmaster could not read this file: ${(e as Error).message}`, span: { start: 0, end: 0 } });
    }
    if (!schemaProblems) schemaProblems = parsed.doc.errors.length === 0 && root !== null ? validateSchema(parsed.doc) : [];
    problems.push(...schemaProblems);
  }
  problems.push(...builder.problems);
  return {
    uri,
    version,
    text,
    lines: parsed.lines,
    doc: parsed.doc,
    hasContent: !!parsed.doc?.contents,
    problems,
    parsed,
    schemaProblems: schemaProblems ?? [],
    manifest: builder.manifest,
    definitions: builder.definitions,
    references: builder.references,
    intents: builder.intents,
    nodes: builder.nodes,
    slots: builder.slots,
    flows: builder.flows,
    responses: builder.responses,
    entities: builder.entities,
    messages: builder.messages,
    conditions: builder.conditions,
    descriptions: builder.descriptions,
    suppressions: previous?.suppressions === NO_SUPPRESSIONS && !mayAddSuppression(previous.text, text) ? NO_SUPPRESSIONS : findSuppressions(text, parsed.lines, builder),
  };
}

/**
 * `# botmaster-ignore code another-code` silences those codes on the next line (all codes when none is named), and,
 * when a text that goes on over several lines starts there (a block text, \`|\` or \`>\`), on all its lines: a comment
 * cannot go inside such a text.
 */
const SUPPRESSION = /#\s*botmaster-ignore\b([^\n]*)/g;

const IGNORE = 'botmaster-ignore';
/** The suppressions of a text without the word `botmaster-ignore` anywhere (shared, never changed). */
const NO_SUPPRESSIONS: Map<number, Set<string>> = new Map();

function findSuppressions(text: string, lines: LineMap, texts: Pick<ModelBuilder, 'messages' | 'conditions'>): Map<number, Set<string>> {
  if (!text.includes(IGNORE)) return NO_SUPPRESSIONS;
  const result = new Map<number, Set<string>>();
  for (const m of text.matchAll(SUPPRESSION)) {
    const codes = m[1].split(/[\s,]+/).filter(Boolean);
    result.set(lines.lineOf(m.index!) + 1, new Set(codes.length ? codes : ['*']));
  }
  // The later lines of a text that starts on a silenced line (the texts of a file are read only when it has a comment).
  const spread = (span: Span) => {
    const first = lines.lineOf(span.start);
    const codes = result.get(first);
    if (!codes) return;
    const last = lines.lineOf(Math.max(span.start, span.end - 1));
    for (let line = first + 1; line <= last; line++) {
      const held = result.get(line);
      if (held) for (const code of codes) held.add(code);
      else result.set(line, new Set(codes));
    }
  };
  for (const span of silenceableTexts(texts)) spread(span);
  return result;
}

/** Where the texts an ignore comment above them silences whole are: message texts and conditions. */
function* silenceableTexts(texts: Pick<FileModel, 'messages' | 'conditions'>): Generator<Span> {
  for (const message of texts.messages) for (const item of message.texts) yield item.span;
  for (const condition of texts.conditions) yield condition.span;
}

/** The first line of the text holding \`offset\`, when a message text or condition spans several lines and holds it. */
export function multiLineTextAt(model: FileModel, offset: number): number | undefined {
  for (const span of silenceableTexts(model)) {
    if (span.start < offset && offset < span.end && model.lines.lineOf(span.start) < model.lines.lineOf(offset)) return model.lines.lineOf(span.start);
  }
  return undefined;
}

/**
 * Whether an edit of a text without the word `botmaster-ignore` may have written a suppression: whether the new text
 * has the word where it changed. Searching the whole text for it took 1.4 ms of each keystroke in the issue-3 bot's
 * 1.45 MB training file (CPU profile through LSP).
 */
function mayAddSuppression(before: string, after: string): boolean {
  const { start, oldEnd, delta } = changedWindow(before, after);
  return after.slice(Math.max(0, start - IGNORE.length), oldEnd + delta + IGNORE.length).includes(IGNORE);
}

export type { YAMLMap };
