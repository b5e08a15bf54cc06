/** Code lenses: above each node and intent, how many places refer to it. */
import type { CodeLens } from 'vscode-languageserver-types';
import type { Workspace } from './workspace';

/** The client command that opens the references view (VS Code's own needs its own types, converted by the client). */
export const SHOW_REFERENCES_COMMAND = 'botmaster.showReferences';

export function getCodeLenses(workspace: Workspace, uri: string): CodeLens[] {
  const model = workspace.get(uri);
  if (!model) return [];
  const bot = workspace.botOf(uri);
  const lenses: CodeLens[] = [];
  for (const def of model.definitions) {
    if (def.kind !== 'node' && def.kind !== 'intent') continue;
    const refs = bot.referencesTo(def.kind, def.id);
    const range = model.lines.range(def.span);
    const isStart = def.kind === 'node' && workspace.manifestOf(bot)?.manifest?.start === def.id;
    const title = `${refs.length} reference${refs.length === 1 ? '' : 's'}${isStart ? ' · entry point' : ''}`;
    const locations = refs.map((r) => ({ uri: r.uri, range: workspace.get(r.uri)!.lines.range(r.span) }));
    lenses.push({ range, command: { title, command: refs.length ? SHOW_REFERENCES_COMMAND : '', arguments: [uri, range.start, locations] } });
  }
  return lenses;
}
