/** Diagnostics of one file: its own problems (syntax, schema, conditions) plus what the workspace index tells. */
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Diagnostic } from 'vscode-languageserver-types';
import { CODES } from './codes';
import type { DiagnosticCode, Severity } from './codes';
import { nearest } from './fuzzy';
import type { Bot, Workspace } from './workspace';
import { ORPHANS } from './workspace';
import type { FileModel, Kind, Problem } from './types';
import { KIND_NAMES } from './types';

const UNKNOWN_CODE: Record<Kind, DiagnosticCode> = {
  node: 'unknown-node',
  flow: 'unknown-flow',
  intent: 'unknown-intent',
  entity: 'unknown-entity',
  value: 'unknown-entity-value',
  slot: 'unknown-slot',
  response: 'unknown-response',
  locale: 'unknown-locale',
};


const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The problems of a file that depend on the rest of its bot. */
export function semanticProblems(workspace: Workspace, model: FileModel): Problem[] {
  const bot = workspace.botOf(model.uri);
  const problems: Problem[] = [];
  const manifest = workspace.manifestOf(bot);
  if (bot.root === ORPHANS && model.doc?.contents) {
    problems.push({
      code: 'no-manifest',
      message: 'This file belongs to no bot: no file in this folder or above it has a `bot:` manifest, so its references are checked against other such files only.',
      span: { start: 0, end: 0 },
    });
  }
  if (model.manifest && bot.manifests.size > 1) {
    const others = [...bot.manifests].filter((u) => u !== model.uri);
    problems.push({
      code: 'duplicate-manifest',
      message: 'This bot has another manifest: keep one `bot:` section per bot folder.',
      span: model.manifest.span,
      related: others.map((uri) => ({ uri, span: workspace.get(uri)!.manifest!.span, message: 'The other manifest' })),
    });
  }
  for (const def of model.definitions) {
    if (def.kind === 'locale') continue;
    const all = bot.lookup(def.kind, def.id);
    if (all.length < 2) continue;
    const others = all.filter((d) => d !== def);
    problems.push({
      code: 'duplicate-id',
      message: `The ${KIND_NAMES[def.kind]} \`${def.id}\` is defined ${all.length} times; ids must be unique in a bot.`,
      span: def.span,
      related: others.map((d) => ({ uri: d.uri, span: d.span, message: `Also defined here` })),
    });
  }
  for (const ref of model.references) {
    if (bot.definitions.has(`${ref.kind}:${ref.id}`)) continue;
    if (ref.kind === 'locale' && !manifest) continue; // nothing to check languages against
    if (ref.kind === 'value') {
      const entity = ref.id.slice(0, ref.id.indexOf(':'));
      if (bot.lookup('entity', entity).length === 0) continue; // the unknown entity is reported already
      const values = [...bot.ids('value').keys()].filter((v) => v.startsWith(entity + ':')).map((v) => v.slice(entity.length + 1));
      const value = ref.id.slice(entity.length + 1);
      problems.push({
        code: 'unknown-entity-value',
        message: `The entity \`${entity}\` has no value \`${value}\`.` + didYouMean(value, values) + (values.length && !nearest(value, values).length ? ` Its values: ${values.slice(0, 10).join(', ')}.` : ''),
        span: ref.span,
      });
      continue;
    }
    problems.push({ code: UNKNOWN_CODE[ref.kind], message: unknownMessage(bot, ref.kind, ref.id), span: ref.span });
  }
  return problems;
}

function didYouMean(name: string, candidates: Iterable<string>): string {
  const near = nearest(name, candidates);
  if (near.length === 0) return '';
  return ` Did you mean ${near.map((n) => `\`${n}\``).join(near.length > 2 ? ', ' : ' or ').replace(/, ([^,]*)$/, ' or $1')}?`;
}

function unknownMessage(bot: Bot, kind: Kind, id: string): string {
  const ids = bot.ids(kind).keys();
  if (kind === 'locale') {
    const locales = [...bot.ids('locale').keys()];
    return `This bot does not speak \`${id}\`: its languages are ${locales.map((l) => `\`${l}\``).join(', ')} (see \`locales\` in the manifest).`;
  }
  return `There is no ${KIND_NAMES[kind]} named \`${id}\`.` + didYouMean(id, ids);
}

export function toDiagnostic(workspace: Workspace, model: FileModel, problem: Problem): Diagnostic {
  const diagnostic: Diagnostic = {
    range: model.lines.range(problem.span),
    severity: SEVERITY[CODES[problem.code].severity],
    code: problem.code,
    source: 'botmaster',
    message: problem.message,
  };
  if (problem.related) {
    diagnostic.relatedInformation = problem.related
      .map((r) => {
        const other = workspace.get(r.uri);
        return other ? { location: { uri: r.uri, range: other.lines.range(r.span) }, message: r.message } : undefined;
      })
      .filter((r) => r !== undefined);
  }
  return diagnostic;
}

export function getDiagnostics(workspace: Workspace, uri: string): Diagnostic[] {
  const model = workspace.get(uri);
  if (!model) return [];
  const problems = [...model.problems, ...semanticProblems(workspace, model)];
  return problems.map((p) => toDiagnostic(workspace, model, p));
}
