/**
 * Reading the answer to a question by the slot's type: number, boolean, date, time, email, phone, url or text. Words are
 * known in English and French (other languages get digits, ISO dates and 24-hour times). Dates need today's date, given
 * by the conversation (so tests are repeatable). Each reader returns the value and the words it was read from, or
 * undefined when the answer holds no such value.
 *
 *   number   `12`, `-3`, `4.5`, `1,000` (en), `4,5` (fr), `twelve`, `twenty-one`, `vingt et un`  → a number
 *   boolean  `yes`, `yeah`, `sure`, `no`, `nope`, `oui`, `non`…; else a negation (`I have not`,
 *            `not really`) is no and an agreement (`right`, `I did`) is yes; both yes and no is unclear  → true / false
 *   date     `today`, `tomorrow`, `next Tuesday`, `March the 4th`, `4 March 2025`, `le 4 mars`, `in 3 days`,
 *            `2025-03-04`, `4/3/2025` (day first; month first in `en` and `en-US`)          → "YYYY-MM-DD"
 *   time     `15:30`, `3 pm`, `3:30pm`, `noon`, `15h30`, `midi`                              → "HH:MM" (24-hour)
 *   email, url, phone (7 to 15 digits)                                                       → the text, trimmed
 *   phone said digit by digit (`five five five one two…`)                                    → the digits
 *   text     the whole answer, trimmed
 */
import type { SlotType, Value } from './program';
import { normalize } from './text';

export interface ReadValue {
  value: Value;
  text: string;
}

export function readValue(type: SlotType, answer: string, locale: string, today: Date): ReadValue | undefined {
  switch (type) {
    case 'text': {
      const text = answer.trim();
      return text ? { value: text, text } : undefined;
    }
    case 'number':
      return readNumber(answer, locale);
    case 'boolean':
      return readBoolean(answer);
    case 'date':
      return readDate(answer, locale, today);
    case 'time':
      return readTime(answer);
    case 'email':
      return firstMatch(answer, /[^\s@<>()[\],;:"']+@[^\s@<>()[\],;:"']+\.[^\s@<>()[\],;:"'.]{2,}/u);
    case 'url':
      return firstMatch(answer, URL_PATTERN);
    case 'phone':
      return readPhone(answer);
  }
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?)]|(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:\/[^\s<>"]*[^\s<>".,;:!?)])?(?![\w@-]|\.\w)/iu;

function firstMatch(text: string, re: RegExp): ReadValue | undefined {
  const m = re.exec(text);
  return m ? { value: m[0], text: m[0] } : undefined;
}

// ---- Numbers ------------------------------------------------------------------------------------------------------

/** `"one=1 two=2"` → a map from words to numbers. */
function wordNumbers(spec: string): Map<string, number> {
  return new Map(spec.split(/\s+/).map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])]));
}

// `six` is the same in both languages; `a` only counts before a multiplier ("a hundred").
const UNITS = wordNumbers(
  [
    'zero=0 oh=0 one=1 two=2 three=3 four=4 five=5 six=6 seven=7 eight=8 nine=9 ten=10 eleven=11 twelve=12',
    'thirteen=13 fourteen=14 fifteen=15 sixteen=16 seventeen=17 eighteen=18 nineteen=19 twenty=20 thirty=30',
    'forty=40 fifty=50 sixty=60 seventy=70 eighty=80 ninety=90 un=1 une=1 deux=2 trois=3 quatre=4 cinq=5 sept=7',
    'huit=8 neuf=9 dix=10 onze=11 douze=12 treize=13 quatorze=14 quinze=15 seize=16 vingt=20 vingts=20 trente=30',
    'quarante=40 cinquante=50 soixante=60 a=1',
  ].join(' '),
);
const MULTIPLIERS = wordNumbers('hundred=100 cent=100 cents=100 thousand=1000 mille=1000');
const JOINERS = new Set(['and', 'et']);

/** Number words in a row, like "twenty one" or "quatre vingt dix", as a number; undefined if there are none. */
export function wordsToNumber(tokens: string[]): { value: number; used: number } | undefined {
  let total = 0;
  let current = 0;
  let used = 0;
  let any = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (JOINERS.has(t) && any && i + 1 < tokens.length && (UNITS.has(tokens[i + 1]) || MULTIPLIERS.has(tokens[i + 1]))) continue;
    if (t === 'a' && !MULTIPLIERS.has(tokens[i + 1])) break;
    const v = UNITS.get(t);
    const m = MULTIPLIERS.get(t);
    if (v !== undefined) {
      // "quatre vingt" is 80: a unit before "vingt" multiplies it.
      if ((t === 'vingt' || t === 'vingts') && current > 0 && current < 10) current *= 20;
      else current += v;
    } else if (m !== undefined) {
      if (m === 100) current = (current || 1) * 100;
      else {
        total += (current || 1) * m;
        current = 0;
      }
    } else break;
    any = true;
    used = i + 1;
  }
  return any ? { value: total + current, used } : undefined;
}

function readNumber(answer: string, locale: string): ReadValue | undefined {
  const french = locale.startsWith('fr');
  const digits = french ? /-?\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?(?!\d)|-?\d+(?:,\d+)?/u : /-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|-?\d+(?:\.\d+)?/u;
  const m = digits.exec(answer);
  if (m) {
    const text = m[0];
    const plain = french ? text.replace(/[ \u00a0\u202f.]/gu, '').replace(',', '.') : text.replace(/,/g, '');
    return { value: Number(plain), text };
  }
  const tokens =
    normalize(answer)
      .replace(/-/g, ' ')
      .match(/[\p{L}\p{N}']+/gu) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const found = wordsToNumber(tokens.slice(i));
    if (found) return { value: found.value, text: tokens.slice(i, i + found.used).join(' ') };
  }
  return undefined;
}

// ---- Yes and no ---------------------------------------------------------------------------------------------------

const YES = [
  'yes',
  'yeah',
  'yep',
  'yup',
  'sure',
  'ok',
  'okay',
  'absolutely',
  'of course',
  'definitely',
  'indeed',
  'affirmative',
  'oui',
  'ouais',
  'bien sur',
  "d'accord",
  'exactement',
  'tout a fait',
  'absolument',
];
const NO = ['no', 'nope', 'nah', 'non'];
/** Weaker: they say yes or no only when nothing stronger is said ("I have not" is no). */
const AGREE = ['right', 'correct', 'true', 'i have', 'i did', 'exact', 'vrai'];
const NEGATIONS = ['not', "don't", 'dont', "haven't", "didn't", 'never', 'false', 'negative', 'pas', 'jamais', 'faux'];

function phraseIn(tokens: string[], phrases: string[]): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    for (const phrase of phrases) {
      const words = phrase.split(' ');
      if (words.every((w, k) => tokens[i + k] === w)) return phrase;
    }
  }
  return undefined;
}

function readBoolean(answer: string): ReadValue | undefined {
  const tokens = normalize(answer).match(/[\p{L}\p{N}']+/gu) ?? [];
  const yes = phraseIn(tokens, YES);
  const no = phraseIn(tokens, NO);
  if (yes && no) return undefined;
  if (yes) return { value: true, text: yes };
  if (no) return { value: false, text: no };
  const negation = phraseIn(tokens, NEGATIONS);
  if (negation) return { value: false, text: negation };
  const agree = phraseIn(tokens, AGREE);
  return agree ? { value: true, text: agree } : undefined;
}

// ---- Dates --------------------------------------------------------------------------------------------------------

const MONTHS = wordNumbers(
  [
    'january=1 jan=1 february=2 feb=2 march=3 mar=3 april=4 apr=4 may=5 june=6 jun=6 july=7 jul=7 august=8 aug=8',
    'september=9 sep=9 sept=9 october=10 oct=10 november=11 nov=11 december=12 dec=12 janvier=1 fevrier=2 mars=3',
    'avril=4 mai=5 juin=6 juillet=7 aout=8 septembre=9 octobre=10 novembre=11 decembre=12',
  ].join(' '),
);
const WEEKDAYS = wordNumbers(
  ['sunday=0 monday=1 tuesday=2 wednesday=3 thursday=4 friday=5 saturday=6 dimanche=0 lundi=1 mardi=2 mercredi=3', 'jeudi=4 vendredi=5 samedi=6'].join(' '),
);
const RELATIVE: [phrase: string, days: number][] = [
  ['day after tomorrow', 2],
  ['apres demain', 2],
  ['apres-demain', 2],
  ['today', 0],
  ["aujourd'hui", 0],
  ['tonight', 0],
  ['ce soir', 0],
  ['tomorrow', 1],
  ['demain', 1],
  ['yesterday', -1],
  ['hier', -1],
];

function iso(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

function utcDay(today: Date): Date {
  return new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate()));
}

function addDays(day: Date, n: number): Date {
  return new Date(day.getTime() + n * 86_400_000);
}

function validDate(year: number, month: number, day: number): Date | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d : undefined;
}

/** A day and month without a year: the next such date from today on. */
function nextDate(month: number, day: number, today: Date): Date | undefined {
  const year = today.getUTCFullYear();
  const thisYear = validDate(year, month, day);
  if (thisYear && thisYear.getTime() >= today.getTime()) return thisYear;
  return validDate(year + 1, month, day) ?? validDate(year + 4, month, day);
}

function readDate(answer: string, locale: string, now: Date): ReadValue | undefined {
  const today = utcDay(now);
  const text = normalize(answer);
  const found = (date: Date | undefined, words: string): ReadValue | undefined => (date ? { value: iso(date), text: words } : undefined);
  let m = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/.exec(text);
  if (m) return found(validDate(+m[1], +m[2], +m[3]), m[0]);
  m = /\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?\b/.exec(text);
  if (m) {
    const monthFirst = locale === 'en' || locale === 'en-US';
    const [day, month] = monthFirst ? [+m[2], +m[1]] : [+m[1], +m[2]];
    if (m[3]) return found(validDate(m[3].length === 2 ? 2000 + +m[3] : +m[3], month, day), m[0]);
    return found(nextDate(month, day, today), m[0]);
  }
  m = /\b(?:in|dans)\s+(\d+|[a-z]+)\s+(days?|jours?|weeks?|semaines?)\b/.exec(text);
  if (m) {
    const n = /^\d+$/.test(m[1]) ? +m[1] : wordsToNumber([m[1]])?.value;
    if (n !== undefined) return found(addDays(today, /^(weeks?|semaines?)$/.test(m[2]) ? 7 * n : n), m[0]);
  }
  const tokens = text.match(/[\p{L}\p{N}'-]+/gu) ?? [];
  const monthWord = (t: string | undefined) => (t !== undefined ? MONTHS.get(t.replace(/\.$/, '')) : undefined);
  const dayNumber = (t: string | undefined) => {
    const d = t && /^(\d{1,2})(?:st|nd|rd|th|er|e)?$/.exec(t);
    return d ? +d[1] : undefined;
  };
  const yearAfter = (t: string | undefined) => (t && /^\d{4}$/.test(t) ? +t : undefined);
  for (let i = 0; i < tokens.length; i++) {
    // "March 4", "March the 4th", "March 4th 2025"
    const month = monthWord(tokens[i]);
    if (month !== undefined && !(tokens[i] === 'may' && dayNumber(tokens[i + 1]) === undefined && dayNumber(tokens[i + 2]) === undefined)) {
      let j = i + 1;
      if (tokens[j] === 'the') j++;
      const day = dayNumber(tokens[j]);
      if (day !== undefined) {
        const year = yearAfter(tokens[j + 1]);
        return found(year ? validDate(year, month, day) : nextDate(month, day, today), tokens.slice(i, year ? j + 2 : j + 1).join(' '));
      }
    }
    // "4 March", "4th of March", "le 1er mars 2025"
    const day = dayNumber(tokens[i]);
    if (day !== undefined) {
      let j = i + 1;
      if (tokens[j] === 'of') j++;
      const month2 = monthWord(tokens[j]);
      if (month2 !== undefined) {
        const year = yearAfter(tokens[j + 1]);
        return found(year ? validDate(year, month2, day) : nextDate(month2, day, today), tokens.slice(i, year ? j + 2 : j + 1).join(' '));
      }
    }
  }
  for (const [phrase, days] of RELATIVE) {
    const at = new RegExp(`(^|[^\\p{L}])${phrase}($|[^\\p{L}])`, 'u').exec(text);
    if (at) return found(addDays(today, days), phrase);
  }
  for (let i = 0; i < tokens.length; i++) {
    const weekday = WEEKDAYS.get(tokens[i]);
    if (weekday === undefined) continue;
    // The next such day after today ("Monday" on a Monday is in a week); "next Monday" means the same.
    const ahead = (weekday - today.getUTCDay() + 7) % 7 || 7;
    return found(addDays(today, ahead), tokens[i]);
  }
  return undefined;
}

// ---- Times --------------------------------------------------------------------------------------------------------

function hhmm(hours: number, minutes: number): string | undefined {
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

function readTime(answer: string): ReadValue | undefined {
  const text = normalize(answer);
  const found = (value: string | undefined, words: string): ReadValue | undefined => (value ? { value, text: words } : undefined);
  let m = /\b(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?\s*m\b\.?/.exec(text);
  if (m) {
    let hours = +m[1];
    if (hours < 1 || hours > 12) return undefined;
    if (m[3] === 'p' && hours < 12) hours += 12;
    if (m[3] === 'a' && hours === 12) hours = 0;
    return found(hhmm(hours, m[2] ? +m[2] : 0), m[0].trim());
  }
  m = /\b(\d{1,2})\s*(?::|h)\s*(\d{2})?\b/.exec(text);
  if (m) return found(hhmm(+m[1], m[2] ? +m[2] : 0), m[0].trim());
  m = /\b(noon|midday|midi|midnight|minuit)\b/.exec(text);
  if (m) return found(m[1] === 'midnight' || m[1] === 'minuit' ? '00:00' : '12:00', m[1]);
  m = /\b(\d{1,2})\s*(?:o'clock|heures?)\b/.exec(text);
  if (m) return found(hhmm(+m[1], 0), m[0]);
  m = /\b(?:at|a)\s+(\d{1,2})\b(?![./-]?\d)/.exec(text);
  if (m) return found(hhmm(+m[1], 0), m[0]);
  return undefined;
}

// ---- Phone numbers ------------------------------------------------------------------------------------------------

const DIGIT_WORDS = wordNumbers(
  'zero=0 oh=0 one=1 two=2 three=3 four=4 five=5 six=6 seven=7 eight=8 nine=9 un=1 deux=2 trois=3 quatre=4 cinq=5 sept=7 huit=8 neuf=9',
);

function readPhone(answer: string): ReadValue | undefined {
  const m = /\+?\(?\d[\d\s().\-/]{5,}\d/u.exec(answer);
  if (m) {
    const digits = m[0].replace(/\D/g, '').length;
    if (digits >= 7 && digits <= 15) return { value: m[0].trim(), text: m[0].trim() };
  }
  // Said digit by digit: "five five five one two three four".
  const tokens = normalize(answer).match(/[\p{L}\p{N}]+/gu) ?? [];
  let run = '';
  let best = '';
  for (const t of tokens) {
    const d = /^\d+$/.test(t) ? t : DIGIT_WORDS.has(t) ? String(DIGIT_WORDS.get(t)) : undefined;
    if (d !== undefined) run += d;
    else run = '';
    if (run.length > best.length) best = run;
  }
  return best.length >= 7 && best.length <= 15 ? { value: best, text: best } : undefined;
}
