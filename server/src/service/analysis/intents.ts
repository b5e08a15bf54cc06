/** Intents: too few examples, intents nothing uses, the same example twice. (Confusable examples: confusables.ts.) */
import type { FileModel, Span } from '../types';
import type { BotContext, Report } from './context';
import { perFile } from './context';
import { languageName } from './context';

export const DEFAULT_MIN_EXAMPLES = 5;

/** The text of an example as the matcher sees it: annotations reduced to their text, no case, accents or punctuation. */
export function normalizeExample(text: string): string {
  return text
    .replace(/\[([^\]\n]*)\]\([^)\n]*\)/g, '$1')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The normalised examples of a file, per intent and locale, computed once per version of the file. */
export function normalizedOf(model: FileModel): Map<string, string[]> {
  return perFile('normalized', model, '', () => {
    const result = new Map<string, string[]>();
    for (const [id, intent] of model.intents) for (const [locale, examples] of intent.examples) result.set(`${id}\u0000${locale}`, examples.map((e) => normalizeExample(e.text)));
    return result;
  });
}

export function* checkIntents(context: BotContext, report: Report): Generator<void, void, void> {
  const minimum = context.manifest?.minExamples ?? DEFAULT_MIN_EXAMPLES;
  const groups = new Map<string, Occurrence[]>();
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
        const normalized = normalizedOf(model).get(`${id}\u0000${locale}`) ?? [];
        examples.forEach((example, index) => {
          const key = `${locale}\u0000${normalized[index]}`;
          const group = groups.get(key);
          const occurrence = { uri: model.uri, intent: id, span: example.span, index, locale };
          if (group) group.push(occurrence);
          else groups.set(key, [occurrence]);
        });
      }
    }
  }
  for (const group of groups.values()) if (group.length > 1) reportDuplicates(group, report);
}

interface Occurrence {
  uri: string;
  intent: string;
  span: Span;
  index: number;
  locale: string;
}

/**
 * The same example twice in one intent: reported on the later one. In several intents: reported on each, with the
 * others as related places (so the result does not depend on which file was read first).
 */
function reportDuplicates(group: Occurrence[], report: Report): void {
  for (const occurrence of group) {
    const sameIntentEarlier = group.find((o) => o !== occurrence && o.intent === occurrence.intent && o.index < occurrence.index);
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
      data: { moveTo: names.map((n) => n.slice(1, -1)), locale: occurrence.locale },
    });
  }
}
