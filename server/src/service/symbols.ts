/** The outline of a file (flows and their nodes, intents, entities...) and the symbols of the whole workspace. */
import { SymbolKind } from 'vscode-languageserver-types';
import type { DocumentSymbol, WorkspaceSymbol } from 'vscode-languageserver-types';
import type { Definition, Kind } from './types';
import { KIND_NAMES } from './types';
import type { Workspace } from './workspace';

const SYMBOL_KIND: Record<Kind, SymbolKind> = {
  node: SymbolKind.Function,
  flow: SymbolKind.Module,
  intent: SymbolKind.Event,
  entity: SymbolKind.Class,
  value: SymbolKind.EnumMember,
  slot: SymbolKind.Variable,
  response: SymbolKind.String,
  locale: SymbolKind.Constant,
};

export function getDocumentSymbols(workspace: Workspace, uri: string): DocumentSymbol[] {
  const model = workspace.get(uri);
  if (!model) return [];
  const symbol = (def: Definition, name = def.id): DocumentSymbol => ({
    name,
    detail: KIND_NAMES[def.kind],
    kind: SYMBOL_KIND[def.kind],
    range: model.lines.range(def.full),
    selectionRange: model.lines.range(def.span),
    children: [],
  });
  const result: DocumentSymbol[] = [];
  const flows = new Map<string, DocumentSymbol>();
  const entities = new Map<string, DocumentSymbol>();
  if (model.manifest) {
    const range = model.lines.range(model.manifest.span);
    result.push({ name: model.manifest.name ?? 'bot', detail: 'bot manifest', kind: SymbolKind.Package, range, selectionRange: range });
  }
  for (const def of model.definitions) {
    if (def.kind === 'locale') continue;
    if (def.kind === 'node' && def.flow && flows.has(def.flow)) {
      flows.get(def.flow)!.children!.push(symbol(def));
    } else if (def.kind === 'value') {
      const entity = def.id.slice(0, def.id.indexOf(':'));
      entities.get(entity)?.children!.push(symbol(def, def.id.slice(entity.length + 1)));
    } else {
      const s = symbol(def);
      if (def.kind === 'flow') flows.set(def.id, s);
      if (def.kind === 'entity') entities.set(def.id, s);
      result.push(s);
    }
  }
  return result;
}

/** Every id in the workspace whose name contains the query's letters in order (like VS Code's own matching). */
export function getWorkspaceSymbols(workspace: Workspace, query: string, limit = 500): WorkspaceSymbol[] {
  const q = query.toLowerCase();
  const result: WorkspaceSymbol[] = [];
  for (const bot of workspace.allBots()) {
    for (const defs of bot.definitions.values()) {
      for (const def of defs) {
        if (def.kind === 'locale' || !subsequence(q, def.id.toLowerCase())) continue;
        const model = workspace.get(def.uri)!;
        result.push({
          name: def.id,
          kind: SYMBOL_KIND[def.kind],
          containerName: def.flow ? `${KIND_NAMES[def.kind]} in ${def.flow}` : KIND_NAMES[def.kind],
          location: { uri: def.uri, range: model.lines.range(def.span) },
        });
        if (result.length >= limit) return result;
      }
    }
  }
  return result;
}

function subsequence(query: string, name: string): boolean {
  let i = 0;
  for (let j = 0; j < name.length && i < query.length; j++) if (name[j] === query[i]) i++;
  return i === query.length;
}
