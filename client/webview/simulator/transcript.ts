/**
 * A simulator conversation as a transcript: plain text (what `botmaster chat` prints) or Markdown (for an issue or a
 * pull request). Pure: used by the extension to copy and save. Markdown escapes bot text, so a message holding `*`,
 * `<b>` or `[x](y)` reads as written and never becomes markup or a link.
 */
import type { Entry, SimulatorBot, SimulatorOptions, SimulatorTurn } from './protocol';

export type TranscriptFormat = 'text' | 'markdown';

function markdownText(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, '  \n');
}

/** The user's side of a turn, as the panel shows it. */
export function userText(turn: SimulatorTurn): string {
  const user = turn.user;
  if (!user) return '';
  if (user.quickReply !== undefined) return user.label ?? `button ${user.quickReply + 1}`;
  if (user.intent !== undefined) return `/intent ${user.intent}`;
  return user.text ?? '';
}

function facts(turn: SimulatorTurn): string[] {
  const out: string[] = [];
  const m = turn.matched;
  if (m) out.push(m.intent ? `intent ${m.intent} ${m.confidence.toFixed(2)} (${m.by})` : `no intent (best ${m.candidates[0]?.intent ?? 'none'} ${m.confidence.toFixed(2)})`);
  if (turn.entities.length) out.push(`entities: ${turn.entities.map((e) => `${e.entity}=${JSON.stringify(e.value)}`).join(', ')}`);
  const changed = Object.entries(turn.changed);
  if (changed.length) out.push(`slots: ${changed.map(([k, v]) => `${k} = ${v === null ? '(emptied)' : JSON.stringify(v)}`).join(', ')}`);
  if (turn.path.length) out.push(`nodes: ${turn.path.join(' → ')}`);
  if (turn.fallback) out.push(`fallback: ${turn.fallback}`);
  return out;
}

export function transcript(bot: SimulatorBot | undefined, options: SimulatorOptions | undefined, entries: Entry[], format: TranscriptFormat): string {
  const name = bot?.name || 'bot';
  const about = options
    ? [
        `language ${options.locale}`,
        ...(options.channel ? [`channel ${options.channel}`] : []),
        ...(options.startNode ? [`started at node ${options.startNode}`] : []),
        `seed ${options.seed}`,
        `today ${options.today}`,
      ].join(', ')
    : '';
  const lines: string[] = [];
  const md = format === 'markdown';
  if (md) lines.push(`# Conversation with ${markdownText(name)}`, '', `*${markdownText(about)}*`, '');
  else lines.push(`${name} (${about})`);
  for (const { turn, reload } of entries) {
    if (reload) lines.push(md ? '---\n*The bot was reloaded after an edit.*\n' : '-- the bot was reloaded after an edit --');
    if (turn.user) lines.push(md ? `**You:** ${markdownText(userText(turn))}  ` : `you> ${userText(turn)}`);
    if (turn.user && md) {
      const f = facts(turn);
      if (f.length) lines.push(`<sub>${markdownText(f.join(' · '))}</sub>`, '');
      else lines.push('');
    } else if (turn.user) {
      for (const fact of facts(turn)) lines.push(`  ${fact}`);
    }
    for (const message of turn.messages) {
      const said = options?.voice && message.voice !== undefined ? message.voice : message.text;
      lines.push(md ? `**Bot:** ${markdownText(said)}  ` : `bot> ${said}`);
      if (message.quickReplies?.length) lines.push(md ? `*Buttons:* ${message.quickReplies.map(markdownText).join(' · ')}  ` : `     ${message.quickReplies.map((q, i) => `[${i + 1}] ${q}`).join('  ')}`);
    }
    for (const notice of turn.notices) lines.push(md ? `> ⚠ ${markdownText(notice)}` : `! ${notice}`);
    if (turn.handedOff) lines.push(md ? `*Handed over to a human${turn.handedOff.queue ? ` (queue ${markdownText(turn.handedOff.queue)})` : ''}.*` : `  (handed over to a human${turn.handedOff.queue ? `, queue ${turn.handedOff.queue}` : ''})`);
    else if (turn.ended) lines.push(md ? '*The conversation ended.*' : '  (conversation ended)');
    if (md) lines.push('');
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
