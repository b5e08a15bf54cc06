/**
 * `botmaster graph [path] --format svg|dot|mermaid|json [--flow NAME]... [--locale L]`: the dialog graph of a bot, as the
 * graph preview draws it (svg: the same layout and drawing code), or as Graphviz or Mermaid text for a pull request.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layoutGraph } from '../../../client/webview/graph/layout';
import { drawDocument, LIGHT_PALETTE, wrap } from '../../../client/webview/graph/draw';
import { labelOf, sceneOf, shownOf, textOf } from '../../../client/webview/graph/scene';
import { fileUri, findBotRoot, findDialogFiles, readText } from '../host/files';
import { createLanguageService, isDialogFile } from '../service';
import { graphOf } from '../service/graph';
import type { GraphModel, GraphNode } from '../service/graph';

export class GraphUsageError extends Error {
  override name = 'UsageError';
}

const FORMATS = ['svg', 'dot', 'mermaid', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface Options {
  path: string;
  format: Format;
  flows: string[];
  locale?: string;
}

function parseArgs(args: string[]): Options {
  const options: Options = { path: '.', format: 'svg', flows: [] };
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (v === undefined) throw new GraphUsageError(`${arg.split('=')[0]} needs a value.`);
      return v;
    };
    const name = arg.split('=')[0];
    if (name === '--format') {
      const format = value();
      if (!(FORMATS as readonly string[]).includes(format)) throw new GraphUsageError(`unknown format \`${format}\`: use svg, dot, mermaid or json.`);
      options.format = format as Format;
    } else if (name === '--flow') options.flows.push(value());
    else if (name === '--locale') options.locale = value();
    else if (arg.startsWith('-')) throw new GraphUsageError(`unknown option \`${arg}\`. Run \`botmaster --help\`.`);
    else paths.push(arg);
  }
  if (paths.length > 1) throw new GraphUsageError('give one bot (a folder or one of its files).');
  if (paths.length === 1) options.path = paths[0];
  return options;
}

/** Loads the bot at `target` (a bot folder, a folder inside a bot, or a dialog file) and returns its graph. */
export function loadGraph(target: string): GraphModel {
  if (!fs.existsSync(target)) throw new GraphUsageError(`no such file or folder: ${target}`);
  const absolute = path.resolve(target);
  const isFolder = fs.statSync(absolute).isDirectory();
  if (!isFolder && !isDialogFile(absolute)) throw new GraphUsageError(`${target} is not a dialog file (dialog files end in .bot.yaml or .bot.yml).`);
  const folder = isFolder ? absolute : path.dirname(absolute);
  const root = findBotRoot(folder) ?? folder;
  const service = createLanguageService();
  for (const file of new Set([...findDialogFiles(root), ...(isFolder ? findDialogFiles(absolute) : [absolute])])) {
    service.setFile(fileUri(file), readText(file).text);
  }
  if (!isFolder) return graphOf(service.workspace, service.workspace.botOf(fileUri(absolute)));
  // A folder: the bot whose manifest is in it, else the bot it is inside of.
  const inside = (uri: string) => !path.relative(absolute, new URL(uri).pathname).startsWith('..');
  const own = [...service.workspace.allBots()].filter((bot) => bot.manifestUri() !== undefined && inside(bot.manifestUri()!));
  if (own.length > 1) {
    const names = own.map((bot) => path.relative(process.cwd(), new URL(bot.root).pathname) || '.').sort();
    throw new GraphUsageError(`${target} holds ${own.length} bots (${names.join(', ')}): name one.`);
  }
  const anyFile = findDialogFiles(absolute)[0];
  if (own.length === 0 && anyFile === undefined) throw new GraphUsageError(`no dialog file (*.bot.yaml) in ${target}.`);
  const bot = own[0] ?? service.workspace.botOf(fileUri(anyFile));
  return graphOf(service.workspace, bot);
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const DOT_COLOURS: Record<GraphNode['kind'], string> = {
  say: '#dbeafe',
  ask: '#dcfce7',
  branch: '#ffedd5',
  end: '#e5e7eb',
  handoff: '#ede9fe',
  fallback: '#fef9c3',
};

function nodeLabel(graph: GraphModel, node: GraphNode, locale: string): string {
  const text = textOf(node, locale, graph.bot.defaultLocale);
  return text ? `${node.id}\n${wrap(text, 36, 2).join('\n')}` : node.id;
}

export function toDot(graph: GraphModel, flows: string[], locale: string): string {
  const scene = sceneOf(graph);
  const shown = shownOf(scene, { flows });
  const lines = [
    `digraph ${dotString(graph.bot.name)} {`,
    '  graph [rankdir=TB, fontname="Helvetica", compound=true];',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const flow of shown.input.flows) {
    lines.push(`  subgraph ${dotString(`cluster_${flow.id}`)} {`, `    label=${dotString(flow.id)};`);
    for (const id of flow.nodes) {
      const node = scene.nodes.get(id)!;
      const attrs = [`label=${dotString(nodeLabel(graph, node, locale))}`, `fillcolor="${DOT_COLOURS[node.kind]}"`];
      const style = ['rounded', 'filled', ...(node.kind === 'fallback' || !node.reachable ? ['dashed'] : [])];
      attrs.push(`style="${style.join(',')}"`);
      if (node.entry === 'bot') attrs.push('penwidth=2.5');
      if (!node.reachable) attrs.push('fontcolor="#888888"');
      if (node.severity === 'error') attrs.push('color="#e51400"', 'penwidth=2');
      else if (node.severity === 'warning') attrs.push('color="#bf8803"', 'penwidth=2');
      lines.push(`    ${dotString(id)} [${attrs.join(', ')}];`);
    }
    lines.push('  }');
  }
  for (const edge of graph.edges) {
    if (!shown.nodes.has(edge.from) || !shown.nodes.has(edge.to)) continue;
    const attrs = edge.kind === 'next' ? [] : [`label=${dotString(labelOf(edge, locale))}`];
    if (edge.kind === 'fallback') attrs.push('style=dashed');
    lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Mermaid text in quotes: its entity codes for the characters that would end or change the label. */
function mermaidString(text: string): string {
  return `"${text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\n/g, ' ')}"`;
}

const MERMAID_SHAPES: Record<GraphNode['kind'], [string, string]> = {
  say: ['[', ']'],
  ask: ['[/', '/]'],
  branch: ['{{', '}}'],
  end: ['([', '])'],
  handoff: ['[[', ']]'],
  fallback: ['>', ']'],
};

export function toMermaid(graph: GraphModel, flows: string[], locale: string): string {
  const scene = sceneOf(graph);
  const shown = shownOf(scene, { flows });
  const short = new Map<string, string>();
  const idOf = (id: string) => short.get(id) ?? short.set(id, `n${short.size}`).get(id)!;
  const lines = ['flowchart TD'];
  shown.input.flows.forEach((flow, i) => {
    lines.push(`  subgraph f${i}[${mermaidString(flow.id)}]`);
    for (const id of flow.nodes) {
      const node = scene.nodes.get(id)!;
      const [open, close] = MERMAID_SHAPES[node.kind];
      const text = textOf(node, locale, graph.bot.defaultLocale);
      lines.push(`    ${idOf(id)}${open}${mermaidString(text ? `${id}: ${wrap(text, 60)[0]}` : id)}${close}`);
    }
    lines.push('  end');
  });
  for (const edge of graph.edges) {
    if (!shown.nodes.has(edge.from) || !shown.nodes.has(edge.to)) continue;
    const arrow = edge.kind === 'fallback' ? '-.->' : '-->';
    const label = edge.kind === 'next' ? '' : `|${mermaidString(labelOf(edge, locale))}|`;
    lines.push(`  ${idOf(edge.from)} ${arrow}${label} ${idOf(edge.to)}`);
  }
  const unreachable = graph.nodes.filter((n) => shown.nodes.has(n.id) && !n.reachable).map((n) => idOf(n.id));
  const errors = graph.nodes.filter((n) => shown.nodes.has(n.id) && n.severity === 'error').map((n) => idOf(n.id));
  const entry = graph.bot.start && shown.nodes.has(graph.bot.start) ? [idOf(graph.bot.start)] : [];
  lines.push('  classDef entry stroke-width:3px', '  classDef unreachable opacity:0.45,stroke-dasharray:3 3', '  classDef error stroke:#e51400,stroke-width:2px');
  if (entry.length) lines.push(`  class ${entry.join(',')} entry`);
  if (unreachable.length) lines.push(`  class ${unreachable.join(',')} unreachable`);
  if (errors.length) lines.push(`  class ${errors.join(',')} error`);
  return lines.join('\n') + '\n';
}

export function toSvg(graph: GraphModel, flows: string[], locale: string): string {
  const scene = sceneOf(graph);
  const shown = shownOf(scene, { flows });
  const layout = layoutGraph(shown.input);
  return drawDocument({ scene, layout, shown, locale }, LIGHT_PALETTE);
}

export async function runGraph(args: string[], stdout: NodeJS.WritableStream, _stderr: NodeJS.WritableStream): Promise<number> {
  const options = parseArgs(args);
  const graph = loadGraph(options.path);
  const known = new Set(graph.flows.map((f) => f.id));
  const unknown = options.flows.filter((f) => !known.has(f));
  if (unknown.length > 0) {
    throw new GraphUsageError(`no flow named ${unknown.map((f) => `\`${f}\``).join(', ')} in ${graph.bot.name}. Its flows: ${[...known].join(', ')}.`);
  }
  if (options.locale !== undefined && graph.bot.locales.length > 0 && !graph.bot.locales.includes(options.locale)) {
    throw new GraphUsageError(`${graph.bot.name} does not speak \`${options.locale}\`: its languages are ${graph.bot.locales.join(', ')}.`);
  }
  const locale = options.locale ?? graph.bot.defaultLocale;
  const write = { svg: toSvg, dot: toDot, mermaid: toMermaid, json: (g: GraphModel) => JSON.stringify(g) + '\n' }[options.format];
  stdout.write(write(graph, options.flows, locale));
  return 0;
}
