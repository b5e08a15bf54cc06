/** Code lenses: above each node and intent, how many places refer to it; above each node, "Simulate from here". */
import type { CodeLens } from 'vscode-languageserver-types';
import type { Workspace } from './workspace';

/** The client command that opens the references view (VS Code's own needs its own types, converted by the client). */
export const SHOW_REFERENCES_COMMAND = 'botmaster.showReferences';
/** The client command that opens the simulator at a node (arguments: the file's uri and the node's id). */
export const SIMULATE_FROM_COMMAND = 'botmaster.simulateFrom';

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
    // Only for a file of a bot: the simulator needs a manifest.
    if (def.kind === 'node' && bot.manifests.size > 0) lenses.push({ range, command: { title: 'Simulate from here', command: SIMULATE_FROM_COMMAND, arguments: [uri, def.id] } });
  }
  return lenses;
}
