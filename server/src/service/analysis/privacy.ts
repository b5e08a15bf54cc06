/**
 * Personal data in training examples and messages: email addresses, phone numbers, payment card numbers (Luhn-checked)
 * and IBANs (mod-97-checked). Bot repositories are shared widely; real customers' data does not belong there.
 */
import type { FileModel, Problem, Span, TextItem } from '../types';
import type { BotContext, Report } from './context';
import { perFile } from './context';
import { partOfText } from '../model';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const PHONE = /(?:\+|\b00)\d[\d ().-]{7,}\d\b|\b0\d(?:[ .-]?\d\d){4}\b|\(\d{3}\) ?\d{3}-\d{4}\b|\b\d{3}-\d{3}-\d{4}\b/g;

/** Addresses at domains reserved for examples (RFC 2606 and its French twin) are made up on purpose. */
const MAYBE_PERSONAL = /[@\d]/;

const PLACEHOLDER_EMAIL = /@(?:[\w-]+\.)*(?:example|exemple|test|invalid|localhost)(?:\.[a-z]{2,})?$/i;

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function validIban(iban: string): boolean {
  const compact = iban.replace(/ /g, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const c of rearranged) {
    const value = c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** The personal data found in one text: what it is and where (offsets in the text). */
export function findPersonalData(text: string): { what: string; start: number; end: number }[] {
  const found: { what: string; start: number; end: number }[] = [];
  if (!MAYBE_PERSONAL.test(text)) return found; // every pattern needs an @ or a digit: most texts have neither
  const covered = (start: number) => found.some((f) => start >= f.start && start < f.end);
  // (The address pattern tries every letter of a text as its start: only where there is an @.)
  if (text.includes('@')) for (const m of text.matchAll(EMAIL)) if (!PLACEHOLDER_EMAIL.test(m[0])) found.push({ what: 'an email address', start: m.index!, end: m.index! + m[0].length });
  for (const m of text.matchAll(IBAN)) if (validIban(m[0])) found.push({ what: 'an IBAN', start: m.index!, end: m.index! + m[0].length });
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/\D/g, '');
    if (!covered(m.index!) && digits.length >= 13 && luhn(digits) && !/^(\d)\1+$/.test(digits)) found.push({ what: 'a payment card number', start: m.index!, end: m.index! + m[0].length });
  }
  for (const m of text.matchAll(PHONE)) if (!covered(m.index!)) found.push({ what: 'a phone number', start: m.index!, end: m.index! + m[0].length });
  return found;
}

export function* checkPrivacy(context: BotContext, report: Report): Generator<void, void, void> {
  for (const model of context.models) {
    yield;
    for (const problem of perFile('privacy', model, '', () => scanFile(model))) report.add(model.uri, problem);
  }
}

function scanFile(model: FileModel): Problem[] {
  const problems: Problem[] = [];
  {
    const scan = (item: { text: string; span: Span }, where: string) => {
      const text = item.text;
      for (const hit of findPersonalData(text)) {
        problems.push({
          code: 'personal-data',
          message:
            `This ${where} holds ${hit.what} ("${text.slice(hit.start, hit.end)}"). Bot files are shared widely: if it is a customer's, replace it with a made-up one` +
            (where === 'message' ? ' (like name@example.com); if it is public (your own support line), add `# botmaster-ignore personal-data` on the line above.' : ' (like name@example.com).'),
          span: partOfText(model.text, item, hit.start, hit.end, where === 'message'),
        });
      }
    };
    for (const intent of model.intents.values()) for (const examples of intent.examples.values()) for (const e of examples) scan(e, 'training example');
    for (const message of model.messages) for (const t of message.texts as TextItem[]) scan(t, 'message');
  }
  return problems;
}
