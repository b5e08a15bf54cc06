/**
 * Draws a laid-out scene as SVG through a small builder, so that the same code makes the panel's DOM elements
 * (text through text nodes only) and the exported SVG text (escaped). Bot text is only ever a text child.
 */
import type { GraphEdge, GraphNode } from '../../../server/src/service/graph';
import { COLLAPSED_W, NODE_H, NODE_W } from './layout';
import type { FlowBox, Layout } from './layout';
import { labelOf, textOf } from './scene';
import type { Scene, Shown } from './scene';

export type Attrs = Record<string, string | number | undefined>;

/** Makes an element with attributes and children; a string child is text. */
export interface SvgBuilder<E> {
  el(tag: string, attrs: Attrs, children?: (E | string)[]): E;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** SVG source text made by `svgText`: kept apart from strings, which are text to escape. */
export class Markup {
  constructor(readonly source: string) {}
}

/** Builds SVG source text. Every attribute value and text is escaped. */
export const svgText: SvgBuilder<Markup> = {
  el(tag, attrs, children = []) {
    let source = `<${tag}`;
    for (const [name, value] of Object.entries(attrs)) if (value !== undefined) source += ` ${name}="${escapeXml(String(value))}"`;
    if (children.length === 0) return new Markup(`${source}/>`);
    source += '>';
    for (const child of children) source += typeof child === 'string' ? escapeXml(child) : child.source;
    return new Markup(`${source}</${tag}>`);
  },
};

export interface DrawContext {
  scene: Scene;
  layout: Layout;
  shown: Shown;
  locale: string;
}

const KIND_WORDS: Record<GraphNode['kind'], string> = {
  say: 'SAYS',
  ask: 'ASKS',
  branch: 'BRANCHES',
  end: 'ENDS',
  handoff: 'HANDS OFF',
  fallback: 'FALLBACK',
};

/** How wide a character is, in units of an average Latin letter (wide scripts count 2). */
function units(char: string): number {
  const code = char.codePointAt(0)!;
  return code >= 0x2e80 ? 2 : 1;
}

function widthOf(text: string): number {
  let n = 0;
  for (const c of text) n += units(c);
  return n;
}

function truncate(text: string, max: number): string {
  if (widthOf(text) <= max) return text;
  let out = '';
  let n = 0;
  for (const c of text) {
    if (n + units(c) > max - 1) break;
    out += c;
    n += units(c);
  }
  return `${out.trimEnd()}…`;
}

/** The text on at most `lines` lines of `max` units, broken at spaces, with an ellipsis when it does not fit. */
export function wrap(text: string, max: number, lines = 1): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  const result: string[] = [];
  let line = '';
  for (let i = 0; i < words.length; i++) {
    const candidate = line ? `${line} ${words[i]}` : words[i];
    if (!line || widthOf(candidate) <= max) {
      line = candidate;
      continue;
    }
    if (result.length === lines - 1) {
      result.push(truncate(`${line} ${words.slice(i).join(' ')}`, max));
      return result;
    }
    result.push(truncate(line, max));
    line = words[i];
  }
  if (line) result.push(truncate(line, max));
  return result;
}

/** Moves out of a node that are not drawn as lines: to another flow, or to a node that is not drawn. */
export function exitsOf(ctx: DrawContext, node: GraphNode): GraphEdge[] {
  const drawn = (e: GraphEdge) => ctx.shown.nodes.has(e.to) && (ctx.shown.crossEdges || ctx.scene.nodes.get(e.to)!.flow === node.flow);
  return (ctx.scene.out.get(node.id) ?? []).filter((e) => !drawn(e));
}

function describe(ctx: DrawContext, node: GraphNode): string {
  const lines = [`${node.id} (${KIND_WORDS[node.kind].toLowerCase()}${node.ask ? ` ${node.ask}` : ''}) in flow ${node.flow}`];
  const text = textOf(node, ctx.locale, ctx.scene.graph.bot.defaultLocale);
  if (text) lines.push(text);
  if (node.description) lines.push(node.description);
  if (node.entry === 'bot') lines.push('Every conversation starts here.');
  if (node.fallbackOf) lines.push(`Fallback of the ${node.fallbackOf.join(', the ')}.`);
  for (const i of node.intents ?? []) lines.push(`Intent ${i.intent} leads here from ${i.flow ? `any node of flow ${i.flow}` : 'anywhere'}.`);
  if (!node.reachable) lines.push('No conversation reaches this node.');
  for (const p of node.problems ?? []) lines.push(`${p.severity}: ${p.message}`);
  for (const e of exitsOf(ctx, node)) lines.push(`${labelOf(e, ctx.locale)} → ${e.to}${e.toFlow ? ` (flow ${e.toFlow})` : ''}`);
  return lines.join('\n');
}

function drawNode<E>(b: SvgBuilder<E>, ctx: DrawContext, node: GraphNode, x: number, y: number): E {
  const classes = ['node', `kind-${node.kind}`];
  if (!node.reachable) classes.push('unreachable');
  if (node.severity) classes.push(`sev-${node.severity}`);
  if (node.entry) classes.push(`entry-${node.entry}`);
  const kind = `${node.entry === 'bot' ? '▶ START · ' : ''}${KIND_WORDS[node.kind]}${node.ask ? ` ${node.ask}` : ''}`;
  const badges: E[] = [];
  const exits = exitsOf(ctx, node);
  let right = NODE_W - 8;
  if (exits.length > 0) {
    const label = `↗${exits.length}`;
    badges.push(b.el('text', { class: 'node-exits', x: right, y: 14, 'text-anchor': 'end' }, [label]));
    right -= label.length * 7 + 6;
  }
  if (node.severity && node.severity !== 'info') {
    badges.push(b.el('text', { class: `node-badge badge-${node.severity}`, x: right, y: 14, 'text-anchor': 'end' }, [`${node.severity === 'error' ? '✖' : '⚠'}${node.problems?.length ?? ''}`]));
  }
  const message = wrap(textOf(node, ctx.locale, ctx.scene.graph.bot.defaultLocale), 33, 2);
  return b.el('g', { class: classes.join(' '), 'data-id': node.id, transform: `translate(${x},${y})` }, [
    b.el('title', {}, [describe(ctx, node)]),
    b.el('rect', { class: 'node-box', width: NODE_W, height: NODE_H, rx: 6 }),
    b.el('rect', { class: 'node-stripe', width: 4, height: NODE_H - 2, x: 1, y: 1, rx: 2 }),
    b.el('text', { class: 'node-kind', x: 12, y: 14 }, [wrap(kind, 22)[0]]),
    ...badges,
    b.el('text', { class: 'node-id', x: 12, y: 30 }, [wrap(node.id, 28)[0]]),
    ...message.map((line, i) => b.el('text', { class: 'node-text', x: 12, y: 45 + i * 13 }, [line])),
  ]);
}

/** Edges between the same two nodes are drawn once, with their labels joined. */
function groupByTarget(edges: GraphEdge[]): GraphEdge[][] {
  const groups = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    if (!groups.has(e.to)) groups.set(e.to, []);
    groups.get(e.to)!.push(e);
  }
  return [...groups.values()];
}

function edgeLabel(ctx: DrawContext, group: GraphEdge[]): string {
  const labels = [...new Set(group.filter((e) => e.kind !== 'next').map((e) => labelOf(e, ctx.locale)))];
  return labels.length === 0 ? '' : wrap(labels.join(' · '), 32)[0];
}

/** The path and label position of an edge from the node at (sx, sy) to the node at (tx, ty), and whether it goes down. */
function route(sx: number, sy: number, tx: number, ty: number, selfLoop: boolean): { d: string; lx: number; ly: number; down: boolean } {
  if (selfLoop) {
    const x = sx + NODE_W;
    const y = sy + NODE_H / 2;
    return { d: `M${x},${y - 10}C${x + 40},${y - 30} ${x + 40},${y + 30} ${x},${y + 10}`, lx: x + 34, ly: y, down: false };
  }
  if (ty >= sy + NODE_H) {
    const [x1, y1, x2, y2] = [sx + NODE_W / 2, sy + NODE_H, tx + NODE_W / 2, ty];
    const bend = Math.min(60, (y2 - y1) / 2);
    return { d: `M${x1},${y1}C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`, lx: (x1 + x2) / 2, ly: (y1 + y2) / 2, down: true };
  }
  // Up or sideways: around the right-hand side.
  const [x1, y1, x2, y2] = [sx + NODE_W, sy + NODE_H / 2, tx + NODE_W, ty + NODE_H / 2];
  const out = 30 + Math.min(120, Math.abs(y2 - y1) / 6);
  const x = Math.max(x1, x2) + out;
  return { d: `M${x1},${y1}C${x},${y1} ${x},${y2} ${x2},${y2}`, lx: x - out / 4, ly: (y1 + y2) / 2, down: false };
}

function drawEdge<E>(b: SvgBuilder<E>, ctx: DrawContext, group: GraphEdge[], dx: number, dy: number, tree: boolean): E[] {
  const { from, to } = group[0];
  const s = ctx.layout.nodes.get(from)!;
  const t = ctx.layout.nodes.get(to)!;
  const path = route(s.x - dx, s.y - dy, t.x - dx, t.y - dy, from === to);
  const kinds = [...new Set(group.map((e) => e.kind))].map((k) => `kind-${k}`).join(' ');
  const classes = `edge ${tree ? 'tree' : 'other'} ${kinds}`;
  const label = edgeLabel(ctx, group);
  const parts = [b.el('path', { class: classes, d: path.d, 'marker-end': 'url(#bm-arrow)', 'data-from': from, 'data-to': to })];
  if (label && tree) {
    parts.push(b.el('text', { class: 'edge-label tree', x: t.x - dx + NODE_W / 2, y: t.y - dy - 7, 'text-anchor': 'middle', 'data-from': from, 'data-to': to }, [label]));
  } else if (label) {
    parts.push(b.el('text', { class: 'edge-label other', x: path.lx, y: path.ly, 'text-anchor': 'middle', 'data-from': from, 'data-to': to }, [label]));
  }
  return parts;
}

/** How intents lead to a node from anywhere or from its flow, written above it when nothing else is (a tree's root). */
function intentTag(node: GraphNode): string {
  return (node.intents ?? []).map((i) => `${i.flow ? '' : '⚑ '}${i.intent}`).join(' · ');
}

export function drawFlow<E>(b: SvgBuilder<E>, ctx: DrawContext, box: FlowBox): E {
  const flow = ctx.scene.flows.get(box.id)!;
  const children: E[] = [b.el('rect', { class: 'flow-box', width: box.w, height: box.h, rx: 10 })];
  const title = `${box.collapsed ? '▸' : '▾'} ${flow.id}`;
  children.push(b.el('text', { class: 'flow-title', x: 14, y: 22, 'data-toggle': flow.id }, [wrap(title, Math.max(12, box.w / 9))[0]]));
  if (flow.severity && flow.severity !== 'info') {
    children.push(b.el('text', { class: `node-badge badge-${flow.severity}`, x: box.w - 12, y: 22, 'text-anchor': 'end' }, [flow.severity === 'error' ? '✖' : '⚠']));
  }
  if (box.collapsed) {
    const nodes = flow.nodes.map((id) => ctx.scene.nodes.get(id)!).filter(Boolean);
    const errors = nodes.filter((n) => n.severity === 'error').length;
    const warnings = nodes.filter((n) => n.severity === 'warning').length;
    const summary = `${nodes.length} nodes${errors ? ` · ✖${errors}` : ''}${warnings ? ` · ⚠${warnings}` : ''}`;
    children.push(b.el('text', { class: 'flow-meta', x: 14, y: 44 }, [summary]));
    if (flow.description) children.push(b.el('text', { class: 'flow-meta', x: 14, y: 60 }, [wrap(flow.description, (COLLAPSED_W - 28) / 6.2)[0]]));
    return b.el('g', { class: 'flow collapsed', 'data-flow': flow.id, transform: `translate(${box.x},${box.y})` }, children);
  }
  if (flow.description) children.push(b.el('text', { class: 'flow-meta', x: 14 + title.length * 9 + 10, y: 22 }, [wrap(flow.description, Math.max(0, (box.w - title.length * 9 - 60) / 6.2))[0] ?? '']));
  const edges: E[] = [];
  const nodes: E[] = [];
  for (const id of flow.nodes) {
    const node = ctx.scene.nodes.get(id);
    const at = ctx.layout.nodes.get(id);
    if (!node || !at || !ctx.shown.nodes.has(id)) continue;
    nodes.push(drawNode(b, ctx, node, at.x - box.x, at.y - box.y));
    if (node.intents && !ctx.layout.parent.has(id)) {
      nodes.push(b.el('text', { class: 'intent-tag', x: at.x - box.x + 4, y: at.y - box.y - 7 }, [wrap(intentTag(node), 34)[0]]));
    }
    const inFlow = (ctx.scene.out.get(id) ?? []).filter((e) => ctx.shown.nodes.has(e.to) && ctx.scene.nodes.get(e.to)!.flow === flow.id);
    for (const group of groupByTarget(inFlow)) edges.push(...drawEdge(b, ctx, group, box.x, box.y, ctx.layout.parent.get(group[0].to) === id));
  }
  return b.el('g', { class: 'flow', 'data-flow': flow.id, transform: `translate(${box.x},${box.y})` }, [...children, b.el('g', { class: 'edges' }, edges), ...nodes]);
}

/**
 * A flow as seen from far away (the whole graph of a big bot): its box, its title and its nodes as plain rectangles,
 * one path per kind of mark, so that thousands of nodes are a handful of elements.
 */
export function drawFlowOverview<E>(b: SvgBuilder<E>, ctx: DrawContext, box: FlowBox): E {
  const flow = ctx.scene.flows.get(box.id)!;
  const paths = { normal: '', warning: '', error: '', unreachable: '' };
  for (const id of flow.nodes) {
    const at = ctx.layout.nodes.get(id);
    const node = ctx.scene.nodes.get(id);
    if (!at || !node) continue;
    const bucket = node.severity === 'error' ? 'error' : node.severity === 'warning' ? 'warning' : node.reachable ? 'normal' : 'unreachable';
    paths[bucket] += `M${at.x - box.x},${at.y - box.y}h${NODE_W}v${NODE_H}h${-NODE_W}z`;
  }
  const title = `${box.collapsed ? '▸' : '▾'} ${flow.id}`;
  return b.el('g', { class: `flow overview${box.collapsed ? ' collapsed' : ''}`, 'data-flow': flow.id, transform: `translate(${box.x},${box.y})` }, [
    b.el('rect', { class: 'flow-box', width: box.w, height: box.h, rx: 10 }),
    ...Object.entries(paths)
      .filter(([, d]) => d)
      .map(([bucket, d]) => b.el('path', { class: `overview-nodes ${bucket}`, d })),
    b.el('text', { class: 'flow-title', x: 14, y: 22, 'data-toggle': flow.id }, [title]),
  ]);
}

/** In focus mode: the edges between flows, drawn as lines (in graph coordinates). */
export function drawCrossEdges<E>(b: SvgBuilder<E>, ctx: DrawContext): E {
  const edges: E[] = [];
  if (ctx.shown.crossEdges) {
    for (const id of ctx.shown.nodes) {
      const node = ctx.scene.nodes.get(id)!;
      const across = (ctx.scene.out.get(id) ?? []).filter((e) => ctx.shown.nodes.has(e.to) && ctx.scene.nodes.get(e.to)!.flow !== node.flow);
      for (const group of groupByTarget(across)) edges.push(...drawEdge(b, ctx, group, 0, 0, false));
    }
  }
  return b.el('g', { class: 'cross-edges' }, edges);
}

export function drawDefs<E>(b: SvgBuilder<E>): E {
  return b.el('defs', {}, [
    b.el('marker', { id: 'bm-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, [
      b.el('path', { class: 'arrow', d: 'M0,0L10,5L0,10z' }),
    ]),
  ]);
}

/** The colours of the drawing: CSS values (`var(--vscode-…)` in the panel, concrete colours in exported files). */
export interface Palette {
  font: string;
  background: string;
  foreground: string;
  muted: string;
  flowBackground: string;
  flowBorder: string;
  nodeBackground: string;
  nodeBorder: string;
  edge: string;
  focus: string;
  match: string;
  error: string;
  warning: string;
  say: string;
  ask: string;
  branch: string;
  end: string;
  handoff: string;
  fallback: string;
}

/** The VS Code theme's colours (with defaults for a webview that has none). */
export const THEME_PALETTE: Palette = {
  font: 'var(--vscode-font-family, system-ui, sans-serif)',
  background: 'var(--vscode-editor-background, #ffffff)',
  foreground: 'var(--vscode-editor-foreground, #1f1f1f)',
  muted: 'var(--vscode-descriptionForeground, #616161)',
  flowBackground: 'var(--vscode-sideBar-background, #f8f8f8)',
  flowBorder: 'var(--vscode-panel-border, #d0d0d0)',
  nodeBackground: 'var(--vscode-editorWidget-background, #f3f3f3)',
  nodeBorder: 'var(--vscode-editorWidget-border, #c8c8c8)',
  edge: 'var(--vscode-editorLineNumber-foreground, #8a8a8a)',
  focus: 'var(--vscode-focusBorder, #0090f1)',
  match: 'var(--vscode-editor-findMatchHighlightBackground, rgba(234, 92, 0, 0.33))',
  error: 'var(--vscode-editorError-foreground, #e51400)',
  warning: 'var(--vscode-editorWarning-foreground, #bf8803)',
  say: 'var(--vscode-charts-blue, #1a85ff)',
  ask: 'var(--vscode-charts-green, #388a34)',
  branch: 'var(--vscode-charts-orange, #d18616)',
  end: 'var(--vscode-charts-foreground, #616161)',
  handoff: 'var(--vscode-charts-purple, #652d90)',
  fallback: 'var(--vscode-charts-yellow, #bf8803)',
};

/** Colours for files made outside VS Code (the CLI): VS Code's light theme. */
export const LIGHT_PALETTE: Palette = Object.fromEntries(
  Object.entries(THEME_PALETTE).map(([key, value]) => [key, value.replace(/^var\(--[\w-]+, (.*)\)$/, '$1')]),
) as unknown as Palette;

export function styleSheet(p: Palette): string {
  return `
.bm-graph { font-family: ${p.font}; font-size: 12px; }
.bm-graph .background { fill: ${p.background}; }
.flow-box { fill: ${p.flowBackground}; stroke: ${p.flowBorder}; }
.flow-title { fill: ${p.foreground}; font-size: 14px; font-weight: 600; }
.flow-meta { fill: ${p.muted}; font-size: 11px; }
.node-box { fill: ${p.nodeBackground}; stroke: ${p.nodeBorder}; }
.node-kind { font-size: 9.5px; letter-spacing: 0.04em; fill: ${p.muted}; }
.node-id { font-size: 12px; font-weight: 600; fill: ${p.foreground}; }
.node-text { font-size: 11px; fill: ${p.foreground}; }
.node-exits { font-size: 11px; fill: ${p.muted}; }
.node-badge { font-size: 11px; font-weight: 600; }
.badge-error { fill: ${p.error}; }
.badge-warning { fill: ${p.warning}; }
.kind-say .node-stripe { fill: ${p.say}; }
.kind-ask .node-stripe { fill: ${p.ask}; }
.kind-branch .node-stripe { fill: ${p.branch}; }
.kind-end .node-stripe { fill: ${p.end}; }
.kind-handoff .node-stripe { fill: ${p.handoff}; }
.kind-fallback .node-stripe { fill: ${p.fallback}; }
.kind-say .node-kind { fill: ${p.say}; }
.kind-ask .node-kind { fill: ${p.ask}; }
.kind-branch .node-kind { fill: ${p.branch}; }
.kind-handoff .node-kind { fill: ${p.handoff}; }
.kind-fallback .node-kind { fill: ${p.fallback}; }
.kind-fallback .node-box { stroke-dasharray: 6 3; }
.entry-bot .node-box { stroke: ${p.say}; stroke-width: 2.5; }
.sev-warning .node-box { stroke: ${p.warning}; stroke-width: 2; }
.sev-error .node-box { stroke: ${p.error}; stroke-width: 2; }
.unreachable { opacity: 0.42; }
.unreachable .node-box { stroke-dasharray: 3 3; }
.edge { fill: none; stroke: ${p.edge}; stroke-width: 1.3; }
.edge.other { stroke-dasharray: 5 4; opacity: 0.55; }
.edge.kind-fallback { stroke-dasharray: 2 3; }
.arrow { fill: ${p.edge}; }
.edge-label { font-size: 10px; fill: ${p.muted}; }
.edge-label.other { opacity: 0.8; }
.intent-tag { font-size: 10px; fill: ${p.handoff}; }
.overview-nodes { fill: ${p.nodeBackground}; stroke: ${p.nodeBorder}; stroke-width: 2; }
.overview-nodes.warning { stroke: ${p.warning}; stroke-width: 8; }
.overview-nodes.error { stroke: ${p.error}; stroke-width: 8; }
.overview-nodes.unreachable { opacity: 0.42; }
`;
}

/** A whole standalone SVG document: what `botmaster graph --format svg` prints and the panel exports. */
export function drawDocument(ctx: DrawContext, palette: Palette): string {
  const margin = 20;
  const width = Math.ceil(ctx.layout.width + 2 * margin);
  const height = Math.ceil(ctx.layout.height + 2 * margin);
  const svg = svgText.el('svg', { xmlns: 'http://www.w3.org/2000/svg', class: 'bm-graph', width, height, viewBox: `${-margin} ${-margin} ${width} ${height}` }, [
    svgText.el('style', {}, [styleSheet(palette)]),
    drawDefs(svgText),
    svgText.el('rect', { class: 'background', x: -margin, y: -margin, width, height }),
    ...ctx.layout.flows.map((box) => drawFlow(svgText, ctx, box)),
    drawCrossEdges(svgText, ctx),
  ]);
  return `${svg.source}\n`;
}
