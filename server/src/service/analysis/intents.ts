/** Intents: too few examples, intents nothing uses, the same example twice. (Confusable examples: confusables.ts.) */
import type { Example, FileModel } from '../types';
import type { Bot } from '../workspace';
import type { BotContext, Report } from './context';
import { perFile } from './context';
import { languageName } from './context';

export const DEFAULT_MIN_EXAMPLES = 5;

const ANNOTATION = /\[([^\]\n]*)\]\([^)\n]*\)/g;

/** The text of an example as the matcher sees it: annotations reduced to their text, no case, accents or punctuation. */
export function normalizeExample(text: string): string {
  const plain = text.includes('](') ? text.replace(ANNOTATION, '$1') : text;
  // Printable ASCII (most examples): the same result in one pass, without the Unicode passes.
  const ascii = normalizeAscii(plain);
  if (ascii !== undefined) return ascii;
  return plain
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const asciiBuffer = new Uint16Array(2048);

/**
 * \`text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()\` for printable ASCII, in one pass over the characters, and
 * the text itself when it is already so (two examples in five of the issue-3 bot). Undefined for other text.
 */
function normalizeAscii(text: string): string | undefined {
  if (text.length > asciiBuffer.length) return undefined;
  let length = 0;
  let gap = false; // separators seen since the last letter or digit
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return undefined;
    if (c >= 65 && c <= 90) {
      c += 32;
      changed = true;
    }
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (gap && length > 0) asciiBuffer[length++] = 32;
      gap = false;
      asciiBuffer[length++] = c;
    } else {
      // Anything but one space between two words changes the text.
      if (c !== 32 || gap || length === 0) changed = true;
      gap = true;
    }
  }
  if (gap) changed = true;
  return changed ? String.fromCharCode.apply(null, asciiBuffer.subarray(0, length) as unknown as number[]) : text;
}

export function* checkIntents(context: BotContext, report: Report): Generator<void, void, void> {
  const minimum = context.manifest?.minExamples ?? DEFAULT_MIN_EXAMPLES;
  for (const model of context.models) {
    yield;
    for (const [id, intent] of model.intents) {
      if (context.uses('intent', id) === 0) {
        report.add(model.uri, { code: 'unused-intent', message: `Nothing uses the intent \`${id}\`: no \`on\` and no quick reply leads anywhere when the user says it.`, span: intent.span, data: { kind: 'intent', id } });
      }
      for (const [locale, examples] of intent.examples) {
        if (examples.length < minimum) {
          report.add(model.uri, {
            code: 'few-examples',
            message: `\`${id}\` has ${examples.length} training example${examples.length === 1 ? '' : 's'} in ${languageName(locale)}; give it at least ${minimum} so the bot recognises it.`,
            span: intent.localeSpans.get(locale) ?? intent.span,
          });
        }
      }
    }
  }
  const groups = yield* duplicateGroups(context);
  for (const [locale, table] of groups.tables) for (const words of table.duplicated) reportDuplicates(table.withWords(words), locale, report);
}

/** A training example with its normalised words (duplicates and confusable examples share them). */
export interface ExampleText extends Example {
  normalized: string;
}

/**
 * A file's examples per language, in file order, with their normalised words: the model's own example objects, their
 * words normalised the first time (an example an edit did not touch keeps its words: the model passes the object
 * on, or a moved copy of it with its words).
 */
export function examplesOf(model: FileModel): Map<string, ExampleText[]> {
  return perFile('examples', model, '', () => {
    const byLocale = new Map<string, ExampleText[]>();
    for (const info of model.intents.values()) {
      for (const [locale, examples] of info.examples) {
        let list = byLocale.get(locale);
        if (!list) byLocale.set(locale, (list = []));
        for (const example of examples) {
          example.normalized ??= normalizeExample(example.text);
          list.push(example as ExampleText);
        }
      }
    }
    return byLocale;
  });
}

/**
 * Every example of a bot by language and normalised words, and the words found more than once. Kept per bot and
 * updated after an edit with the changed files only.
 */
interface Groups {
  models: Map<string, FileModel>;
  tables: Map<string, WordTable>;
  /** Each file's entries, per language (in the order of \`examplesOf\`). */
  entries: Map<string, Map<string, Int32Array>>;
}

const groupsOfBot = new WeakMap<Bot, Groups>();

function* duplicateGroups(context: BotContext): Generator<void, Groups, void> {
  const current = new Map(context.models.map((m) => [m.uri, m]));
  let groups = groupsOfBot.get(context.bot);
  const changed = groups ? [...current.values()].filter((m) => groups!.models.get(m.uri) !== m).map((m) => m.uri) : [];
  if (groups) for (const uri of groups.models.keys()) if (!current.has(uri)) changed.push(uri);
  if (groups && changed.length <= Math.max(1, current.size / 4)) {
    // Updated in place, without pausing: a half-updated index is never left behind.
    for (const uri of changed) {
      for (const [locale, ids] of groups.entries.get(uri) ?? []) for (const id of ids) groups.tables.get(locale)!.remove(id);
      groups.entries.delete(uri);
      const after = current.get(uri);
      if (after) addFile(groups, after);
    }
    groups.models = current;
    return groups;
  }
  groupsOfBot.delete(context.bot);
  // Room for every example at once.
  const counts = new Map<string, number>();
  for (const model of current.values()) {
    yield;
    for (const [locale, examples] of examplesOf(model)) counts.set(locale, (counts.get(locale) ?? 0) + examples.length);
  }
  const fresh: Groups = { models: current, tables: new Map([...counts].map(([locale, count]) => [locale, new WordTable(count)])), entries: new Map() };
  for (const model of current.values()) {
    yield;
    addFile(fresh, model);
  }
  groupsOfBot.set(context.bot, fresh);
  return fresh;
}

function addFile(groups: Groups, model: FileModel): void {
  const entries = new Map<string, Int32Array>();
  for (const [locale, examples] of examplesOf(model)) {
    let table = groups.tables.get(locale);
    if (!table) groups.tables.set(locale, (table = new WordTable(examples.length)));
    const ids = new Int32Array(examples.length);
    for (let i = 0; i < examples.length; i++) ids[i] = table.add(examples[i]);
    entries.set(locale, ids);
  }
  groups.entries.set(model.uri, entries);
}

/** A 32-bit hash of a text's characters (FNV-1a). */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * The examples of one language by their normalised words: a hash table whose chains are kept in typed arrays, and
 * the words more than one example has. (A \`Map\` from 200,000 words to their examples took about 200 ms to fill on
 * the issue-3 bot.) An entry's number is kept until it is removed; removed numbers are used again.
 */
export class WordTable {
  private examples: (ExampleText | undefined)[] = [];
  private hashes: Int32Array;
  /** The next entry of the same chain, -1 at its end. */
  private next: Int32Array;
  /** The first entry of each chain, -1: none. */
  private heads: Int32Array;
  private readonly free: number[] = [];
  private count = 0;
  /** The words of more than one entry. */
  readonly duplicated = new Set<string>();

  constructor(expected: number) {
    const room = Math.max(16, expected);
    this.hashes = new Int32Array(room);
    this.next = new Int32Array(room);
    this.heads = new Int32Array(bucketsFor(room)).fill(-1);
  }

  /** Adds an example; returns its entry number. */
  add(example: ExampleText): number {
    const id = this.free.length > 0 ? this.free.pop()! : this.examples.length;
    if (id >= this.next.length) this.grow(id + Math.max(1024, id >> 3));
    if (2 * (this.count + 1) > this.heads.length) this.rehash(bucketsFor(2 * this.count + 2));
    const words = example.normalized;
    const hash = hashOf(words);
    const bucket = hash & (this.heads.length - 1);
    for (let at = this.heads[bucket]; at !== -1; at = this.next[at]) {
      if (this.hashes[at] === hash && this.examples[at]!.normalized === words) {
        this.duplicated.add(words);
        break;
      }
    }
    this.examples[id] = example;
    this.hashes[id] = hash;
    this.next[id] = this.heads[bucket];
    this.heads[bucket] = id;
    this.count++;
    return id;
  }

  /** Removes an entry. */
  remove(id: number): void {
    const example = this.examples[id];
    if (!example) return;
    const hash = this.hashes[id];
    const bucket = hash & (this.heads.length - 1);
    if (this.heads[bucket] === id) this.heads[bucket] = this.next[id];
    else {
      let at = this.heads[bucket];
      while (at !== -1 && this.next[at] !== id) at = this.next[at];
      if (at !== -1) this.next[at] = this.next[id];
    }
    this.examples[id] = undefined;
    this.free.push(id);
    this.count--;
    // One example left with these words: they are no longer duplicated (none left: they were not).
    if (this.withWords(example.normalized, hash, 2).length === 1) this.duplicated.delete(example.normalized);
  }

  /** The examples with these words (at most \`limit\`). */
  withWords(words: string, hash = hashOf(words), limit = Infinity): ExampleText[] {
    const found: ExampleText[] = [];
    for (let at = this.heads[hash & (this.heads.length - 1)]; at !== -1 && found.length < limit; at = this.next[at]) {
      if (this.hashes[at] === hash && this.examples[at]!.normalized === words) found.push(this.examples[at]!);
    }
    return found;
  }

  get size(): number {
    return this.count;
  }

  private grow(room: number): void {
    const hashes = new Int32Array(room);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const next = new Int32Array(room);
    next.set(this.next);
    this.next = next;
  }

  private rehash(buckets: number): void {
    this.heads = new Int32Array(buckets).fill(-1);
    const mask = buckets - 1;
    for (let id = 0; id < this.examples.length; id++) {
      if (!this.examples[id]) continue;
      const bucket = this.hashes[id] & mask;
      this.next[id] = this.heads[bucket];
      this.heads[bucket] = id;
    }
  }
}

/** A power of two at least twice \`entries\` (chains of one entry or none, mostly). */
function bucketsFor(entries: number): number {
  let buckets = 16;
  while (buckets < 2 * entries) buckets *= 2;
  return buckets;
}

/**
 * The same example twice in one intent: reported on the later one. In several intents: reported on each, with the
 * others as related places (so the result does not depend on which file was read first).
 */
function reportDuplicates(unordered: ExampleText[], locale: string, report: Report): void {
  // In file order, so the messages do not depend on which file changed last.
  const group = [...unordered].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.span.start - b.span.start));
  for (const [at, occurrence] of group.entries()) {
    // The first of the intent's copies (an intent's examples are in one file) is not reported.
    const sameIntentEarlier = group.slice(0, at).find((o) => o.intent === occurrence.intent);
    if (sameIntentEarlier) {
      report.add(occurrence.uri, {
        code: 'duplicate-example',
        message: `This example is already in \`${occurrence.intent}\` (same words, ignoring case, accents and punctuation).`,
        span: occurrence.span,
        related: [{ uri: sameIntentEarlier.uri, span: sameIntentEarlier.span, message: 'The first one' }],
      });
      continue;
    }
    const others = group.filter((o) => o.intent !== occurrence.intent);
    if (others.length === 0) continue;
    const names = [...new Set(others.map((o) => `\`${o.intent}\``))];
    report.add(occurrence.uri, {
      code: 'duplicate-example',
      message: `This example is also in ${names.join(', ')} (same words, ignoring case, accents and punctuation): the bot cannot tell these intents apart on it.`,
      span: occurrence.span,
      related: others.map((o) => ({ uri: o.uri, span: o.span, message: `In \`${o.intent}\`` })),
      data: { moveTo: names.map((n) => n.slice(1, -1)), locale },
    });
  }
}
