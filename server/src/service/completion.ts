/** Completion: settings from the schema, ids of the right kind at references, languages, slots in placeholders and conditions, snippets. */
import { CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver-types';
import type { CompletionItem, CompletionList, Position, Range } from 'vscode-languageserver-types';
import { cursorContext } from './cursor';
import type { CursorContext } from './cursor';
import { isObjectSchema, schemasAt } from './schemaPath';
import type { JsonSchema } from './schema';
import { hoverText } from './hover';
import type { FileModel, Kind } from './types';
import { KIND_NAMES } from './types';
import type { Workspace } from './workspace';

const KIND_ICON: Record<Kind, CompletionItemKind> = {
  node: CompletionItemKind.Function,
  flow: CompletionItemKind.Module,
  intent: CompletionItemKind.Event,
  entity: CompletionItemKind.Class,
  value: CompletionItemKind.EnumMember,
  slot: CompletionItemKind.Variable,
  response: CompletionItemKind.Text,
  locale: CompletionItemKind.Constant,
};

const CONDITION_WORDS = ['and', 'or', 'not', 'in', 'not in', 'is set', 'is not set', 'true', 'false'];

export function getCompletions(workspace: Workspace, uri: string, position: Position): CompletionList {
  const model = workspace.get(uri);
  if (!model) return { isIncomplete: false, items: [] };
  const offset = model.lines.offset(position);
  const context = cursorContext(model, offset);
  const range = model.lines.range(context.word);
  const items: CompletionItem[] = [];

  if (context.at === 'value' && context.key !== undefined) {
    const path = [...context.container, context.key];
    const schemas = schemasAt(path);
    const inPlaceholder = /\{[^{}]*$/.test(context.valueBefore);
    if (inPlaceholder) return { isIncomplete: false, items: ids(workspace, model, 'slot', range) };
    if (schemas.some((s) => s['x-botmaster-kind'] === 'condition')) {
      items.push(...ids(workspace, model, 'slot', range));
      for (const word of CONDITION_WORDS) items.push({ label: word, kind: CompletionItemKind.Keyword, textEdit: { range, newText: word } });
      return { isIncomplete: false, items };
    }
    items.push(...valueCompletions(workspace, model, schemas, range));
    return { isIncomplete: false, items };
  }

  const containerSchemas = schemasAt(context.container);
  // Inside an entity annotation of a training example: `[text](entity` or `[text](entity:value`.
  const annotation = /\]\(([A-Za-z0-9_.-]*)(:[A-Za-z0-9_.-]*)?$/.exec(model.text.slice(model.lines.lineStarts[position.line], offset));
  if (annotation && containerSchemas.some((s) => s.items?.['x-botmaster-kind'] === 'example' || s['x-botmaster-kind'] === 'example')) {
    if (annotation[2] === undefined) return { isIncomplete: false, items: ids(workspace, model, 'entity', range) };
    const prefix = `${annotation[1]}:`;
    return { isIncomplete: false, items: ids(workspace, model, 'value', range).filter((i) => (i.data as { id: string }).id.startsWith(prefix)) };
  }
  if (context.at === 'item' || (!containerSchemas.some(isObjectSchema) && containerSchemas.some((s) => s.type === 'string'))) {
    return { isIncomplete: false, items: valueCompletions(workspace, model, containerSchemas, range) };
  }
  items.push(...keyCompletions(workspace, model, context, containerSchemas, range));
  return { isIncomplete: false, items };
}

function valueCompletions(workspace: Workspace, model: FileModel, schemas: JsonSchema[], range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const schema of schemas) {
    const ref = schema['x-botmaster-ref'] as Kind | undefined;
    if (ref && !seen.has(ref)) {
      seen.add(ref);
      items.push(...ids(workspace, model, ref, range));
    }
    for (const value of schema.enum ?? []) {
      items.push({ label: String(value), kind: CompletionItemKind.EnumMember, documentation: schema.description, textEdit: { range, newText: String(value) } });
    }
    if (schema.type === 'boolean' || (Array.isArray(schema.type) && schema.type.includes('boolean'))) {
      for (const value of ['true', 'false']) items.push({ label: value, kind: CompletionItemKind.Value, textEdit: { range, newText: value } });
    }
  }
  return items;
}

function keyCompletions(workspace: Workspace, model: FileModel, context: CursorContext, schemas: JsonSchema[], range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  const present = new Set(context.siblings);
  const path = context.container;
  for (const schema of schemas) {
    const keyKind = schema['x-botmaster-key'] as Kind | undefined;
    if (keyKind) {
      for (const item of ids(workspace, model, keyKind, range)) {
        if (present.has(item.label)) continue;
        items.push({ ...item, textEdit: { range, newText: `${item.label}: ` } });
      }
    }
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (present.has(name)) continue;
      const resolved = schemasAt([...path, name]);
      const isBlock = resolved.length > 0 && resolved.every((s) => isObjectSchema(s) || s.type === 'array');
      const isList = resolved.length > 0 && resolved.every((s) => s.type === 'array');
      const child = ' '.repeat(context.indent + 2);
      items.push({
        label: name,
        kind: CompletionItemKind.Property,
        detail: resolved.map((s) => s['x-botmaster-ref'] ? `${KIND_NAMES[s['x-botmaster-ref'] as Kind]} id` : '').find(Boolean),
        documentation: { kind: MarkupKind.Markdown, value: property.description ?? resolved[0]?.description ?? '' },
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: isList ? `${name}:\n${child}- $0` : isBlock ? `${name}:\n${child}$0` : `${name}: $0` },
        sortText: `0${name}`,
      });
    }
  }
  items.push(...snippets(path, context.indent, range));
  return items;
}

/** Snippets for a new intent, node and flow where such an entry may start. */
function snippets(path: string[], indent: number, range: Range): CompletionItem[] {
  const pad = (n: number) => ' '.repeat(indent + n);
  const snippet = (label: string, detail: string, body: string[]): CompletionItem => ({
    label,
    detail,
    kind: CompletionItemKind.Snippet,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: body.join('\n') },
    sortText: `1${label}`,
  });
  const where = path.join('/');
  if (where === 'intents') {
    return [snippet('new intent', 'An intent with a description and examples', ['${1:topic.intent}:', `${pad(2)}description: \${2:What the user wants}`, `${pad(2)}examples:`, `${pad(4)}\${3:en}:`, `${pad(6)}- \${0:An example}`])];
  }
  if (/^flows\/[^/]+\/nodes$/.test(where)) {
    return [snippet('new node', 'A node that says something and goes on', ['${1:node_id}:', `${pad(2)}say: \${2:What the bot says}`, `${pad(2)}goto: \${0:next_node}`])];
  }
  if (where === 'flows') {
    return [snippet('new flow', 'A flow with a first node', ['${1:flow_id}:', `${pad(2)}description: \${2:What this flow is about}`, `${pad(2)}nodes:`, `${pad(4)}\${3:first_node}:`, `${pad(6)}say: \${0:What the bot says}`, `${pad(6)}end: true`])];
  }
  return [];
}

/** The ids of one kind in the file's bot, each with what hover would tell about it. */
function ids(workspace: Workspace, model: FileModel, kind: Kind, range: Range): CompletionItem[] {
  const bot = workspace.botOf(model.uri);
  const items: CompletionItem[] = [];
  for (const [id, defs] of bot.ids(kind)) {
    const def = defs[0];
    items.push({
      label: kind === 'value' ? id.slice(id.indexOf(':') + 1) : id,
      kind: KIND_ICON[kind],
      detail: def.flow ? `${KIND_NAMES[kind]} in flow ${def.flow}` : KIND_NAMES[kind],
      data: { uri: def.uri, kind, id },
      textEdit: { range, newText: kind === 'value' ? id.slice(id.indexOf(':') + 1) : id },
    });
  }
  return items;
}

/** Documentation is filled in lazily (completionItem/resolve): with thousands of intents, only the selected one needs it. */
export function resolveCompletion(workspace: Workspace, item: CompletionItem): CompletionItem {
  const data = item.data as { uri: string; kind: Kind; id: string } | undefined;
  if (!data) return item;
  const text = hoverText(workspace, workspace.botOf(data.uri), data.kind, data.id);
  return text ? { ...item, documentation: { kind: MarkupKind.Markdown, value: text } } : item;
}
