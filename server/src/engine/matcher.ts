/**
 * Intent matching for a bot: one intent model per language, trained from the bot's examples. Entity annotations are
 * read as the words users say, plus "an entity of this kind is here" (see features.ts). A language without examples
 * uses the default language's model. A sentence that is exactly a training example (case, accents and punctuation
 * aside) of one intent gets that intent with confidence 1.
 */
import { ANNOTATION } from '../service/model';
import { plainExample } from './entities';
import { IntentModel } from './model';
import type { IntentScore, TrainingOptions } from './model';
import type { BotProgram } from './program';
import { words } from './text';

export type { IntentScore };

export interface Matcher {
  /** The intents ranked by confidence, best first (at most `limit`), for a text and the ids of the entities found in it. */
  rank(text: string, locale: string, limit?: number, entities?: readonly string[]): IntentScore[];
  /** The language whose model answers for `locale` (itself, or the default language when it has no examples). */
  modelLocale(locale: string): string | undefined;
  /** Examples trained on, per language. */
  readonly examples: Map<string, number>;
  /** How long training took, in milliseconds. */
  readonly trainingMs: number;
}

interface LocaleModel {
  model: IntentModel;
  /** Training examples as words, to the intent they belong to (undefined: to several). */
  exact: Map<string, string | undefined>;
}

export function trainMatcher(program: BotProgram, options: TrainingOptions = {}): Matcher {
  const started = performance.now();
  const byLocale = new Map<string, { text: string; intent: string; entities: string[] }[]>();
  for (const intent of program.intents.values()) {
    for (const [locale, examples] of intent.examples) {
      let list = byLocale.get(locale);
      if (!list) byLocale.set(locale, (list = []));
      for (const example of examples) {
        const text = plainExample(example);
        const entities = [...example.matchAll(ANNOTATION)].map((m) => m[2].split(':')[0].trim());
        if (text.trim()) list.push({ text, intent: intent.id, entities });
      }
    }
  }
  const models = new Map<string, LocaleModel>();
  for (const [locale, examples] of byLocale) {
    if (examples.length === 0) continue;
    const exact = new Map<string, string | undefined>();
    for (const { text, intent } of examples) {
      const key = words(text).join(' ');
      exact.set(key, exact.has(key) && exact.get(key) !== intent ? undefined : intent);
    }
    models.set(locale, { model: IntentModel.train(examples, options), exact });
  }
  const modelLocale = (locale: string) => (models.has(locale) ? locale : models.has(program.defaultLocale) ? program.defaultLocale : undefined);
  return {
    rank(text, locale, limit = 5, entities = []) {
      const which = modelLocale(locale);
      if (which === undefined) return [];
      const { model, exact } = models.get(which)!;
      const ranked = model.rank(text, limit, entities);
      const known = exact.get(words(text).join(' '));
      if (known === undefined) return ranked;
      return [{ intent: known, confidence: 1 }, ...ranked.filter((r) => r.intent !== known)].slice(0, limit);
    },
    modelLocale,
    examples: new Map([...byLocale].map(([locale, list]) => [locale, list.length])),
    trainingMs: performance.now() - started,
  };
}
