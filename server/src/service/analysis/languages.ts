/** Languages: messages and training examples missing in a locale of the bot, translations with different placeholders. */
import { PLACEHOLDER } from '../model';
import type { Span } from '../types';
import type { BotContext, Report } from './context';
import { languageName } from './context';

const ROLE_NAMES: Record<string, string> = {
  say: '`say`',
  prompt: '`prompt`',
  retry: '`retry`',
  voice: '`voice`',
  label: 'This label',
  text: '`text`',
  handoff: 'The hand-off `message`',
};

export function* checkLanguages(context: BotContext, report: Report): Generator<void, void, void> {
  const { locales, defaultLocale } = context;
  if (locales.length === 0) return;
  for (const model of context.models) {
    yield;
    for (const message of model.messages) {
      const present = new Set<string>();
      for (const text of message.texts) present.add(text.locale ?? defaultLocale ?? '');
      const missing = locales.filter((l) => !present.has(l));
      if (missing.length > 0 && message.texts.length > 0) {
        const written = [...present].filter((l) => locales.includes(l)).map(languageName);
        report.add(model.uri, {
          code: 'missing-translation',
          message: `${ROLE_NAMES[message.role]} has no ${missing.map(languageName).join(' or ')} text${written.length ? `; it is written in ${written.join(', ')}` : ''}.`,
          span: message.keySpan,
          data: { missing },
        });
      }
      if (message.isMap && message.locales.size > 1) checkPlaceholders(message.texts, message.locales, defaultLocale, (span, text) => report.add(model.uri, { code: 'placeholder-mismatch', message: text, span }));
    }
    for (const [id, intent] of model.intents) {
      const missing = locales.filter((l) => !intent.examples.has(l));
      if (missing.length > 0) {
        report.add(model.uri, {
          code: 'missing-examples',
          message: `The intent \`${id}\` has no training examples in ${missing.map(languageName).join(' or ')}: the bot will not understand it in that language.`,
          span: intent.span,
          data: { missing },
        });
      }
    }
  }
}

function placeholdersOf(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) if (m[1] !== undefined && m[0].endsWith('}')) names.add(m[1].trim());
  return names;
}

/** Each translation must use the same placeholders as the default language's text. */
function checkPlaceholders(texts: { text: string; locale?: string }[], localeSpans: ReadonlyMap<string, Span>, defaultLocale: string | undefined, add: (span: Span, message: string) => void): void {
  const byLocale = new Map<string, Set<string>>();
  for (const t of texts) {
    if (!t.locale) continue;
    const set = byLocale.get(t.locale) ?? new Set<string>();
    for (const name of placeholdersOf(t.text)) set.add(name);
    byLocale.set(t.locale, set);
  }
  const reference = defaultLocale && byLocale.has(defaultLocale) ? defaultLocale : [...byLocale.keys()][0];
  const expected = byLocale.get(reference)!;
  for (const [locale, names] of byLocale) {
    if (locale === reference) continue;
    const lacks = [...expected].filter((n) => !names.has(n));
    const extra = [...names].filter((n) => !expected.has(n));
    if (lacks.length === 0 && extra.length === 0) continue;
    const parts: string[] = [];
    if (lacks.length) parts.push(`lacks ${lacks.map((n) => `\`{${n}}\``).join(', ')}`);
    if (extra.length) parts.push(`has ${extra.map((n) => `\`{${n}}\``).join(', ')}`);
    add(localeSpans.get(locale)!, `The ${languageName(locale)} text ${parts.join(' and ')}, unlike the ${languageName(reference)} text.`);
  }
}
