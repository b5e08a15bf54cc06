/** Wording and channels: messages longer than a channel shows, malformed or unsupported SSML, voice text too long to speak. */
import type { BotContext, Report } from './context';
import { partOfText } from '../model';

/** SSML elements that the main voice platforms (Alexa, Google, Azure, Polly) all support. */
const SSML_TAGS = new Set(['speak', 'break', 'emphasis', 'prosody', 'say-as', 'p', 's', 'sub', 'audio', 'phoneme', 'lang', 'mark', 'w']);
/** About how many characters a voice says per second (150 words a minute). */
const CHARS_PER_SECOND = 14;
/** Longer than this, callers stop listening. */
export const MAX_SPOKEN_SECONDS = 30;

export function checkWording(context: BotContext, report: Report): void {
  const channels = context.manifest?.channels ?? [];
  const chatLimit = minLimit(channels.filter((c) => c.type === 'chat'));
  const voiceLimit = minLimit(channels.filter((c) => c.type === 'voice'));
  const voiceOnly = channels.length > 0 && channels.every((c) => c.type === 'voice');
  for (const model of context.models) {
    for (const message of model.messages) {
      const isVoice = message.role === 'voice';
      for (const text of message.texts) {
        if (isVoice || voiceOnly) {
          const ssml = checkSsml(text.text);
          if (ssml) {
            const span = ssml.start === undefined ? text.span : partOfText(model.text, text, ssml.start, ssml.end!, true);
            report.add(model.uri, { code: ssml.code, message: ssml.message, span });
          }
          const spoken = stripTags(text.text);
          const limit = voiceLimit?.maxLength;
          if (limit !== undefined && spoken.length > limit) {
            report.add(model.uri, { code: 'message-too-long', message: `This voice text has ${spoken.length} characters; the channel \`${voiceLimit!.id}\` allows ${limit}.`, span: text.span });
          } else if (spoken.length / CHARS_PER_SECOND > MAX_SPOKEN_SECONDS) {
            report.add(model.uri, {
              code: 'voice-too-long',
              message: `Said aloud, this text takes about ${Math.round(spoken.length / CHARS_PER_SECOND)} seconds; callers stop listening after ${MAX_SPOKEN_SECONDS}. Split it or shorten it.`,
              span: text.span,
            });
          }
        } else if (chatLimit?.maxLength !== undefined && text.text.length > chatLimit.maxLength) {
          report.add(model.uri, { code: 'message-too-long', message: `This message has ${text.text.length} characters; the channel \`${chatLimit.id}\` shows at most ${chatLimit.maxLength}.`, span: text.span });
        }
      }
    }
  }
}

function minLimit(channels: { id: string; maxLength?: number }[]): { id: string; maxLength?: number } | undefined {
  return channels.filter((c) => c.maxLength !== undefined).sort((a, b) => a.maxLength! - b.maxLength!)[0];
}

function stripTags(text: string): string {
  return text.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * A small well-formedness check of SSML: tags balanced and known, attributes quoted, `&` escaped. `start` and `end`
 * are where in the text the fault is (the tag, the character); none when it is the whole text.
 */
export function checkSsml(text: string): { code: 'ssml-invalid' | 'ssml-unsupported'; message: string; start?: number; end?: number } | undefined {
  if (!text.includes('<')) return undefined;
  const stack: { name: string; start: number; end: number }[] = [];
  const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g;
  for (const m of text.matchAll(TAG)) {
    const at = { start: m.index!, end: m.index! + m[0].length };
    if (m[0] === '<') return { code: 'ssml-invalid', message: 'This SSML has a `<` that does not start a valid tag (write `&lt;` for the character).', ...at };
    if (m[0].startsWith('&')) return { code: 'ssml-invalid', message: 'In SSML, write `&amp;` for `&`.', ...at };
    const [, closing, name, , selfClosing] = m;
    if (!SSML_TAGS.has(name)) return { code: 'ssml-unsupported', message: `\`<${name}>\` is not an SSML tag that voice platforms support; use ${[...SSML_TAGS].slice(0, 6).map((t) => `<${t}>`).join(', ')}…`, ...at };
    if (closing) {
      const open = stack.pop()?.name;
      if (open !== name) return { code: 'ssml-invalid', message: open ? `\`</${name}>\` closes \`<${open}>\`: close the inner tag first.` : `\`</${name}>\` closes a tag that was never opened.`, ...at };
    } else if (!selfClosing) stack.push({ name, ...at });
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) return { code: 'ssml-invalid', message: `\`<${unclosed.name}>\` is never closed.`, start: unclosed.start, end: unclosed.end };
  if (/<speak\b/.test(text) && !/^\s*<speak\b[^>]*>[\s\S]*<\/speak>\s*$/.test(text)) return { code: 'ssml-invalid', message: 'SSML must be wrapped whole in one `<speak>…</speak>`.' };
  return undefined;
}
