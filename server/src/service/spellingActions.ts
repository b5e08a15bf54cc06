/**
 * Quick fixes of the spelling check: the dictionary's suggestions (computed here, when the editor asks: they take tens
 * of milliseconds each), and "add the word to the bot's words" (an item appended to the manifest's `words:` list,
 * created under `bot:` when missing). Minimal text edits: comments and layout stay.
 */
import { isMap, isScalar, isSeq } from './yamlNodes';
import type { Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { CodeActionKind } from 'vscode-languageserver-types';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { botWords, sameLetters, spellerFor, suggestionsFor, wordKey } from './analysis/spelling';
import { documentOf } from './documents';
import { getPair } from './model';
import type { FileModel } from './types';
import type { Workspace } from './workspace';

/** How many suggestions are offered as fixes. */
export const MAX_SUGGESTIONS = 5;

export function spellingActions(workspace: Workspace, model: FileModel, diagnostic: Diagnostic): CodeAction[] {
  const { word, locale } = (diagnostic.data ?? {}) as { word?: string; locale?: string };
  if (!word) return [];
  const actions: CodeAction[] = [];
  const fix = (title: string, changes: Record<string, TextEdit[]>, preferred = false) =>
    actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred, edit: { changes } });
  const speller = locale ? spellerFor(workspace, locale) : undefined;
  // Only when the diagnostic is on the word itself (not on the whole text, nor stale).
  const onWord = model.text.slice(model.lines.offset(diagnostic.range.start), model.lines.offset(diagnostic.range.end)) === word;
  if (speller && onWord) {
    for (const [i, suggestion] of suggestionsFor(speller, word, MAX_SUGGESTIONS).entries()) {
      // Preferred (applied by "auto fix") only when it changes nothing but accents or case: `numero` → `numéro`.
      fix(`Change to "${suggestion}"`, { [model.uri]: [{ range: diagnostic.range, newText: suggestion }] }, i === 0 && sameLetters(suggestion, word));
    }
  }
  const manifest = workspace.manifestOf(workspace.botOf(model.uri));
  if (manifest && !botWords(manifest.manifest?.words ?? []).has(wordKey(word))) {
    const edit = addWord(manifest, word);
    if (edit) fix(`Add "${word}" to the bot's words`, { [manifest.uri]: [edit] });
  }
  return actions;
}

const RESERVED = /^(?:y|yes|n|no|true|false|on|off|null)$/i;

/** The word as a YAML scalar in a list: plain when that reads back as the same text. */
function yamlWord(word: string): string {
  return /^\p{L}[\p{L}\p{M}'’-]*$/u.test(word) && !RESERVED.test(word) ? word : JSON.stringify(word);
}

function columnOf(model: FileModel, offset: number): number {
  return offset - model.lines.lineStarts[model.lines.lineOf(offset)];
}

/** Offset of the start of the next line after `offset` (the end of the text on the last line). */
function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

function insertAt(model: FileModel, offset: number, newText: string): TextEdit {
  const position = model.lines.position(offset);
  return { range: { start: position, end: position }, newText };
}

/** Appends `word` to the manifest's `words:` list, or adds `words: [word]` to its `bot:` settings. */
export function addWord(manifest: FileModel, word: string): TextEdit | undefined {
  const text = manifest.text;
  const bot = getPair(documentOf(manifest)?.contents, 'bot')?.value;
  if (!isMap(bot)) return undefined;
  const item = yamlWord(word);
  const pair = getPair(bot, 'words');
  if (pair) {
    const list = pair.value;
    if (isSeq(list) && list.range) {
      const items = list.items as YamlNode[];
      const last = items[items.length - 1];
      if (list.flow) {
        if (!last?.range) return insertAt(manifest, text.indexOf('[', list.range[0]) + 1, item);
        return insertAt(manifest, last.range[1], `, ${item}`);
      }
      if (!last?.range) return undefined;
      // A new item under the last one, its dash in the same column.
      const dash = text.lastIndexOf('-', last.range[0]);
      const at = nextLineStart(text, last.range[1] - 1);
      const prefix = at === text.length && !text.endsWith('\n') ? '\n' : '';
      return insertAt(manifest, at, `${prefix}${' '.repeat(columnOf(manifest, dash))}- ${item}\n`);
    }
    // `words:` with nothing after it.
    if ((list === null || (isScalar(list) && list.value === null)) && (pair.key as YamlNode).range) {
      const colon = text.indexOf(':', (pair.key as YamlNode).range![1]);
      return insertAt(manifest, colon + 1, ` [${item}]`);
    }
    return undefined;
  }
  return addSetting(manifest, bot, `words: [${item}]`);
}

/** A new `key: value` entry at the end of a map, block or flow. */
function addSetting(model: FileModel, map: YAMLMap, entry: string): TextEdit | undefined {
  const text = model.text;
  if (!map.range) return undefined;
  if (map.flow) {
    const close = text.lastIndexOf('}', map.range[1] - 1);
    if (close < map.range[0]) return undefined;
    const before = text.slice(map.range[0], close).trimEnd();
    return insertAt(model, map.range[0] + before.length, `${before.endsWith('{') ? ' ' : ', '}${entry}`);
  }
  const items = map.items as Pair<YamlNode, YamlNode | null>[];
  const first = items[0]?.key?.range;
  const last = items[items.length - 1];
  const end = last && ((last.value as YamlNode | null)?.range?.[1] ?? last.key?.range?.[1]);
  if (!first || end === undefined) return undefined;
  const at = text[end - 1] === '\n' ? end : nextLineStart(text, end);
  const prefix = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return insertAt(model, at, `${prefix}${' '.repeat(columnOf(model, first[0]))}${entry}\n`);
}
