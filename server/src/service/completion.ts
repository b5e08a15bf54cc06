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

/** At most this many ids per answer; the list is marked incomplete, so the editor asks again as the user types. */
export const MAX_ID_ITEMS = 200;

export function getCompletions(workspace: Workspace, uri: string, position: Position): CompletionList {
  const model = workspace.get(uri);
  if (!model) return { isIncomplete: false, items: [] };
  const request = new CompletionRequest(workspace, model, model.lines.offset(position));
  const items = request.answer();
  return { isIncomplete: request.incomplete, items };
}

/** One completion request: the cursor's context, and the answers for each kind of place. */
class CompletionRequest {
  readonly context: CursorContext;
  readonly range: Range;
  /** What is typed of the word under the cursor, up to the cursor. */
  readonly typed: string;
  incomplete = false;

  constructor(
    readonly workspace: Workspace,
    readonly model: FileModel,
    readonly offset: number,
  ) {
    this.context = cursorContext(model, offset);
    this.range = model.lines.range(this.context.word);
    this.typed = model.text.slice(this.context.word.start, offset);
  }

  answer(): CompletionItem[] {
    const { context, model, offset } = this;
    if (context.at === 'value' && context.key !== undefined) {
      const schemas = schemasAt([...context.container, context.key]);
      if (/\{[^{}]*$/.test(context.valueBefore)) return this.ids('slot');
      if (schemas.some((s) => s['x-botmaster-kind'] === 'condition')) {
        return [...this.ids('slot'), ...CONDITION_WORDS.map((word) => ({ label: word, kind: CompletionItemKind.Keyword, textEdit: { range: this.range, newText: word } }))];
      }
      return this.values(schemas);
    }
    const containerSchemas = schemasAt(context.container);
    // Inside an entity annotation of a training example: `[text](entity` or `[text](entity:value`.
    const lineBefore = model.text.slice(model.lines.lineStarts[model.lines.lineOf(offset)], offset);
    const annotation = /\]\(([A-Za-z0-9_.-]*)(:[A-Za-z0-9_.-]*)?$/.exec(lineBefore);
    if (annotation && containerSchemas.some((s) => s.items?.['x-botmaster-kind'] === 'example' || s['x-botmaster-kind'] === 'example')) {
      if (annotation[2] === undefined) return this.ids('entity');
      const entity = `${annotation[1]}:`;
      return this.ids('value', (id) => id.startsWith(entity));
    }
    if (context.at === 'item' || (!containerSchemas.some(isObjectSchema) && containerSchemas.some((s) => s.type === 'string'))) {
      return this.values(containerSchemas);
    }
    return this.keys(containerSchemas);
  }

  values(schemas: JsonSchema[]): CompletionItem[] {
    const items: CompletionItem[] = [];
    const seen = new Set<string>();
    for (const schema of schemas) {
      const ref = schema['x-botmaster-ref'] as Kind | undefined;
      if (ref && !seen.has(ref)) {
        seen.add(ref);
        items.push(...this.ids(ref));
      }
      for (const value of schema.enum ?? []) {
        items.push({ label: String(value), kind: CompletionItemKind.EnumMember, documentation: schema.description, textEdit: { range: this.range, newText: String(value) } });
      }
      if (schema.type === 'boolean' || (Array.isArray(schema.type) && schema.type.includes('boolean'))) {
        for (const value of ['true', 'false']) items.push({ label: value, kind: CompletionItemKind.Value, textEdit: { range: this.range, newText: value } });
      }
    }
    return items;
  }

  keys(schemas: JsonSchema[]): CompletionItem[] {
    const { context, range } = this;
    const items: CompletionItem[] = [];
    const present = new Set(context.siblings);
    const path = context.container;
    for (const schema of schemas) {
      const keyKind = schema['x-botmaster-key'] as Kind | undefined;
      if (keyKind) {
        for (const item of this.ids(keyKind, (id) => !present.has(id))) items.push({ ...item, textEdit: { range, newText: `${item.label}: ` } });
      }
      for (const name of (schema.propertyNames?.enum ?? []) as string[]) {
        if (!present.has(name)) items.push({ label: name, kind: CompletionItemKind.EnumMember, textEdit: { range, newText: `${name}: ` } });
      }
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (present.has(name)) continue;
        const resolved = schemasAt([...path, name]);
        const isBlock = resolved.length > 0 && resolved.every((s) => isObjectSchema(s) || s.type === 'array');
        const isList = resolved.length > 0 && resolved.every((s) => s.type === 'array');
        const child = ' '.repeat(context.indent + 2);
        const ref = resolved.map((s) => s['x-botmaster-ref'] as Kind | undefined).find(Boolean);
        items.push({
          label: name,
          kind: CompletionItemKind.Property,
          detail: ref ? `${KIND_NAMES[ref]} id` : undefined,
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

  /**
   * The ids of one kind in the file's bot that match what is typed (letters in order, ignoring case, like VS Code),
   * those starting with it first. Big bots have ten thousand nodes: sending them all at every keystroke costs more
   * than the lookup (a 3 MB answer), so the answer is capped and marked incomplete.
   */
  ids(kind: Kind, accept: (id: string) => boolean = () => true): CompletionItem[] {
    const bot = this.workspace.botOf(this.model.uri);
    const known = bot.ids(kind);
    const query = this.typed.toLowerCase();
    const starts: string[] = [];
    const others: string[] = [];
    for (const id of known.keys()) {
      if (!accept(id)) continue;
      const name = labelOf(kind, id).toLowerCase();
      if (name.startsWith(query)) starts.push(id);
      else if (query && isSubsequence(query, name)) others.push(id);
    }
    const matching = starts.length >= MAX_ID_ITEMS ? starts : starts.concat(others);
    if (matching.length > MAX_ID_ITEMS) this.incomplete = true;
    return matching.slice(0, MAX_ID_ITEMS).map((id) => {
      const def = known.get(id)![0];
      return {
        label: labelOf(kind, id),
        kind: KIND_ICON[kind],
        detail: def.flow ? `${KIND_NAMES[kind]} in flow ${def.flow}` : KIND_NAMES[kind],
        data: { uri: def.uri, kind, id },
        textEdit: { range: this.range, newText: labelOf(kind, id) },
      };
    });
  }
}

/** What the user sees of an id: entity values without their entity. */
function labelOf(kind: Kind, id: string): string {
  return kind === 'value' ? id.slice(id.indexOf(':') + 1) : id;
}

function isSubsequence(query: string, name: string): boolean {
  let i = 0;
  for (let j = 0; j < name.length && i < query.length; j++) if (name.charCodeAt(j) === query.charCodeAt(i)) i++;
  return i === query.length;
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

/** Documentation is filled in lazily (completionItem/resolve): with thousands of intents, only the selected one needs it. */
export function resolveCompletion(workspace: Workspace, item: CompletionItem): CompletionItem {
  const data = item.data as { uri: string; kind: Kind; id: string } | undefined;
  if (!data) return item;
  const text = hoverText(workspace, workspace.botOf(data.uri), data.kind, data.id);
  return text ? { ...item, documentation: { kind: MarkupKind.Markdown, value: text } } : item;
}
