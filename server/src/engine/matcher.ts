/**
 * Intent matching for a bot: one intent model per language, trained from the bot's examples. Entity annotations are
 * read as the words users say, plus "an entity of this kind is here" (see features.ts). A language without examples
 * uses the default language's model. A sentence that is exactly a training example (case, accents and punctuation
 * aside) of one intent gets that intent with confidence 1.
 *
 * `trainMatcher` trains at once (the CLI, tests); `trainMatcherInSteps` is the same training as steps (steps.ts) for a
 * caller that must keep answering while a big bot trains (the language server's simulator). Both give the same matcher.
 */
import { ANNOTATION } from '../service/model';
import { plainExample } from './entities';
import { IntentModel } from './model';
import type { IntentScore, TrainingExample, TrainingOptions } from './model';
import type { BotProgram } from './program';
import { runSteps } from './steps';
import type { Steps } from './steps';
import { words } from './text';

export type { IntentScore };

export interface Matcher {
  /** The intents ranked by confidence, best first (at most `limit`), for a text and the ids of the entities found in it. */
  rank(text: string, locale: string, limit?: number, entities?: readonly string[]): IntentScore[];
  /** The language whose model answers for `locale` (itself, or the default language when it has no examples). */
  modelLocale(locale: string): string | undefined;
  /** Examples trained on, per language. */
  readonly examples: Map<string, number>;
  /** How long training took, in milliseconds (the work: not the pauses of a training in steps). */
  readonly trainingMs: number;
}

interface LocaleModel {
  model: IntentModel;
  /** Training examples as words, to the intent they belong to (undefined: to several). */
  exact: Map<string, string | undefined>;
}

export function trainMatcher(program: BotProgram, options: TrainingOptions = {}): Matcher {
  return runSteps(trainMatcherInSteps(program, options));
}

/** Examples read between two pauses. */
const EXAMPLES_PER_STEP = 512;

/**
 * The same training, pausing about every millisecond of work. `trainingMs` counts the work only, not the time spent
 * paused.
 */
export function* trainMatcherInSteps(program: BotProgram, options: TrainingOptions = {}): Steps<Matcher> {
  const clock = { ms: 0 };
  const { models, counts } = yield* timed(trainModels(program, options), clock);
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
    examples: counts,
    trainingMs: clock.ms,
  };
}

/** Runs `steps`, adding to `clock` the time spent working (not paused). */
function* timed<T>(steps: Steps<T>, clock: { ms: number }): Steps<T> {
  for (;;) {
    const started = performance.now();
    const next = steps.next();
    clock.ms += performance.now() - started;
    if (next.done) return next.value;
    yield;
  }
}

function* trainModels(program: BotProgram, options: TrainingOptions): Steps<{ models: Map<string, LocaleModel>; counts: Map<string, number> }> {
  const byLocale = new Map<string, TrainingExample[]>();
  let read = 0;
  for (const intent of program.intents.values()) {
    for (const [locale, examples] of intent.examples) {
      let list = byLocale.get(locale);
      if (!list) byLocale.set(locale, (list = []));
      for (const example of examples) {
        if (++read % EXAMPLES_PER_STEP === 0) yield;
        const annotated = example.includes('](');
        const text = annotated ? plainExample(example) : example;
        const entities = annotated ? [...example.matchAll(ANNOTATION)].map((m) => m[2].split(':')[0].trim()) : [];
        if (text.trim()) list.push({ text, intent: intent.id, entities });
      }
    }
  }
  const models = new Map<string, LocaleModel>();
  for (const [locale, examples] of byLocale) {
    if (examples.length === 0) continue;
    const exact = new Map<string, string | undefined>();
    for (let i = 0; i < examples.length; i++) {
      if (i % EXAMPLES_PER_STEP === 0) yield;
      const { text, intent } = examples[i];
      const key = words(text).join(' ');
      exact.set(key, exact.has(key) && exact.get(key) !== intent ? undefined : intent);
    }
    models.set(locale, { model: yield* IntentModel.trainInSteps(examples, options), exact });
  }
  return { models, counts: new Map([...byLocale].map(([locale, list]) => [locale, list.length])) };
}
