/** Rename of nodes, flows, intents, slots, responses and entities across every file of a bot, as minimal text edits. */
import type { Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { targetAt } from './locate';
import type { Kind, Span } from './types';
import { KIND_NAMES } from './types';
import { comparisonsOf } from './analysis/conditionTypes';
import type { Bot, Workspace } from './workspace';

const RENAMABLE = new Set<Kind>(['node', 'flow', 'intent', 'slot', 'response', 'entity', 'value']);
const ID = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

export class RenameError extends Error {}

export function prepareRename(workspace: Workspace, uri: string, position: Position): { range: Range; placeholder: string } | null {
  const model = workspace.get(uri);
  if (!model) return null;
  const target = targetAt(model, model.lines.offset(position));
  if (!target || !RENAMABLE.has(target.item.kind)) return null;
  const { kind, id, span } = target.item;
  if (workspace.botOf(uri).lookup(kind, id).length === 0) throw new RenameError(`There is no ${KIND_NAMES[kind]} \`${id}\` to rename.`);
  return { range: model.lines.range(span), placeholder: kind === 'value' ? id.slice(id.indexOf(':') + 1) : id };
}

export function rename(workspace: Workspace, uri: string, position: Position, newName: string): WorkspaceEdit | null {
  const model = workspace.get(uri);
  if (!model) return null;
  const target = targetAt(model, model.lines.offset(position));
  if (!target || !RENAMABLE.has(target.item.kind)) return null;
  const { kind, id } = target.item;
  if (!ID.test(newName)) throw new RenameError(`\`${newName}\` is not a valid id: use letters, digits, \`_\` and \`-\`, in parts separated by dots.`);
  const bot = workspace.botOf(uri);
  const newId = kind === 'value' ? `${id.slice(0, id.indexOf(':'))}:${newName}` : newName;
  if (newId !== id && bot.lookup(kind, newId).length > 0) throw new RenameError(`This bot already has a ${KIND_NAMES[kind]} \`${newName}\`.`);
  const spans: { uri: string; span: Span }[] = [...bot.lookup(kind, id), ...bot.referencesTo(kind, id)];
  if (kind === 'value') spans.push(...valueInConditions(workspace, bot, id));
  const changes: Record<string, TextEdit[]> = {};
  for (const { uri: file, span } of spans) {
    const fileModel = workspace.get(file);
    if (!fileModel) continue;
    // A reference inside a text we could not map exactly (an escaped or folded string) has a span over the whole text.
    if (fileModel.text.slice(span.start, span.end) !== (kind === 'value' ? id.slice(id.indexOf(':') + 1) : id)) continue;
    (changes[file] ??= []).push({ range: fileModel.lines.range(span), newText: newName });
  }
  return { changes };
}

/**
 * An entity value written in conditions (\`colour == "red"\`, \`colour in ["red", "blue"]\`) where the slot compared is
 * filled from that entity: the text inside the quotes.
 */
function valueInConditions(workspace: Workspace, bot: Bot, id: string): { uri: string; span: Span }[] {
  const entity = id.slice(0, id.indexOf(':'));
  const value = id.slice(id.indexOf(':') + 1);
  const fromEntity = (slot: string) => bot.lookup('slot', slot).some((def) => workspace.get(def.uri)?.slots.get(slot)?.entity === entity);
  const found: { uri: string; span: Span }[] = [];
  for (const uri of bot.files) {
    const model = workspace.get(uri);
    if (!model) continue;
    for (const { condition, found: compared } of comparisonsOf(model)) {
      const literals = compared.flatMap((c) => c.values.filter((v) => v.value === value).map((v) => ({ ...v, renamed: fromEntity(c.slot) })));
      if (!literals.some((l) => l.renamed)) continue;
      let place = (start: number): number | undefined => (condition.contentStart === undefined ? undefined : condition.contentStart + start);
      if (condition.contentStart === undefined) {
        // A folded or escaped condition: the value's places in the source, when it is written there as often, in order.
        const source = model.text.slice(condition.span.start, condition.span.end);
        const starts = (text: string) => [...text.matchAll(/"[^"\n]*"|'[^'\n]*'/g)].filter((m) => m[0].slice(1, -1) === value).map((m) => m.index!);
        const inValue = starts(condition.text);
        const inSource = starts(source);
        if (inValue.length !== inSource.length) continue;
        place = (start) => (inValue.includes(start) ? condition.span.start + inSource[inValue.indexOf(start)] : undefined);
      }
      for (const literal of literals) {
        const at = literal.renamed ? place(literal.start) : undefined;
        if (at !== undefined) found.push({ uri, span: { start: at + 1, end: at + 1 + value.length } });
      }
    }
  }
  return found;
}
