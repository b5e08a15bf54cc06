/** Intents: too few examples, intents nothing uses, the same example twice. (Confusable examples: confusables.ts.) */
import type { FileModel, Span } from '../types';
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

/**
 * The texts and normalised words of the files computed last: an edit to a file of 20,000 examples changes one of
 * them, and the next version looks the others up. The lookup is built then, from these two lists, not for every file
 * at the cold start (a map per file: the intents check on the issue-3 bot took 452 ms against 419, medians of 4).
 */
const recentlyNormalized = new Map<string, { texts: string[]; words: string[] }>();
const RECENT_FILES = 4;

/** The normalised examples of a file, per intent and locale, computed once per version of the file. */
export function normalizedOf(model: FileModel): Map<string, string[]> {
  return perFile('normalized', model, '', () => {
    const last = recentlyNormalized.get(model.uri);
    let previous: Map<string, string> | undefined;
    if (last) {
      previous = new Map();
      for (let i = 0; i < last.texts.length; i++) previous.set(last.texts[i], last.words[i]);
    }
    const texts: string[] = [];
    const words: string[] = [];
    const result = new Map<string, string[]>();
    for (const [id, intent] of model.intents) {
      for (const [locale, examples] of intent.examples) {
        const normalized = examples.map((e) => previous?.get(e.text) ?? normalizeExample(e.text));
        result.set(`${id}\u0000${locale}`, normalized);
        for (let i = 0; i < examples.length; i++) {
          texts.push(examples[i].text);
          words.push(normalized[i]);
        }
      }
    }
    recentlyNormalized.delete(model.uri);
    recentlyNormalized.set(model.uri, { texts, words });
    if (recentlyNormalized.size > RECENT_FILES) recentlyNormalized.delete(recentlyNormalized.keys().next().value!);
    return result;
  });
}

export function* checkIntents(context: BotContext, report: Report): Generator<void, void, void> {
  const minimum = context.manifest?.minExamples ?? DEFAULT_MIN_EXAMPLES;
  for (const model of context.models) {
    yield;
    for (const [id, intent] of model.intents) {
      if (context.uses('intent', id) === 0) {
        report.add(model.uri, { code: 'unused-intent', message: `Nothing uses the intent \`${id}\`: no \`on\` and no quick reply leads anywhere when the user says it.`, span: intent.span });
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
  for (const [locale, words] of groups.duplicated) for (const normalized of words) reportDuplicates(listOf(groups.byLocale.get(locale)!.get(normalized)), locale, report);
}

/** A training example with its file, intent and normalised words (duplicates and confusable examples share them). */
export interface ExampleText {
  uri: string;
  intent: string;
  span: Span;
  text: string;
  normalized: string;
}

/**
 * A file's examples per language, in file order, with their normalised words (computed once per version of the file).
 * The duplicate groups and the confusable index hold these objects (one per example: the groups' own, 200,000 of
 * them on the issue-3 bot, took 12.8 MB).
 */
export function examplesOf(model: FileModel): Map<string, ExampleText[]> {
  return perFile('examples', model, '', () => {
    const byLocale = new Map<string, ExampleText[]>();
    const normalized = normalizedOf(model);
    for (const [intent, info] of model.intents) {
      for (const [locale, examples] of info.examples) {
        let list = byLocale.get(locale);
        if (!list) byLocale.set(locale, (list = []));
        const words = normalized.get(`${intent}\u0000${locale}`) ?? [];
        examples.forEach((e, i) => list.push({ uri: model.uri, intent, span: e.span, text: e.text, normalized: words[i] }));
      }
    }
    return byLocale;
  });
}

/** Every example of a file: its language, normalised words and the example. */
function forEachExample(model: FileModel, visit: (locale: string, normalized: string, occurrence: ExampleText) => void): void {
  for (const [locale, examples] of examplesOf(model)) for (const example of examples) visit(locale, example.normalized, example);
}

/** One example, or several with the same words (a single one is kept without an array: most are single). */
type Slot = ExampleText | ExampleText[];
const listOf = (slot: Slot | undefined): ExampleText[] => (slot === undefined ? [] : Array.isArray(slot) ? slot : [slot]);

/**
 * Every example of a bot by language and normalised words, and the words found more than once. Kept per bot and
 * updated after an edit with the changed files only (200,000 examples take half a second to group).
 */
interface Groups {
  models: Map<string, FileModel>;
  byLocale: Map<string, Map<string, Slot>>;
  duplicated: Map<string, Set<string>>;
}

const groupsOfBot = new WeakMap<Bot, Groups>();

function* duplicateGroups(context: BotContext): Generator<void, Groups, void> {
  const current = new Map(context.models.map((m) => [m.uri, m]));
  let groups = groupsOfBot.get(context.bot);
  const changed = groups ? [...current.values()].filter((m) => groups!.models.get(m.uri) !== m).map((m) => m.uri) : [];
  if (groups) for (const uri of groups.models.keys()) if (!current.has(uri)) changed.push(uri);
  if (groups && changed.length <= Math.max(1, current.size / 4)) {
    // Updated in place, without pausing: a half-updated index is never left behind.
    const g = groups;
    for (const uri of changed) {
      const before = g.models.get(uri);
      if (before) forEachExample(before, (locale, normalized) => place(g, locale, normalized, (list) => list.filter((o) => o.uri !== uri)));
      const after = current.get(uri);
      if (after) forEachExample(after, (locale, normalized, occurrence) => add(g, locale, normalized, occurrence));
    }
    g.models = current;
    return g;
  }
  groupsOfBot.delete(context.bot);
  const fresh: Groups = { models: current, byLocale: new Map(), duplicated: new Map() };
  for (const model of current.values()) {
    yield;
    forEachExample(model, (locale, normalized, occurrence) => add(fresh, locale, normalized, occurrence));
  }
  groupsOfBot.set(context.bot, fresh);
  return fresh;
}

/** Adds an example (the common case, without copying lists). */
function add(groups: Groups, locale: string, normalized: string, occurrence: ExampleText): void {
  let words = groups.byLocale.get(locale);
  if (!words) groups.byLocale.set(locale, (words = new Map()));
  const slot = words.get(normalized);
  if (slot === undefined) {
    words.set(normalized, occurrence);
    return;
  }
  if (Array.isArray(slot)) slot.push(occurrence);
  else words.set(normalized, [slot, occurrence]);
  let duplicated = groups.duplicated.get(locale);
  if (!duplicated) groups.duplicated.set(locale, (duplicated = new Set()));
  duplicated.add(normalized);
}

/** Replaces the examples with some words, keeping the duplicated words up to date. */
function place(groups: Groups, locale: string, normalized: string, change: (list: ExampleText[]) => ExampleText[]): void {
  let words = groups.byLocale.get(locale);
  if (!words) groups.byLocale.set(locale, (words = new Map()));
  const list = change(listOf(words.get(normalized)));
  if (list.length === 0) words.delete(normalized);
  else words.set(normalized, list.length === 1 ? list[0] : list);
  let duplicated = groups.duplicated.get(locale);
  if (!duplicated) groups.duplicated.set(locale, (duplicated = new Set()));
  if (list.length > 1) duplicated.add(normalized);
  else duplicated.delete(normalized);
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
