/**
 * Saying a message: the text of the conversation's language (or of the default language, with a notice), one of its
 * variants, and its `{slot}` placeholders filled.
 *
 * Variants rotate: the first time a message is said, a seeded draw picks where to start; each later time it says the
 * next variant. So a conversation does not repeat itself, and the same seed gives the same conversation.
 */
import { PLACEHOLDER } from '../service/model';
import type { MessageSpec, Value } from './program';

export interface Rotation {
  /** Per message (its `where`): the variant to start from and how many times it was said. */
  readonly turns: Map<string, { start: number; said: number }>;
  /** Draws a number in [0, 1). */
  draw(): number;
}

/** The variants of a message in a locale, or in the default locale when it has none in that one. */
export function variantsOf(spec: MessageSpec, locale: string, defaultLocale: string, notices: string[]): string[] {
  const own = spec.variants.get(locale);
  if (own) return own;
  const fallback = spec.variants.get(defaultLocale) ?? spec.variants.values().next().value ?? [];
  notices.push(`${spec.where} has no text in ${locale}; said in ${spec.variants.has(defaultLocale) ? defaultLocale : [...spec.variants.keys()][0]} instead.`);
  return fallback;
}

/** Which variant to say now, of `count`. */
export function pickVariant(where: string, count: number, rotation: Rotation): number {
  if (count <= 1) return 0;
  let turn = rotation.turns.get(where);
  if (!turn) rotation.turns.set(where, (turn = { start: Math.floor(rotation.draw() * count), said: 0 }));
  return (turn.start + turn.said++) % count;
}

export function formatValue(value: Value): string {
  return String(value);
}

/**
 * Fills `{slot}` placeholders (`{{` and `}}` are braces). A slot that is not set becomes an empty text, with a notice.
 * In SSML (`<speak>…`), values are escaped so that a slot cannot add tags.
 */
export function fillPlaceholders(text: string, slot: (id: string) => Value | undefined, where: string, notices: string[]): string {
  if (!text.includes('{') && !text.includes('}')) return text;
  const ssml = text.trimStart().startsWith('<speak');
  return text.replace(PLACEHOLDER, (all: string, name: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    if (!all.endsWith('}') || name === undefined) return all;
    const id = name.trim();
    const value = slot(id);
    if (value === undefined) {
      notices.push(`${where}: {${id}} is empty, the slot ${id} is not set.`);
      return '';
    }
    const formatted = formatValue(value);
    return ssml ? formatted.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : formatted;
  });
}
