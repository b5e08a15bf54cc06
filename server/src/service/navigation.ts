/** Go to definition and find references, for every kind of reference, across the files of a bot. */
import type { Location, Position } from 'vscode-languageserver-types';
import { targetAt } from './locate';
import type { Span } from './types';
import type { Workspace } from './workspace';

function location(workspace: Workspace, uri: string, span: Span): Location | undefined {
  const model = workspace.get(uri);
  return model ? { uri, range: model.lines.range(span) } : undefined;
}

export function getDefinition(workspace: Workspace, uri: string, position: Position): Location[] {
  const model = workspace.get(uri);
  if (!model) return [];
  const target = targetAt(model, model.lines.offset(position));
  if (!target) return [];
  const { kind, id } = target.item;
  return workspace
    .botOf(uri)
    .lookup(kind, id)
    .map((def) => location(workspace, def.uri, def.span))
    .filter((l) => l !== undefined);
}

export function getReferences(workspace: Workspace, uri: string, position: Position, includeDeclaration: boolean): Location[] {
  const model = workspace.get(uri);
  if (!model) return [];
  const target = targetAt(model, model.lines.offset(position));
  if (!target) return [];
  const { kind, id } = target.item;
  const bot = workspace.botOf(uri);
  const spans = bot.referencesTo(kind, id).map((r) => ({ uri: r.uri, span: r.span }));
  if (includeDeclaration) spans.unshift(...bot.lookup(kind, id).map((d) => ({ uri: d.uri, span: d.span })));
  return spans.map((s) => location(workspace, s.uri, s.span)).filter((l) => l !== undefined);
}
