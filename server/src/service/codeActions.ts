/**
 * Quick fixes for diagnostics: use the nearest existing id, create what is missing as a stub in the right file, add a
 * missing translation, remove a duplicate example, fix a misspelt word (spellingActions.ts). Every fix is a minimal text
 * edit: comments and layout stay.
 */
import { visit } from 'yaml';
import { isMap, isScalar, isSeq } from './yamlNodes';
import type { Node as YamlNode, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { CodeActionKind } from 'vscode-languageserver-types';
import type { CodeAction, Diagnostic, Range, TextEdit } from 'vscode-languageserver-types';
import { documentOf } from './documents';
import { getPair, multiLineTextAt, pairsOf } from './model';
import { spellingActions } from './spellingActions';
import type { FileModel, Kind, Span } from './types';
import { KIND_NAMES } from './types';
import type { Workspace } from './workspace';

type DiagnosticData = { suggestions?: string[]; missing?: string[]; kind?: Kind; id?: string; moveTo?: string[]; locale?: string };

export function getCodeActions(workspace: Workspace, uri: string, diagnostics: Diagnostic[]): CodeAction[] {
  const model = workspace.get(uri);
  if (!model) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'botmaster') continue;
    const data = (diagnostic.data ?? {}) as DiagnosticData;
    const code = String(diagnostic.code);
    const fix = (title: string, changes: Record<string, TextEdit[]>, preferred = false): void => {
      actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred, edit: { changes } });
    };
    // Only where the range holds the unknown name (a name in an escaped or folded text may be placed on the whole text).
    const named = data.kind === 'value' ? data.id?.slice(data.id.indexOf(':') + 1) : data.id;
    const onName = named !== undefined && model.text.slice(model.lines.offset(diagnostic.range.start), model.lines.offset(diagnostic.range.end)) === named;
    for (const [i, suggestion] of (onName ? (data.suggestions ?? []) : []).entries()) {
      fix(`Change to \`${suggestion}\``, { [uri]: [{ range: diagnostic.range, newText: suggestion }] }, i === 0);
    }
    if (code.startsWith('unknown-') && data.kind && data.id) {
      const stub = createStub(workspace, model, data.kind, data.id, model.lines.offset(diagnostic.range.start));
      if (stub) fix(`Create the ${KIND_NAMES[data.kind]} \`${data.id}\` in ${stub.uri.slice(stub.uri.lastIndexOf('/') + 1)}`, { [stub.uri]: [stub.edit] });
    }
    if (code === 'missing-translation' && data.missing?.length) {
      const edit = addTranslations(model, diagnostic.range, data.missing);
      if (edit) fix(`Add ${data.missing.map((l) => `\`${l}\``).join(', ')} to translate`, { [uri]: [edit] });
    }
    if (code === 'missing-examples' && data.missing?.length) {
      const edit = addExampleLists(model, diagnostic.range, data.missing);
      if (edit) fix(`Add ${data.missing.map((l) => `\`${l}\``).join(', ')} examples to fill in`, { [uri]: [edit] });
    }
    if (code === 'spelling') actions.push(...spellingActions(workspace, model, diagnostic));
    if (code === 'duplicate-example') {
      const edit = removeListItem(model, diagnostic.range);
      if (edit) fix('Remove this example', { [uri]: [edit] }, true);
    }
    if ((code === 'duplicate-example' || code === 'confusable-examples') && data.moveTo && data.locale) {
      for (const intent of data.moveTo) {
        const changes = moveExample(workspace, model, diagnostic.range, intent, data.locale);
        if (changes) fix(`Move this example to \`${intent}\``, changes);
      }
    }
    if (code === 'dead-end') {
      const edit = addToNode(model, diagnostic.range, ['end: true']);
      if (edit) fix('End the conversation here (`end: true`)', { [uri]: [edit] });
    }
    if (code === 'branch-no-else' && data.kind === 'node' && data.id) {
      const edit = addElse(model, diagnostic.range, data.id);
      if (edit) fix(`Add an else case that goes to the fallback \`${data.id}\``, { [uri]: [edit] });
    }
    if (code === 'no-fallback' && data.kind === 'node' && data.id) {
      // The node itself: it says its message again and waits (a reprompt), the simplest fallback that is always right.
      const edit = addToNode(model, diagnostic.range, [`fallback: ${data.id}`]);
      if (edit) fix(`Ask again when the bot does not understand (\`fallback: ${data.id}\`)`, { [uri]: [edit] });
    }
    if (code === 'duplicate-key') {
      // Each copy offers to remove itself: which one is right is the botmaster's call. None at the top level, where a
      // copy is a whole section (removeEntry finds only the entries of a map under a key).
      const key = model.text.slice(model.lines.offset(diagnostic.range.start), model.lines.offset(diagnostic.range.end));
      const edits = removeEntry(model, diagnostic.range);
      if (edits) fix(`Remove this copy of \`${key}\``, { [uri]: edits });
    }
    const removal = removalOf(workspace, model, code, data);
    if (removal) {
      const edits = removeEntry(model, diagnostic.range);
      if (edits) fix(removal, { [uri]: edits });
    }
    if (code === 'ask-without-prompt') {
      const locales = workspace.manifestOf(workspace.botOf(uri))?.manifest?.locales ?? [];
      const prompt = locales.length > 0 ? `prompt: { ${locales.map((l) => `${l}: ""`).join(', ')} }` : 'prompt: ""';
      const edit = addToNode(model, diagnostic.range, [prompt]);
      if (edit) fix('Add a prompt to fill in', { [uri]: [edit] }, true);
    }
    if (!NOT_IGNORED.has(code)) {
      const ignore = ignoreOnLine(model, diagnostic.range, code);
      if (ignore) fix(ignore.inText ? `Ignore \`${code}\` in this text` : `Ignore \`${code}\` on this line`, { [uri]: [ignore.edit] });
    }
  }
  return actions;
}

/** Codes an ignore comment is not offered for: whole-file problems, YAML syntax, and the server's own notes. */
const NOT_IGNORED = new Set(['yaml-syntax', 'too-deep', 'file-too-large', 'not-text', 'empty-file', 'no-manifest', 'duplicate-manifest', 'check-failed', 'too-many-problems']);
const IGNORE_LINE = /^([ \t]*)#\s*botmaster-ignore\b([^\n]*)$/;

/**
 * A \`# botmaster-ignore code\` comment above the line where the diagnostic starts, at its indentation, or the code added
 * to such a comment there. Inside a message text or condition over several lines, above the line where the text
 * starts (\`inText\`: the comment silences the code on all its lines); inside another multi-line text, none: a comment
 * line would become part of a block text (or end a folded one).
 */
function ignoreOnLine(model: FileModel, range: Range, code: string): { edit: TextEdit; inText: boolean } | undefined {
  let line = range.start.line;
  const lineStart = model.lines.lineStarts[line];
  if (lineStart === undefined) return undefined;
  const doc = documentOf(model);
  if (!doc) return undefined;
  let insideText = false;
  visit(doc, {
    ...onlyAround(lineStart),
    Scalar(_, node) {
      const r = node.range;
      if (r && r[0] < lineStart && lineStart < r[1]) {
        insideText = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (insideText) {
    const first = multiLineTextAt(model, lineStart + range.start.character);
    if (first === undefined) return undefined;
    line = first;
  }
  const start = model.lines.lineStarts[line];
  if (line > 0) {
    const above = model.text.slice(model.lines.lineStarts[line - 1], start - 1).replace(/\r$/, '');
    const m = IGNORE_LINE.exec(above);
    if (m && m[2].trim() !== '') {
      const end = { line: line - 1, character: above.length };
      return { edit: { range: { start: end, end }, newText: ` ${code}` }, inText: insideText };
    }
  }
  const indentation = /^[ \t]*/.exec(model.text.slice(start, start + 200))![0];
  const at = { line, character: 0 };
  return { edit: { range: { start: at, end: at }, newText: `${indentation}# botmaster-ignore ${code}\n` }, inText: insideText };
}

/** Offset of the end of the line holding `offset` (after its newline). */
function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

function columnOf(model: FileModel, offset: number): number {
  return offset - model.lines.lineStarts[model.lines.lineOf(offset)];
}

/** Insert `lines` (already indented) as new entries after the last entry of a block map. */
function appendToMap(model: FileModel, map: YAMLMap, lines: string[]): TextEdit | undefined {
  const last = map.items[map.items.length - 1] as Pair<YamlNode, YamlNode | null> | undefined;
  const end = last ? ((last.value as YamlNode | null)?.range?.[1] ?? (last.key as YamlNode).range![1]) : map.range?.[1];
  if (end === undefined || map.flow) return undefined;
  const at = model.text[end - 1] === '\n' ? end : nextLineStart(model.text, end);
  const prefix = at === model.text.length && !model.text.endsWith('\n') ? '\n' : '';
  const position = model.lines.position(at);
  return { range: { start: position, end: position }, newText: prefix + lines.join('\n') + '\n' };
}

/** A stub of the missing id in the file of the bot where such ids live (the current file first). */
function createStub(workspace: Workspace, model: FileModel, kind: Kind, id: string, at: number): { uri: string; edit: TextEdit } | undefined {
  const bot = workspace.botOf(model.uri);
  const locale = workspace.manifestOf(bot)?.manifest?.defaultLocale ?? 'en';
  const files = [model, ...[...bot.files].map((u) => workspace.get(u)!).filter((m) => m && m !== model)];
  if (kind === 'node') {
    // Only files whose model has nodes are read (their documents may have to be parsed again: documents.ts).
    for (const file of files.filter((f) => f.nodes.size > 0)) {
      const flows = pairsOf(getPair(documentOf(file)?.contents, 'flows')?.value);
      // The flow of the reference, in its own file; else the file's first flow.
      const within = (pair: Pair<YamlNode, YamlNode | null>) => file === model && pair.key.range![0] <= at && at <= (pair.value?.range?.[1] ?? -1);
      const flow = flows.find(within) ?? flows[0];
      const nodes = getPair(flow?.value, 'nodes')?.value;
      if (!isMap(nodes)) continue;
      const edit = appendEntry(file, nodes, id, [`say: { ${locale}: "" }`, 'end: true'], `{ say: { ${locale}: "" }, end: true }`);
      if (edit) return { uri: file.uri, edit };
    }
    return undefined;
  }
  const section = { intent: 'intents', response: 'responses', slot: 'slots', entity: 'entities', flow: 'flows' }[kind as string];
  if (!section) return undefined;
  const body: Record<string, string[]> = {
    intents: ['examples:', `  ${locale}:`, '    - ""'],
    responses: ['text:', `  ${locale}: ""`],
    slots: ['type: text'],
    entities: ['values:', '  value: {}'],
    flows: ['nodes:', `  ${id}_start:`, `    say: { ${locale}: "" }`, '    end: true'],
  };
  const holds: Record<string, (m: FileModel) => boolean> = {
    intents: (m) => m.intents.size > 0,
    responses: (m) => m.responses.size > 0,
    slots: (m) => m.slots.size > 0,
    entities: (m) => m.entities.size > 0,
    flows: (m) => m.flows.size > 0,
  };
  const flowBody: Record<string, string> = {
    intents: `{ examples: { ${locale}: [""] } }`,
    responses: `{ text: { ${locale}: "" } }`,
    slots: '{ type: text }',
    entities: '{ values: { value: {} } }',
    flows: `{ nodes: { ${id}_start: { say: { ${locale}: "" }, end: true } } }`,
  };
  // This file first (even with the section empty: \`intents: {}\`), then the others that hold some.
  for (const file of [model, ...files.filter((f) => f !== model && holds[section](f))]) {
    const map = getPair(documentOf(file)?.contents, section)?.value;
    if (!isMap(map)) continue;
    const edit = appendEntry(file, map, id, body[section], flowBody[section]);
    if (edit) return { uri: file.uri, edit };
  }
  // This file has the section with nothing in it yet (\`slots:\` being typed): the entry goes under it.
  const empty = getPair(documentOf(model)?.contents, section);
  if (empty && (empty.value === null || (isScalar(empty.value) && empty.value.value === null))) {
    const [keyStart, keyEnd] = (empty.key as YamlNode).range!;
    const at = nextLineStart(model.text, keyStart);
    // Only \`slots:\` alone on its line (maybe with a comment), at the top level: not \`slots: ~\`.
    if (columnOf(model, keyStart) === 0 && /^:\s*(#.*)?$/.test(model.text.slice(keyEnd, at).trim())) {
      const prefix = at === model.text.length && !model.text.endsWith('\n') ? '\n' : '';
      const position = model.lines.position(at);
      return { uri: model.uri, edit: { range: { start: position, end: position }, newText: `${prefix}  ${id}:\n${body[section].map((l) => `    ${l}`).join('\n')}\n` } };
    }
  }
  // No file has that section yet: add it at the end of this file.
  const end = model.lines.position(model.text.length);
  const prefix = model.text.length === 0 || model.text.endsWith('\n') ? '' : '\n';
  return { uri: model.uri, edit: { range: { start: end, end }, newText: `${prefix}${section}:\n  ${id}:\n${body[section].map((l) => `    ${l}`).join('\n')}\n` } };
}

/**
 * Entries added at the end of a map: \`blockLines\` (nested as they should be) at the entries' indentation in a block
 * map, \`flowText\` before the \`}\` of a flow map. None for an empty block map (nothing tells its indentation).
 */
function addEntries(model: FileModel, map: YAMLMap, blockLines: string[], flowText: string): TextEdit | undefined {
  if (map.flow) {
    if (!map.range) return undefined;
    const close = model.text.lastIndexOf('}', map.range[1]);
    if (close < map.range[0]) return undefined;
    const before = model.text.slice(map.range[0], close).trimEnd();
    const separator = before.endsWith('{') || before.endsWith(',') ? ' ' : ', ';
    return { range: { start: model.lines.position(map.range[0] + before.length), end: model.lines.position(close) }, newText: `${separator}${flowText} ` };
  }
  if (map.items.length === 0) return undefined;
  const indent = ' '.repeat(columnOf(model, (map.items[0].key as YamlNode).range![0]));
  return appendToMap(model, map, blockLines.map((l) => `${indent}${l}`));
}

/** A new entry \`id\` at the end of a map: \`blockLines\` under the key in a block map, \`id: flowValue\` in a flow map. */
function appendEntry(model: FileModel, map: YAMLMap, id: string, blockLines: string[], flowValue: string): TextEdit | undefined {
  return addEntries(model, map, [`${id}:`, ...blockLines.map((l) => `  ${l}`)], `${id}: ${flowValue}`);
}

/**
 * Visitor entries that go only into the maps and lists around \`offset\`: each fix looks for one node near its
 * diagnostic, and walking every node of a big file again for each (a duplicate example shared by 40 intents offers 41
 * moves) made the fixes of one such diagnostic take about 75 ms in a 1.16 MB file.
 */
function onlyAround(offset: number): { Map: (key: unknown, node: YAMLMap) => symbol | undefined; Seq: (key: unknown, node: YAMLSeq) => symbol | undefined } {
  const skip = (_key: unknown, node: YAMLMap | YAMLSeq) => (node.range && (offset < node.range[0] || offset > node.range[2]) ? visit.SKIP : undefined);
  return { Map: skip, Seq: skip };
}

/** The pair whose key starts at `offset`. */
function pairAt(model: FileModel, offset: number): Pair<YamlNode, YamlNode | null> | undefined {
  let found: Pair<YamlNode, YamlNode | null> | undefined;
  const doc = documentOf(model);
  if (!doc) return undefined;
  visit(doc, {
    ...onlyAround(offset),
    Pair: (_key, pair) => {
      if ((pair.key as YamlNode | null)?.range?.[0] === offset) {
        found = pair as Pair<YamlNode, YamlNode | null>;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Adds entries (\`key: value\`) to the node whose key is at \`range\`, in block or flow style as the node is written. */
function addToNode(model: FileModel, range: Range, entries: string[]): TextEdit | undefined {
  const value = pairAt(model, model.lines.offset(range.start))?.value;
  if (!isMap(value) || value.items.length === 0) return undefined;
  return addEntries(model, value, entries, entries.join(', '));
}

/** Adds empty texts for the missing locales to a message (block map, flow map, or a plain text made into a map). */
function addTranslations(model: FileModel, range: Range, missing: string[]): TextEdit | undefined {
  const pair = pairAt(model, model.lines.offset(range.start));
  if (!pair) return undefined;
  const value = pair.value;
  if (isMap(value)) {
    const entries = missing.map((l) => `${l}: ""`);
    return addEntries(model, value, entries, entries.join(', '));
  }
  if (isScalar(value) && value.range) {
    const source = model.text.slice(value.range[0], value.range[1]);
    const defaultLocale = model.manifest?.defaultLocale ?? 'en';
    return { range: model.lines.range({ start: value.range[0], end: value.range[1] }), newText: `{ ${defaultLocale}: ${source}, ${missing.map((l) => `${l}: ""`).join(', ')} }` };
  }
  return undefined;
}

/**
 * Adds an empty list of examples for each missing locale to the intent whose key is at \`range\` (under its
 * \`examples:\`, or a new \`examples:\` when it has none). The intent then has too few examples there: \`few-examples\` points at
 * the list to fill.
 */
function addExampleLists(model: FileModel, range: Range, missing: string[]): TextEdit | undefined {
  const intent = pairAt(model, model.lines.offset(range.start))?.value;
  if (!isMap(intent)) return undefined;
  const lists = missing.map((l) => `${l}: []`);
  const examples = getPair(intent, 'examples')?.value;
  if (isMap(examples)) return addEntries(model, examples, lists, lists.join(', '));
  if (getPair(intent, 'examples')) return undefined; // \`examples:\` with nothing or something else under it
  return addEntries(model, intent, ['examples:', ...lists.map((l) => `  ${l}`)], `examples: { ${lists.join(', ')} }`);
}

/** Moves the example at `range` into the examples of `intent` in `locale` (appended as the last item). */
function moveExample(workspace: Workspace, model: FileModel, range: Range, intent: string, locale: string): Record<string, TextEdit[]> | undefined {
  const remove = removeListItem(model, range);
  const start = model.lines.offset(range.start);
  const end = model.lines.offset(range.end);
  const source = model.text.slice(start, end);
  // A comment after the example on its line goes with it (into a block list).
  const after = model.text.slice(end, nextLineStart(model.text, end)).trim();
  const comment = after.startsWith('#') ? ` ${after}` : '';
  for (const def of workspace.botOf(model.uri).lookup('intent', intent)) {
    const target = workspace.get(def.uri);
    const intentPair = pairsOf(getPair(target && documentOf(target)?.contents, 'intents')?.value).find((p) => (p.key as YamlNode).range?.[0] === def.span.start);
    const list = getPair(getPair(intentPair?.value, 'examples')?.value, locale)?.value;
    if (!target || !remove) continue;
    const insert = isSeq(list) ? appendItem(target, list, `${source}${comment}`, source) : undefined;
    if (!insert) continue;
    const changes: Record<string, TextEdit[]> = { [model.uri]: [remove] };
    (changes[def.uri] ??= []).push(insert);
    return changes;
  }
  return undefined;
}

/**
 * Appends an item to a list of at least one item: \`block\` (its first line; later lines of a map item as \`key: value\`
 * lines, indented by the caller) as a new \`- \` line under the last item, or \`flow\` after the last item of a flow list.
 */
function appendItem(model: FileModel, list: YAMLSeq, block: string, flow: string): TextEdit | undefined {
  const items = list.items as YamlNode[];
  const last = items[items.length - 1];
  if (!last?.range) return undefined;
  if (list.flow) return { range: model.lines.range({ start: last.range[1], end: last.range[1] }), newText: `, ${flow}` };
  const column = columnOf(model, last.range[0]);
  const at = nextLineStart(model.text, last.range[1] - 1);
  const prefix = at === model.text.length && !model.text.endsWith('\n') ? '\n' : '';
  return { range: model.lines.range({ start: at, end: at }), newText: `${prefix}${' '.repeat(column - 2)}- ${block}\n` };
}

/** Adds a last case with only \`goto\` to the branch whose key is at \`range\`. */
function addElse(model: FileModel, range: Range, target: string): TextEdit | undefined {
  const branch = pairAt(model, model.lines.offset(range.start))?.value;
  if (!isSeq(branch) || branch.items.length === 0) return undefined;
  return appendItem(model, branch, `goto: ${target}`, `{ goto: ${target} }`);
}

/**
 * The title of the fix that removes what the diagnostic is about: an unused slot, response, entity or intent, or an
 * unreachable node or flow that nothing outside it refers to (the nodes that lead to an unreachable node are
 * unreachable too; removing it first would leave them pointing at nothing).
 */
function removalOf(workspace: Workspace, model: FileModel, code: string, data: DiagnosticData): string | undefined {
  const { kind, id } = data;
  if (!kind || !id) return undefined;
  if (code === 'unused-slot' || code === 'unused-response' || code === 'unused-entity' || code === 'unused-intent') return `Remove the unused ${KIND_NAMES[kind]} \`${id}\``;
  if ((code === 'unreachable-node' || code === 'unreachable-flow') && referredOnlyFromWithin(workspace, model, kind, id)) return `Remove the unreachable ${KIND_NAMES[kind]} \`${id}\``;
  return undefined;
}

/**
 * Whether every reference to a node or flow of this file, and for a flow to each of its nodes, is inside its own
 * entry: removing the entry then leaves no reference behind.
 */
function referredOnlyFromWithin(workspace: Workspace, model: FileModel, kind: Kind, id: string): boolean {
  const entry = model.definitions.find((d) => d.kind === kind && d.id === id)?.full;
  if (!entry) return false;
  const bot = workspace.botOf(model.uri);
  const inside = (r: { uri: string; span: Span }) => r.uri === model.uri && r.span.start >= entry.start && r.span.end <= entry.end;
  if (!bot.referencesTo(kind, id).every(inside)) return false;
  return kind !== 'flow' || model.definitions.every((d) => d.kind !== 'node' || d.flow !== id || bot.referencesTo('node', d.id).every(inside));
}

/**
 * Removes the map entry whose key is at \`range\`: its lines in a block map (the last entry of a section leaves it
 * \`{}\`, not empty), the entry and its comma in a flow map. Comments before and after it stay.
 */
function removeEntry(model: FileModel, range: Range): TextEdit[] | undefined {
  const start = model.lines.offset(range.start);
  const doc = documentOf(model);
  if (!doc) return undefined;
  let found: { map: YAMLMap; parent: Pair } | undefined;
  visit(doc, {
    ...onlyAround(start),
    Pair: (_key, pair) => {
      const value = pair.value;
      if (isMap(value) && value.items.some((item) => (item.key as YamlNode | null)?.range?.[0] === start)) {
        found = { map: value, parent: pair as Pair };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (!found) return undefined;
  const { map, parent } = found;
  const items = map.items as Pair<YamlNode, YamlNode | null>[];
  const index = items.findIndex((item) => item.key?.range?.[0] === start);
  const endOf = (item: Pair<YamlNode, YamlNode | null>) => item.value?.range?.[1] ?? item.key.range![1];
  const item = items[index];
  if (map.flow) {
    const from = index > 0 ? endOf(items[index - 1]) : item.key.range![0];
    const to = index > 0 ? endOf(item) : items[index + 1] ? items[index + 1].key.range![0] : endOf(item);
    return [{ range: model.lines.range({ start: from, end: to }), newText: '' }];
  }
  const lines = { range: model.lines.range({ start: model.lines.lineStarts[model.lines.lineOf(start)], end: nextLineStart(model.text, endOf(item) - 1) }), newText: '' };
  if (items.length > 1) return [lines];
  // The section's only entry: \`slots: {}\` rather than a section with nothing under it.
  const keyEnd = (parent.key as YamlNode | null)?.range?.[1];
  if (keyEnd === undefined || model.text[keyEnd] !== ':') return undefined;
  const at = model.lines.position(keyEnd + 1);
  return [{ range: { start: at, end: at }, newText: ' {}' }, lines];
}

/** Removes the list item at `range`: its whole line in a block list, the item and its comma in a flow list. */
function removeListItem(model: FileModel, range: Range): TextEdit | undefined {
  const start = model.lines.offset(range.start);
  let list: YAMLSeq | undefined;
  const doc = documentOf(model);
  if (!doc) return undefined;
  const around = onlyAround(start);
  visit(doc, {
    Map: around.Map,
    Seq: (key, seq) => {
      if (around.Seq(key, seq) === visit.SKIP) return visit.SKIP;
      if (seq.items.some((item) => (item as YamlNode | null)?.range?.[0] === start)) {
        list = seq;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (!list) return undefined;
  const items = list.items as YamlNode[];
  const index = items.findIndex((item) => item?.range?.[0] === start);
  const item = items[index];
  if (!list.flow) {
    const lineStart = model.lines.lineStarts[model.lines.lineOf(start)];
    return { range: model.lines.range({ start: lineStart, end: nextLineStart(model.text, item.range![1] - 1) }), newText: '' };
  }
  const from = index > 0 ? items[index - 1].range![1] : item.range![0];
  const to = index > 0 ? item.range![1] : items[index + 1] ? items[index + 1].range![0] : item.range![1];
  return { range: model.lines.range({ start: from, end: to }), newText: '' };
}

