/**
 * Spelling of user-visible text (messages, prompts, retries, quick-reply labels, voice texts, responses), each text
 * in its own language, with the dictionaries the host gives (the service reads no files: see `Speller`).
 *
 * Not checked: placeholders, SSML and HTML tags, URLs, email addresses, domain names, `code`, words with digits or
 * underscores, words in capitals (acronyms), one-letter words, the ids of the bot and the bot's own words (manifest
 * `words:`, any case). French elisions (`l'adresse`, `jusqu'à`), English contractions and possessives, and words joined
 * by hyphens are understood. A word is reported once per place, on its exact range.
 */
import { PLACEHOLDER } from '../model';
import type { FileModel, Kind, Span, TextItem } from '../types';
import type { Workspace } from '../workspace';
import type { BotContext, Report } from './context';
import { perFile } from './context';

/** A dictionary of one language, given by the host. */
export interface Speller {
  /** The dictionary's language in words, for messages ("American English", "French"). */
  readonly name: string;
  /** Whether the dictionary has this word exactly as written (case and accents count). */
  check(word: string): boolean;
  /** Up to `max` dictionary words close to `word`, best first. Slow (tens of milliseconds): for quick fixes only. */
  suggest(word: string, max: number): string[];
}

/** The dictionary of a locale (`en`, `fr-CA`…), or undefined when there is none (then its texts are not checked). */
export type SpellerProvider = (locale: string) => Speller | undefined;

const providers = new WeakMap<Workspace, { provider: SpellerProvider; generation: number }>();
let generations = 0;

/** Gives a workspace its dictionaries (none by default: no spelling check). */
export function setSpellers(workspace: Workspace, provider: SpellerProvider | undefined): void {
  if (provider) providers.set(workspace, { provider, generation: ++generations });
  else providers.delete(workspace);
}

export function spellerFor(workspace: Workspace, locale: string): Speller | undefined {
  return providers.get(workspace)?.provider(locale);
}

// ---- Words of a text -------------------------------------------------------------------------------------------

const DOTTED = /[^\s.]\.[^\s.]/;

/** What is not prose: replaced by spaces (same length) before the text is cut into words. */
const MASKS: { has: (text: string) => boolean; pattern: RegExp }[] = [
  { has: (t) => t.includes('{') || t.includes('}'), pattern: PLACEHOLDER },
  { has: (t) => t.includes('<'), pattern: /<[^<>]*>?/g },
  { has: (t) => t.includes('&'), pattern: /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/gi },
  { has: (t) => t.includes('`'), pattern: /`[^`]*`?/g },
  { has: (t) => t.includes(']('), pattern: /\]\([^)\n]*\)?/g },
  { has: (t) => t.includes('/') || t.includes('www.'), pattern: /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*/gi },
  { has: (t) => t.includes('@'), pattern: /[\p{L}\p{N}._%+-]*@[\p{L}\p{N}_.-]*/gu },
  { has: (t) => t.includes('#'), pattern: /#[\p{L}\p{N}_-]+/gu },
  // Domain and file names (example.com, report.pdf): letters on both sides of a dot.
  { has: (t) => DOTTED.test(t), pattern: /[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+/gu },
  // Paths and alternatives written without spaces (and/or, km/h).
  { has: (t) => t.includes('/'), pattern: /\S*\/\S*/g },
];

/** A word: letters (and digits, to skip such words whole), possibly joined by apostrophes and hyphens. */
const WORD = /[\p{L}\p{M}\p{N}_]+(?:['’\-][\p{L}\p{M}\p{N}_]+)*/gu;

function mask(text: string): string {
  let masked = text;
  for (const { has, pattern } of MASKS) if (has(masked)) masked = masked.replace(pattern, (m) => ' '.repeat(m.length));
  return masked;
}

interface Token {
  text: string;
  start: number;
}

function tokens(text: string): Token[] {
  const found: Token[] = [];
  for (const m of mask(text).matchAll(WORD)) found.push({ text: m[0], start: m.index! });
  return found;
}

/**
 * Where each word of a text's value is in the file (by the word's offset in the value): exact when the value is its
 * source (plain or quoted text on one line without escapes); otherwise the words of the source are matched in order to
 * the words of the value (folded lines, block scalars), and a word that cannot be matched (an escape inside it) is
 * undefined (then the problem is on the whole text).
 */
function locator(model: FileModel, item: TextItem): (offset: number) => number | undefined {
  const { start, end } = item.span;
  const source = model.text.slice(start, end);
  if (source === item.text) return (offset) => start + offset;
  const quote = source[0];
  if ((quote === '"' || quote === "'") && source.length === item.text.length + 2 && source.endsWith(quote) && source.slice(1, -1) === item.text) return (offset) => start + 1 + offset;
  const sourceWords = tokens(source);
  const at = new Map<number, number>();
  let next = 0;
  for (const word of tokens(item.text)) {
    for (let j = next; j < Math.min(sourceWords.length, next + 5); j++) {
      if (sourceWords[j].text === word.text) {
        at.set(word.start, start + sourceWords[j].start);
        next = j + 1;
        break;
      }
    }
  }
  return (offset) => at.get(offset);
}

// ---- Judging words ---------------------------------------------------------------------------------------------

const HAS_UPPER = /\p{Lu}/u;
const HAS_LOWER = /\p{Ll}/u;
const SKIPPED = /[\p{N}_]/u;
const NOT_ASCII = /[^\x00-\x7f]/;
const NONE: readonly Span[] = [];

/** Words judged per dictionary: the parts of the word that are not in it (offsets in the word), none when it is right. */
const verdicts = new WeakMap<Speller, Map<string, readonly Span[]>>();

function swapApostrophes(word: string): string | undefined {
  if (word.includes("'")) return word.replace(/'/g, '’');
  if (word.includes('’')) return word.replace(/’/g, "'");
  return undefined;
}

/** In the dictionary as written, capitalised (`Hello` → `hello`, `Ok` → `OK`), or with the other apostrophe. */
function known(speller: Speller, word: string): boolean {
  const normal = NOT_ASCII.test(word) ? word.normalize('NFC') : word;
  for (const form of [normal, swapApostrophes(normal)]) {
    if (form === undefined) continue;
    if (speller.check(form)) return true;
    if (HAS_UPPER.test(form[0]) && !HAS_UPPER.test(form.slice(1))) {
      // Capitalised: a word at the start of a sentence (`Hello`), or an acronym written like a name (`Ok`, `Nasa`).
      const lower = form.toLowerCase();
      if (lower !== form && speller.check(lower)) return true;
      if (form.length > 1 && speller.check(form.toUpperCase())) return true;
    }
  }
  return false;
}

/** Capitals only (acronyms, shouting): never reported, the dictionaries do not list them. */
function isCapitals(word: string): boolean {
  return !HAS_LOWER.test(word) && HAS_UPPER.test(word);
}

/** The parts of a word (between hyphens) that the dictionary does not have. */
export function unknownParts(speller: Speller, word: string): readonly Span[] {
  let cache = verdicts.get(speller);
  if (!cache) verdicts.set(speller, (cache = new Map()));
  let verdict = cache.get(word);
  if (verdict === undefined) {
    verdict = judge(speller, word);
    cache.set(word, verdict);
  }
  return verdict;
}

function judge(speller: Speller, word: string): readonly Span[] {
  if (SKIPPED.test(word) || isCapitals(word) || known(speller, word)) return NONE;
  if (!word.includes('-')) return judgePart(speller, word, 0);
  const bad: Span[] = [];
  let offset = 0;
  for (const part of word.split('-')) {
    bad.push(...judgePart(speller, part, offset));
    offset += part.length + 1;
  }
  return bad.length ? bad : NONE;
}

/** One part, without hyphens: elisions (`l'`, `qu'`), possessives (`'s`) are looked up apart from the word. */
function judgePart(speller: Speller, part: string, offset: number): readonly Span[] {
  if (part.length < 2 || isCapitals(part) || known(speller, part)) return NONE;
  const apostrophe = part.search(/['’]/);
  if (apostrophe > 0) {
    const head = part.slice(0, apostrophe + 1);
    if (known(speller, head)) return judgePart(speller, part.slice(apostrophe + 1), offset + apostrophe + 1);
    if (apostrophe === part.length - 2 && /s$/i.test(part)) return judgePart(speller, part.slice(0, apostrophe), offset);
  }
  return [{ start: offset, end: offset + part.length }];
}

// ---- The check -------------------------------------------------------------------------------------------------

/** A word of one file that its text's dictionary does not have (before the bot's words and ids are applied). */
interface Unknown {
  span: Span;
  /** The word as written. */
  word: string;
  /** The whole run of letters it is part of (`l'adrese` for `adrese`). */
  whole: string;
  locale: string;
  dictionary: string;
}

/** Words are compared with the bot's own words in lower case, with straight apostrophes. */
export function wordKey(word: string): string {
  return word.normalize('NFC').toLowerCase().replace(/’/g, "'");
}

/** The bot's own words (manifest `words:`), each entry also cut into words, as `wordKey`s. */
export function botWords(words: readonly string[]): Set<string> {
  const set = new Set<string>();
  for (const entry of words) {
    set.add(wordKey(entry.trim()));
    for (const m of entry.matchAll(WORD)) set.add(wordKey(m[0]));
  }
  return set;
}

const ID_KINDS: Kind[] = ['node', 'flow', 'intent', 'entity', 'slot', 'response'];

export function* checkSpelling(context: BotContext, report: Report): Generator<void, void, void> {
  const registered = providers.get(context.workspace);
  if (!registered) return;
  const { provider, generation } = registered;
  const spellers = new Map<string, Speller | undefined>();
  const spellerOf = (locale: string) => {
    if (!spellers.has(locale)) spellers.set(locale, provider(locale));
    return spellers.get(locale);
  };
  const words = botWords(context.manifest?.words ?? []);
  let values: Set<string> | undefined;
  const isId = (word: string) => {
    for (const form of new Set([word, word.toLowerCase()])) {
      for (const kind of ID_KINDS) if (context.bot.defines(kind, form)) return true;
    }
    values ??= new Set([...(context.bot.idsByKind.get('value')?.keys() ?? [])].map((v) => v.slice(v.indexOf(':') + 1).toLowerCase()));
    return values.has(word.toLowerCase());
  };
  const verdicts = new Map<string, boolean>();
  const accepted = (u: Unknown) => {
    const key = `${u.word}\u0000${u.whole}`;
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = [u.word, u.whole].map(wordKey).some((w) => words.has(w) || words.has(w.replace(/'s$/, ''))) || isId(u.word);
      verdicts.set(key, verdict);
    }
    return verdict;
  };
  for (const model of context.models) {
    yield;
    const unknowns = perFile('spelling', model, `${context.defaultLocale}\u0000${generation}`, () => scanFile(model, context.defaultLocale, spellerOf));
    for (const u of unknowns) {
      if (accepted(u)) continue;
      report.add(model.uri, {
        code: 'spelling',
        message: `"${u.word}" is not in the ${u.dictionary} dictionary. If it is spelt right, add it to the bot's words (\`words:\` in the manifest).`,
        span: u.span,
        data: { word: u.word, locale: u.locale },
      });
    }
  }
}

/** A word of a text that the dictionary does not have, by offsets in the text. */
interface Misspelt {
  start: number;
  end: number;
  /** The run of letters it is part of, and where that starts. */
  whole: string;
  wholeStart: number;
}

/** Texts judged per dictionary (bots repeat texts: labels like "Main menu", apologies, prompts). */
const textVerdicts = new WeakMap<Speller, Map<string, readonly Misspelt[]>>();
const NO_WORDS: readonly Misspelt[] = [];

function misspelt(speller: Speller, text: string): readonly Misspelt[] {
  let cache = textVerdicts.get(speller);
  if (!cache) textVerdicts.set(speller, (cache = new Map()));
  let found = cache.get(text);
  if (found) return found;
  let list: Misspelt[] | undefined;
  for (const m of mask(text).matchAll(WORD)) {
    const bad = unknownParts(speller, m[0]);
    for (const part of bad) (list ??= []).push({ start: m.index! + part.start, end: m.index! + part.end, whole: m[0], wholeStart: m.index! });
  }
  found = list ?? NO_WORDS;
  if (cache.size >= 100_000) cache.clear();
  cache.set(text, found);
  return found;
}

function scanFile(model: FileModel, defaultLocale: string | undefined, spellerOf: (locale: string) => Speller | undefined): Unknown[] {
  const found: Unknown[] = [];
  for (const message of model.messages) {
    for (const item of message.texts) {
      const locale = item.locale ?? defaultLocale;
      if (!locale) continue;
      const speller = spellerOf(locale);
      if (!speller) continue;
      const words = misspelt(speller, item.text);
      if (words.length === 0) continue;
      const locate = locator(model, item);
      for (const w of words) {
        const at = locate(w.wholeStart);
        found.push({
          span: at === undefined ? item.span : { start: at + w.start - w.wholeStart, end: at + w.end - w.wholeStart },
          word: item.text.slice(w.start, w.end),
          whole: w.whole,
          locale,
          dictionary: speller.name,
        });
      }
    }
  }
  return found;
}

// ---- Suggestions (quick fixes) ---------------------------------------------------------------------------------

/**
 * Dictionary words for a misspelt word, best first, written like it: capitalised at the start of a sentence, with the
 * same apostrophe.
 */
export function suggestionsFor(speller: Speller, word: string, max: number): string[] {
  let cache = suggestionCache.get(speller);
  if (!cache) suggestionCache.set(speller, (cache = new Map()));
  const key = `${max}\u0000${word}`;
  let found = cache.get(key);
  if (!found) {
    if (cache.size >= 1000) cache.clear();
    found = suggest(speller, word, max);
    cache.set(key, found);
  }
  return found;
}

/** The editor asks for the fixes of a word again each time the cursor comes back to it. */
const suggestionCache = new WeakMap<Speller, Map<string, string[]>>();

function suggest(speller: Speller, word: string, max: number): string[] {
  const title = HAS_UPPER.test(word[0]) && !HAS_UPPER.test(word.slice(1));
  const asked = title ? word.toLowerCase() : word;
  const straight = word.includes("'");
  const found: string[] = [];
  for (let s of speller.suggest(asked, max * 2)) {
    if (title && !HAS_UPPER.test(s[0])) s = s[0].toUpperCase() + s.slice(1);
    if (straight) s = s.replace(/’/g, "'");
    if (s !== word && !found.includes(s)) found.push(s);
  }
  // The most common typing mistakes first (a stable sort: otherwise the dictionary's order).
  const rank = found.map((s) => typo(word, s));
  return found
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank[a.i] - rank[b.i] || a.i - b.i)
    .slice(0, max)
    .map((x) => x.s);
}

/** 0: only accents or case differ; 1: one letter doubled or not, or two neighbours swapped; 2: anything else. */
function typo(word: string, suggestion: string): number {
  if (sameLetters(word, suggestion)) return 0;
  const a = word.toLowerCase();
  const b = suggestion.toLowerCase();
  return doubled(a, b) || doubled(b, a) || swapped(a, b) ? 1 : 2;
}

/** `long` is `short` with one letter written twice (`arrive`, `arive`). */
function doubled(short: string, long: string): boolean {
  if (long.length !== short.length + 1) return false;
  for (let i = 0; i < short.length; i++) {
    if (short[i] !== long[i]) return i > 0 && long[i] === long[i - 1] && long.slice(i + 1) === short.slice(i);
  }
  return long[long.length - 1] === long[long.length - 2];
}

/** Two neighbouring letters swapped (`retrun`, `return`). */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Whether two words differ only by case and accents (`numero`/`numéro`): then the suggestion is a sure fix. */
export function sameLetters(a: string, b: string): boolean {
  const base = (w: string) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return base(a) === base(b);
}
