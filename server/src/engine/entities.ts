/**
 * Finding entities in what the user says.
 *   - Lists of values: the synonyms of the conversation's language, as whole words, case and accents ignored
 *     (`telephone` finds `téléphone`). The longest synonym wins (`ordinateur portable` over `portable`). The words marked
 *     in training examples (`[flu shot](visit_type:vaccination)`) count as synonyms too.
 *   - Patterns: the entity's regular expression, under a time limit (patterns.ts). A pattern that ran out of time is
 *     not run again by this recognizer: one slow message is enough.
 */
import { ANNOTATION } from '../service/model';
import { matchPatterns } from './patterns';
import type { BotProgram, Value } from './program';
import { words } from './text';

export interface EntityMatch {
  entity: string;
  /** The value id (lists) or the text found (patterns). */
  value: Value;
  /** The words of the message it was found in. */
  text: string;
  start: number;
  end: number;
}

interface Synonym {
  words: string[];
  value: string;
}

interface Token {
  word: string;
  start: number;
  end: number;
}

/** The words of a text with their places in it. */
function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    for (const word of words(m[0])) out.push({ word, start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

export class EntityRecognizer {
  /** Per locale, per entity: synonyms by their first word, longest first. */
  private readonly lists = new Map<string, Map<string, Map<string, Synonym[]>>>();
  private readonly brokenPatterns = new Map<string, string>();

  constructor(private readonly program: BotProgram) {}

  recognize(text: string, locale: string): { matches: EntityMatch[]; notices: string[] } {
    const matches: EntityMatch[] = [];
    const notices: string[] = [];
    const found = tokens(text);
    for (const [entity, byFirstWord] of this.listsOf(locale)) {
      for (let i = 0; i < found.length;) {
        const synonym = (byFirstWord.get(found[i].word) ?? []).find((s) => s.words.every((w, k) => found[i + k]?.word === w));
        if (!synonym) {
          i++;
          continue;
        }
        const last = found[i + synonym.words.length - 1];
        matches.push({ entity, value: synonym.value, text: text.slice(found[i].start, last.end), start: found[i].start, end: last.end });
        i += synonym.words.length;
      }
    }
    const patterned = [...this.program.entities.values()].filter((e) => e.pattern !== undefined && !this.brokenPatterns.has(e.id));
    const results = matchPatterns(
      patterned.map((e) => e.pattern!),
      text,
    );
    patterned.forEach((entity, i) => {
      const result = results[i];
      if ('error' in result) {
        this.brokenPatterns.set(entity.id, result.error);
        notices.push(`Entity ${entity.id}: ${result.error}`);
      } else {
        for (const m of result.matches) matches.push({ entity: entity.id, value: m.text, text: m.text, start: m.start, end: m.end });
      }
    });
    for (const [entity, error] of this.brokenPatterns) {
      if (!notices.some((n) => n.startsWith(`Entity ${entity}:`))) notices.push(`Entity ${entity} is not recognised: ${error}`);
    }
    matches.sort((a, b) => a.start - b.start || b.end - a.end);
    return { matches, notices };
  }

  private listsOf(locale: string): Map<string, Map<string, Synonym[]>> {
    let lists = this.lists.get(locale);
    if (lists) return lists;
    lists = new Map();
    const add = (entity: string, value: string, text: string) => {
      const synonymWords = words(text);
      if (synonymWords.length === 0) return;
      let byFirstWord = lists!.get(entity);
      if (!byFirstWord) lists!.set(entity, (byFirstWord = new Map()));
      const list = byFirstWord.get(synonymWords[0]) ?? [];
      if (list.some((s) => s.words.join(' ') === synonymWords.join(' '))) return;
      list.push({ words: synonymWords, value });
      list.sort((a, b) => b.words.length - a.words.length);
      byFirstWord.set(synonymWords[0], list);
    };
    for (const entity of this.program.entities.values()) {
      for (const [value, byLocale] of entity.values) for (const synonym of byLocale.get(locale) ?? []) add(entity.id, value, synonym);
    }
    for (const intent of this.program.intents.values()) {
      for (const example of intent.examples.get(locale) ?? []) {
        for (const m of example.matchAll(ANNOTATION)) {
          const [entity, value] = m[2].split(':').map((s) => s.trim());
          if (value && this.program.entities.get(entity)?.values.has(value)) add(entity, value, m[1]);
        }
      }
    }
    this.lists.set(locale, lists);
    return lists;
  }
}

/** A training example as users say it: `[AcmeBook](product:laptop) in stock?` → `AcmeBook in stock?`. */
export function plainExample(example: string): string {
  return example.replace(ANNOTATION, '$1');
}
