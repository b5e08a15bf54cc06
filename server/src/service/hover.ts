/** Hover: what a reference or definition stands for, and the documentation of settings. */
import { MarkupKind } from 'vscode-languageserver-types';
import type { Hover, Position } from 'vscode-languageserver-types';
import { cursorContext } from './cursor';
import { targetAt } from './locate';
import { schemasAt } from './schemaPath';
import type { Kind, TextItem } from './types';
import { KIND_NAMES } from './types';
import type { Bot, Workspace } from './workspace';

const EXAMPLES_SHOWN = 3;

export function getHover(workspace: Workspace, uri: string, position: Position): Hover | null {
  const model = workspace.get(uri);
  if (!model) return null;
  const offset = model.lines.offset(position);
  const target = targetAt(model, offset);
  if (target) {
    const { kind, id, span } = target.item;
    const text = hoverText(workspace, workspace.botOf(uri), kind, id);
    return { contents: { kind: MarkupKind.Markdown, value: text ?? `No ${KIND_NAMES[kind]} named \`${id}\` in this bot.` }, range: model.lines.range(span) };
  }
  // A setting's key: its documentation from the schema.
  const lineStart = model.lines.lineStarts[position.line];
  const lineText = model.text.slice(lineStart, model.text.indexOf('\n', lineStart) === -1 ? undefined : model.text.indexOf('\n', lineStart));
  const keyMatch = /^(\s*(?:-\s+)*)([A-Za-z_][\w.-]*)\s*:/.exec(lineText);
  if (keyMatch && offset >= lineStart + keyMatch[1].length && offset <= lineStart + keyMatch[1].length + keyMatch[2].length) {
    const context = cursorContext(model, lineStart + keyMatch[1].length);
    const description = schemasAt([...context.container, keyMatch[2]]).map((s) => s.description).find(Boolean);
    if (description) {
      const start = lineStart + keyMatch[1].length;
      return { contents: { kind: MarkupKind.Markdown, value: `**${keyMatch[2]}** — ${description}` }, range: model.lines.range({ start, end: start + keyMatch[2].length }) };
    }
  }
  return null;
}

function quote(text: string): string {
  return `“${text.length > 120 ? text.slice(0, 117) + '…' : text}”`;
}

function inLocale(texts: TextItem[], locale: string | undefined): TextItem | undefined {
  return texts.find((t) => t.locale === locale) ?? texts.find((t) => t.locale === undefined) ?? texts[0];
}

/** Markdown describing one id of a bot; undefined when it is not defined. */
export function hoverText(workspace: Workspace, bot: Bot, kind: Kind, id: string): string | undefined {
  const defs = bot.lookup(kind, id);
  if (defs.length === 0) return undefined;
  const def = defs[0];
  const model = workspace.get(def.uri);
  if (!model) return undefined;
  const locale = workspace.manifestOf(bot)?.manifest?.defaultLocale;
  const lines: string[] = [];
  const description = kind === 'intent' ? model.intents.get(id)?.description : model.descriptions.get(`${kind}:${id}`);
  const uses = bot.referencesTo(kind, id).length;
  switch (kind) {
    case 'intent': {
      const info = model.intents.get(id);
      lines.push(`**intent** \`${id}\`` + (description ? ` — ${description}` : ''));
      if (info) {
        const counts = [...info.examples].map(([l, list]) => `${list.length} in \`${l}\``);
        lines.push('', `Examples: ${counts.length ? counts.join(', ') : 'none'}`);
        const shown = info.examples.get(locale ?? '') ?? [...info.examples.values()][0] ?? [];
        for (const example of shown.slice(0, EXAMPLES_SHOWN)) lines.push(`- ${quote(example.text)}`);
      }
      break;
    }
    case 'node': {
      const info = model.nodes.get(id);
      lines.push(`**node** \`${id}\` in flow \`${def.flow}\`` + (description ? ` — ${description}` : ''));
      if (info) {
        const says = inLocale(info.texts, locale);
        if (says) lines.push('', `Says: ${quote(says.text)}`);
        else if (info.response) lines.push('', `Says the response \`${info.response}\``);
        if (info.ask) lines.push('', `Asks for the slot \`${info.ask}\``);
        if (info.moves.length) {
          lines.push('', 'Leads to:');
          for (const move of info.moves.slice(0, 12)) lines.push(`- ${move.via === 'next' ? 'then' : `on ${quote(move.via)}`} → ${move.kind === 'flow' ? 'flow ' : ''}\`${move.id}\``);
        }
        if (info.end) lines.push('', 'Ends the conversation.');
        if (info.handoff) lines.push('', 'Hands the conversation over to a human.');
      }
      break;
    }
    case 'slot': {
      const info = model.slots.get(id);
      lines.push(`**slot** \`${id}\`` + (description ? ` — ${description}` : ''));
      if (info?.entity) lines.push('', `Type: entity \`${info.entity}\` (filled when the user mentions it)`);
      else lines.push('', `Type: ${info?.type ?? 'text'}`);
      const askers: string[] = [];
      for (const uri of bot.files) for (const [nodeId, node] of workspace.get(uri)?.nodes ?? []) if (node.ask === id) askers.push(`\`${nodeId}\``);
      if (askers.length) lines.push('', `Asked by: ${askers.slice(0, 8).join(', ')}${askers.length > 8 ? '…' : ''}`);
      break;
    }
    case 'flow': {
      const nodes = bot.files.size ? [...bot.ids('node').values()].filter((d) => d[0].flow === id).length : 0;
      lines.push(`**flow** \`${id}\`` + (description ? ` — ${description}` : ''), '', `${nodes} node${nodes === 1 ? '' : 's'}`);
      break;
    }
    case 'entity': {
      const values = [...bot.ids('value').keys()].filter((v) => v.startsWith(id + ':')).map((v) => `\`${v.slice(id.length + 1)}\``);
      lines.push(`**entity** \`${id}\`` + (description ? ` — ${description}` : ''));
      if (values.length) lines.push('', `Values: ${values.slice(0, 12).join(', ')}${values.length > 12 ? '…' : ''}`);
      break;
    }
    default:
      lines.push(`**${KIND_NAMES[kind]}** \`${kind === 'value' ? id.replace(':', ' → ') : id}\`` + (description ? ` — ${description}` : ''));
  }
  lines.push('', `Used ${uses} time${uses === 1 ? '' : 's'} · defined in ${def.uri.slice(def.uri.lastIndexOf('/') + 1)}:${model.lines.position(def.span.start).line + 1}`);
  return lines.join('\n');
}
