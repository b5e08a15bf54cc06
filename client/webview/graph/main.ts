/**
 * The graph preview's webview: receives the graph model from the extension, lays it out in a worker, draws it as SVG
 * and keeps it in sync (selection, pan, zoom, filters survive updates and reloads). Talks to the extension only through
 * the messages of protocol.ts.
 */
import type { GraphModel, GraphNode } from '../../../server/src/service/graph';
import { html, svgDom } from './dom';
import { drawCrossEdges, drawDefs, drawDocument, drawFlow, drawFlowOverview, styleSheet, THEME_PALETTE } from './draw';
import type { DrawContext, Palette } from './draw';
import { NODE_H, NODE_W } from './layout';
import type { Layout } from './layout';
import { Minimap } from './minimap';
import type { FromWebview, ToWebview, WebviewState } from './protocol';
import { sceneOf, search, shownOf, textOf } from './scene';
import type { Scene, Shown } from './scene';
import { Viewport } from './viewport';
import { answer } from './worker';
import type { LayoutReply, LayoutRequest } from './worker';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
/** The worker's bundled source, put here by scripts/build.mjs. */
declare const LAYOUT_WORKER_SOURCE: string | undefined;

/** Above this many nodes, a first look shows the flows collapsed (except the entry's). */
const COLLAPSE_ABOVE = 3000;
/** A first view smaller than this shows the entry's flow instead of the whole graph. */
const READABLE = 0.3;

const vscode = acquireVsCodeApi();
const state: WebviewState = { focusSteps: 2, ...vscode.getState() };
const save = () => vscode.setState(state);
const post = (message: FromWebview) => vscode.postMessage(message);

// ---- The page -----------------------------------------------------------------------------------------------------

const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
document.head.append(html('style', { nonce }, [styleSheet(THEME_PALETTE)]));

const SVG_NS = 'http://www.w3.org/2000/svg';
const svg = document.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
svg.setAttribute('class', 'bm-graph');
svg.setAttribute('tabindex', '0');
svg.setAttribute('role', 'application');
svg.setAttribute('aria-roledescription', 'dialog graph');
svg.setAttribute('aria-label', 'Dialog graph. Arrow keys move between nodes, Enter shows the node in the editor, F focuses on it.');
const group = document.createElementNS(SVG_NS, 'g') as SVGGElement;
group.setAttribute('class', 'viewport');
const flowLayer = document.createElementNS(SVG_NS, 'g') as SVGGElement;
const crossLayer = document.createElementNS(SVG_NS, 'g') as SVGGElement;
group.append(flowLayer, crossLayer);
svg.append(drawDefs(svgDom), group);

const viewport = new Viewport(svg, group, flowLayer);
const minimap = new Minimap(viewport);

const title = html('span', { class: 'title' });
const searchInput = html('input', { type: 'search', placeholder: 'Search nodes', 'aria-label': 'Search nodes by id or message', class: 'search' });
const searchCount = html('span', { class: 'count', 'aria-live': 'polite' });
const flowSelect = html('select', { 'aria-label': 'Show one flow', title: 'Show one flow' });
const localeSelect = html('select', { 'aria-label': 'Language of the messages', title: 'Language of the messages' });
const button = (label: string, tip: string, action: () => void, attrs: Record<string, string> = {}) => {
  const b = html('button', { type: 'button', title: tip, 'aria-label': tip, ...attrs }, [label]);
  b.addEventListener('click', action);
  return b;
};
const focusButton = button('Focus', 'Show only the selected node and its neighbours (F)', () => setFocus(!state.focus), { 'aria-pressed': 'false' });
const stepsSelect = html('select', { 'aria-label': 'Neighbours up to this many steps', title: 'Neighbours up to this many steps' }, [
  ...[1, 2, 3, 4, 5].map((n) => html('option', { value: n }, [`${n} step${n > 1 ? 's' : ''}`])),
]);
const status = html('div', { class: 'status' });
const announcer = html('div', { class: 'visually-hidden', 'aria-live': 'polite' });
const empty = html('div', { class: 'empty', hidden: '' });
const legend = html('span', { class: 'legend', 'aria-hidden': 'true' }, (['say', 'ask', 'branch', 'end', 'handoff', 'fallback'] as const).map((k) => html('span', { class: `key kind-${k}` }, [k === 'handoff' ? 'hands off' : k])));

const toolbar = html('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Graph' }, [
  title,
  searchInput,
  searchCount,
  flowSelect,
  localeSelect,
  focusButton,
  stepsSelect,
  button('Collapse', 'Collapse every flow', () => setCollapsed(scene ? scene.graph.flows.map((f) => f.id) : [])),
  button('Expand', 'Expand every flow', () => setCollapsed([])),
  button('Fit', 'Show the whole graph (0)', () => fitAll()),
  button('−', 'Zoom out (-)', () => zoomBy(1 / 1.25)),
  button('+', 'Zoom in (+)', () => zoomBy(1.25)),
  button('SVG', 'Export the graph as SVG', () => exportSvg()),
  button('PNG', 'Export the graph as PNG', () => void exportPng()),
]);
const footer = html('div', { class: 'footer' }, [status, legend]);
document.getElementById('app')!.append(toolbar, html('div', { class: 'canvas' }, [svg, minimap.canvas, empty]), footer, announcer);

// ---- The graph, its layout and its drawing ----------------------------------------------------------------------

let scene: Scene | undefined;
let shown: Shown | undefined;
let layout: Layout | undefined;
/** The view was fitted or restored for this bot already: updates keep pan and zoom. */
let placed = false;
let matches: string[] = [];
let matchIndex = -1;
/** The simulator's conversation: nodes visited, moves taken (`from\u0000to`), where it waits. */
let conversation: { nodes: Set<string>; moves: Set<string>; current?: string } | undefined;
/** Each drawn flow's elements (attached or not: the viewport attaches those near the window). */
const drawnFlows = new Map<string, { signature: string; element: Element }>();

function startWorker(): Worker | undefined {
  if (typeof LAYOUT_WORKER_SOURCE !== 'string') return undefined;
  try {
    const url = URL.createObjectURL(new Blob([LAYOUT_WORKER_SOURCE], { type: 'text/javascript' }));
    const w = new Worker(url);
    w.onmessage = (event: MessageEvent<LayoutReply>) => {
      document.body.dataset.layout = 'worker'; // where the layout runs, for tests and bug reports
      receive(event.data);
    };
    w.onerror = () => {
      // Blocked or broken: lay out on this thread from now on.
      worker = undefined;
      document.body.dataset.layout = 'main thread';
      if (pending) receive(answer(pending.request));
    };
    return w;
  } catch {
    return undefined;
  }
}
let worker = startWorker();
let pending: { request: LayoutRequest; shown: Shown; fit: boolean } | undefined;
let requestId = 0;

function locale(): string {
  const bot = scene?.graph.bot;
  return state.locale && bot?.locales.includes(state.locale) ? state.locale : (bot?.defaultLocale ?? '');
}

function relayout(fit = false): void {
  if (!scene) return;
  const focusNode = state.focus && state.selected && scene.nodes.has(state.selected) ? state.selected : undefined;
  const view = focusNode ? { focus: { node: focusNode, steps: state.focusSteps ?? 2 } } : { flows: state.flows, collapsed: state.collapsed };
  const next = shownOf(scene, view);
  const request: LayoutRequest = { id: ++requestId, cache: focusNode ? 'focus' : 'graph', input: next.input };
  pending = { request, shown: next, fit: fit || (pending?.fit ?? false) };
  performance.mark('graph:layout-start');
  if (worker) worker.postMessage(request);
  else {
    document.body.dataset.layout = 'main thread';
    receive(answer(request));
  }
}

function receive(reply: LayoutReply): void {
  if (!pending || reply.id !== pending.request.id || !scene) return;
  const { shown: next, fit } = pending;
  pending = undefined;
  layout = {
    flows: reply.flows,
    nodes: new Map(reply.nodes.map(([id, x, y]) => [id, { x, y }])),
    parent: new Map(reply.parent),
    width: reply.width,
    height: reply.height,
  };
  shown = next;
  performance.mark('graph:laid-out');
  const started = performance.now();
  draw();
  if (fit || !placed) placeView();
  else viewport.apply();
  const drawMs = performance.now() - started;
  performance.mark('graph:drawn');
  showStatus(reply.ms, drawMs);
  const nodes = layout.nodes.size;
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      performance.mark('graph:painted');
      post({ type: 'rendered', nodes, layoutMs: Math.round(reply.ms), drawMs: Math.round(drawMs) });
    }),
  );
}

function context(): DrawContext {
  return { scene: scene!, layout: layout!, shown: shown!, locale: locale() };
}

/** Everything a flow's drawing depends on: when it is unchanged, the flow's elements are kept as they are. */
function flowSignature(ctx: DrawContext, box: Layout['flows'][number]): string {
  const flow = ctx.scene.flows.get(box.id)!;
  const parts: unknown[] = [box, ctx.locale, ctx.shown.crossEdges, flow];
  if (!box.collapsed) {
    for (const id of flow.nodes) {
      if (!ctx.shown.nodes.has(id)) continue;
      const out = (ctx.scene.out.get(id) ?? []).map((e) => [e, ctx.shown.nodes.has(e.to), ctx.layout.parent.get(e.to) === id]);
      parts.push(ctx.scene.nodes.get(id), ctx.layout.nodes.get(id), out);
    }
  } else {
    parts.push(flow.nodes.map((id) => ctx.scene.nodes.get(id)?.severity));
  }
  return JSON.stringify(parts);
}

function draw(): void {
  const ctx = context();
  const flows = ctx.layout.flows.map((box) => {
    const signature = flowSignature(ctx, box);
    if (drawnFlows.get(box.id)?.signature !== signature) forgetFlow(box.id);
    let overview: Element | undefined;
    return { box, element: () => drawnFlow(ctx, box, signature), overview: () => (overview ??= drawFlowOverview(svgDom, ctx, box)) };
  });
  const shownFlows = new Set(ctx.layout.flows.map((box) => box.id));
  for (const id of [...drawnFlows.keys()]) if (!shownFlows.has(id)) forgetFlow(id);
  crossLayer.replaceChildren(drawCrossEdges(svgDom, ctx));
  viewport.setFlows(flows);
  applySelection();
  applyMatches();
  minimap.draw(ctx.layout, ctx.scene.nodes);
  focusButton.setAttribute('aria-pressed', String(!!state.focus));
  empty.hidden = true;
}

/** A flow's drawing, made when the viewport first needs it (kept while the flow does not change). */
function drawnFlow(ctx: DrawContext, box: Layout['flows'][number], signature: string): Element {
  const drawn = drawnFlows.get(box.id);
  if (drawn?.signature === signature) return drawn.element;
  const element = drawFlow(svgDom, ctx, box);
  drawnFlows.set(box.id, { signature, element });
  mark(element);
  return element;
}

function forgetFlow(id: string): void {
  drawnFlows.delete(id);
}

/** The first view of a bot: the saved one after a reload, else the whole graph (or the entry, when that is unreadable). */
function placeView(): void {
  const restore = !placed && state.zoom !== undefined && state.panX !== undefined && state.panY !== undefined;
  placed = true;
  if (restore) {
    viewport.set(state.zoom!, state.panX!, state.panY!);
    viewport.apply();
    return;
  }
  if (!layout || !scene) return;
  const all = { x: 0, y: 0, w: layout.width, h: layout.height };
  // Too small to read: the entry point's flow (the overview shows the rest).
  const entryFlow = scene.nodes.get(scene.graph.bot.start ?? '')?.flow;
  const box = viewport.fitZoom(all) < READABLE ? (layout.flows.find((f) => f.id === entryFlow && !f.collapsed) ?? layout.flows[0]) : undefined;
  viewport.fit(box ?? all);
  viewport.apply();
}

function fitAll(): void {
  if (!layout) return;
  viewport.fit({ x: 0, y: 0, w: layout.width, h: layout.height });
  viewport.apply();
}

function zoomBy(factor: number): void {
  const r = svg.getBoundingClientRect();
  viewport.zoomAt(factor, r.left + r.width / 2, r.top + r.height / 2);
}

/** Marks the selected node, its edges and the search matches inside an element (a new flow, or all of them). */
function mark(root: Element): void {
  const id = state.selected;
  if (id) {
    const q = CSS.escape(id);
    for (const el of root.querySelectorAll(`g.node[data-id="${q}"]`)) el.classList.add('selected');
    for (const el of root.querySelectorAll(`[data-from="${q}"], [data-to="${q}"]`)) el.classList.add('emphasis');
  }
  if (matches.length > 0) {
    const found = new Set(matches);
    for (const el of root.querySelectorAll('g.node')) if (found.has(el.getAttribute('data-id')!)) el.classList.add('match');
  }
  if (conversation) {
    for (const el of root.querySelectorAll('g.node')) {
      const node = el.getAttribute('data-id')!;
      if (conversation.nodes.has(node)) el.classList.add('on-path');
      if (node === conversation.current) el.classList.add('path-current');
    }
    for (const el of root.querySelectorAll('[data-from]')) {
      if (conversation.moves.has(`${el.getAttribute('data-from')}\u0000${el.getAttribute('data-to')}`)) el.classList.add('on-path');
    }
  }
}

function drawnRoots(): Element[] {
  return [...[...drawnFlows.values()].map((d) => d.element), crossLayer];
}

function applySelection(): void {
  for (const root of drawnRoots()) {
    for (const el of root.querySelectorAll('.selected, .emphasis')) el.classList.remove('selected', 'emphasis');
    if (state.selected) mark(root);
  }
}

function showPath(nodes: string[], current: string | undefined): void {
  conversation = nodes.length > 0 ? { nodes: new Set(nodes), moves: new Set(nodes.slice(1).map((to, i) => `${nodes[i]}\u0000${to}`)), current } : undefined;
  for (const root of drawnRoots()) {
    for (const el of root.querySelectorAll('.on-path, .path-current')) el.classList.remove('on-path', 'path-current');
    if (conversation) mark(root);
  }
}

function applyMatches(): void {
  for (const root of drawnRoots()) {
    for (const el of root.querySelectorAll('g.node.match')) el.classList.remove('match');
    if (matches.length > 0) mark(root);
  }
}

function nodeRect(id: string) {
  const p = layout?.nodes.get(id);
  return p && { x: p.x, y: p.y, w: NODE_W, h: NODE_H };
}

function describeNode(node: GraphNode): string {
  const problems = node.problems?.length ? `, ${node.problems.length} problem${node.problems.length > 1 ? 's' : ''}` : '';
  return `${node.id}, ${node.kind} in flow ${node.flow}${node.reachable ? '' : ', unreachable'}${problems}: ${textOf(node, locale(), scene!.graph.bot.defaultLocale)}`;
}

/** Selects a node: from a click (and shows it in the editor), the keyboard, a search or the editor's cursor. */
function select(id: string, options: { reveal?: boolean; center?: boolean } = {}): void {
  const node = scene?.nodes.get(id);
  if (!node) return;
  const previous = state.selected;
  state.selected = id;
  save();
  announcer.textContent = describeNode(node);
  if (options.reveal) post({ type: 'reveal', node: id });
  const hidden = !layout?.nodes.has(id);
  if (state.focus && (previous !== id || hidden)) {
    relayout(true);
    return;
  }
  if (hidden && state.collapsed?.includes(node.flow)) {
    state.collapsed = state.collapsed.filter((f) => f !== node.flow);
    save();
  }
  if (hidden && state.flows?.length && !state.flows.includes(node.flow)) {
    state.flows = [];
    flowSelect.value = '';
    save();
  }
  if (hidden) {
    relayout();
    pendingCenter = id;
    return;
  }
  applySelection();
  if (options.center) viewport.bringIntoView(nodeRect(id)!);
}
/** A node to bring into view once the layout that shows it arrives. */
let pendingCenter: string | undefined;
viewport.onChange(() => {
  if (!placed) return; // the first drawing, before the saved view is restored
  state.zoom = viewport.zoom;
  state.panX = viewport.panX;
  state.panY = viewport.panY;
  saveSoon();
});
let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveSoon(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(save, 200);
}

function setFocus(on: boolean): void {
  if (on && !state.selected) {
    announcer.textContent = 'Select a node first: focus shows a node and its neighbours.';
    return;
  }
  state.focus = on;
  save();
  relayout(true);
}

function setCollapsed(flows: string[]): void {
  state.collapsed = flows;
  save();
  relayout();
}

function toggleFlow(flow: string): void {
  const collapsed = new Set(state.collapsed ?? []);
  if (collapsed.has(flow)) collapsed.delete(flow);
  else collapsed.add(flow);
  setCollapsed([...collapsed]);
}

function showStatus(layoutMs: number, drawMs: number): void {
  if (!scene || !layout) return;
  const nodes = scene.graph.nodes;
  const errors = nodes.filter((n) => n.severity === 'error').length;
  const warnings = nodes.filter((n) => n.severity === 'warning').length;
  const unreachable = nodes.filter((n) => !n.reachable).length;
  const parts = [`${nodes.length} nodes in ${scene.graph.flows.length} flows`, `${errors} with errors`, `${warnings} with warnings`, `${unreachable} unreachable`];
  if (state.focus && state.selected) parts.unshift(`Focus on ${state.selected} (${layout.nodes.size} nodes)`);
  status.textContent = `${parts.join(' · ')} · layout ${Math.round(layoutMs)} ms, drawing ${Math.round(drawMs)} ms`;
}

// ---- Messages from the extension --------------------------------------------------------------------------------

function showGraph(uri: string, graph: GraphModel): void {
  const sameBot = scene?.graph.bot.root === graph.bot.root && state.uri !== undefined;
  state.uri = uri;
  if (!sameBot && scene) {
    // Another bot: its own view.
    Object.assign(state, { zoom: undefined, panX: undefined, panY: undefined, selected: undefined, collapsed: undefined, flows: undefined, focus: false });
    placed = false;
    drawnFlows.clear();
  }
  if (state.collapsed === undefined) {
    const entryFlow = graph.nodes.find((n) => n.id === graph.bot.start)?.flow;
    state.collapsed = graph.nodes.length > COLLAPSE_ABOVE ? graph.flows.map((f) => f.id).filter((f) => f !== entryFlow) : [];
  }
  save();
  scene = sceneOf(graph);
  title.textContent = graph.bot.name;
  flowSelect.replaceChildren(html('option', { value: '' }, ['All flows']), ...graph.flows.map((f) => html('option', { value: f.id }, [f.id])));
  flowSelect.value = state.flows?.[0] ?? '';
  localeSelect.replaceChildren(...graph.bot.locales.map((l) => html('option', { value: l }, [l])));
  localeSelect.value = locale();
  localeSelect.hidden = graph.bot.locales.length < 2;
  stepsSelect.value = String(state.focusSteps ?? 2);
  if (searchInput.value) matches = search(scene, searchInput.value);
  relayout();
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  if (message.type === 'graph') showGraph(message.uri, message.graph);
  else if (message.type === 'empty') {
    state.uri = message.uri;
    save();
    empty.hidden = false;
    empty.textContent = message.message;
  } else if (message.type === 'select' && message.node !== state.selected) select(message.node, { center: true });
  else if (message.type === 'path') showPath(message.nodes, message.current);
});

// ---- Pointer, wheel and keyboard ---------------------------------------------------------------------------------

let drag: { x: number; y: number; moved: boolean } | undefined;
svg.addEventListener('pointerdown', (event) => {
  if (event.button !== 0) return;
  drag = { x: event.clientX, y: event.clientY, moved: false };
});
window.addEventListener('pointermove', (event) => {
  if (!drag) return;
  const dx = event.clientX - drag.x;
  const dy = event.clientY - drag.y;
  if (!drag.moved && Math.hypot(dx, dy) < 4) return;
  drag.moved = true;
  drag.x = event.clientX;
  drag.y = event.clientY;
  svg.classList.add('panning');
  viewport.panBy(dx, dy);
});
window.addEventListener('pointerup', () => {
  svg.classList.remove('panning');
  setTimeout(() => (drag = undefined));
});
svg.addEventListener('click', (event) => {
  if (drag?.moved) return;
  const target = event.target as Element;
  const toggle = target.closest('[data-toggle]');
  if (toggle) return toggleFlow(toggle.getAttribute('data-toggle')!);
  const node = target.closest('g.node');
  if (node) return select(node.getAttribute('data-id')!, { reveal: true });
  const collapsed = target.closest('g.flow.collapsed');
  if (collapsed) return toggleFlow(collapsed.getAttribute('data-flow')!);
  // Far away, a click on a flow comes closer there.
  if (target.closest('g.flow.overview')) viewport.zoomAt(0.8 / viewport.zoom, event.clientX, event.clientY);
});
svg.addEventListener(
  'wheel',
  (event) => {
    event.preventDefault();
    if (event.shiftKey) viewport.panBy(-event.deltaY, -event.deltaX);
    else viewport.zoomAt(Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015)), event.clientX, event.clientY);
  },
  { passive: false },
);

/** The nearest drawn node in a direction from the selected one (or the entry point when nothing is selected). */
function neighbourInDirection(dx: number, dy: number): string | undefined {
  if (!layout || !scene) return undefined;
  const from = state.selected ? layout.nodes.get(state.selected) : undefined;
  if (!from) return [scene.graph.bot.start, ...layout.nodes.keys()].find((id) => id !== undefined && layout!.nodes.has(id));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const [id, p] of layout.nodes) {
    const ax = p.x - from.x;
    const ay = p.y - from.y;
    const along = ax * dx + ay * dy;
    if (along <= 0) continue;
    const across = Math.abs(ax * dy - ay * dx);
    const score = along + 2.5 * across;
    if (score < bestScore) [best, bestScore] = [id, score];
  }
  return best;
}

svg.addEventListener('keydown', (event) => {
  const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  if (event.key in arrows) {
    const [dx, dy] = arrows[event.key];
    if (event.shiftKey) viewport.panBy(-dx * 80, -dy * 80);
    else {
      const next = neighbourInDirection(dx, dy);
      if (next) select(next, { center: true });
    }
  } else if (event.key === 'Enter' && state.selected) post({ type: 'reveal', node: state.selected });
  else if (event.key === '+' || event.key === '=') zoomBy(1.25);
  else if (event.key === '-') zoomBy(1 / 1.25);
  else if (event.key === '0') fitAll();
  else if (event.key === 'f' || event.key === 'F') setFocus(!state.focus);
  else if ((event.key === 'c' || event.key === 'C') && state.selected) toggleFlow(scene!.nodes.get(state.selected)!.flow);
  else if (event.key === 'Escape' && state.focus) setFocus(false);
  else if (event.key === '/' || (event.key === 'f' && (event.ctrlKey || event.metaKey))) searchInput.focus();
  else return;
  event.preventDefault();
});

// ---- Toolbar ------------------------------------------------------------------------------------------------------

let searchTimer: ReturnType<typeof setTimeout> | undefined;
function runSearch(): void {
  clearTimeout(searchTimer);
  searchTimer = undefined;
  matches = scene ? search(scene, searchInput.value) : [];
  matchIndex = -1;
  searchCount.textContent = searchInput.value ? `${matches.length} found` : '';
  applyMatches();
}
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, 120);
});
searchInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && searchTimer !== undefined) runSearch();
  if (event.key === 'Enter' && matches.length > 0) {
    matchIndex = (matchIndex + (event.shiftKey ? matches.length - 1 : 1)) % matches.length;
    searchCount.textContent = `${matchIndex + 1} of ${matches.length}`;
    select(matches[matchIndex], { center: true });
  } else if (event.key === 'Escape') {
    searchInput.value = '';
    matches = [];
    searchCount.textContent = '';
    applyMatches();
    svg.focus();
  }
});
flowSelect.addEventListener('change', () => {
  state.flows = flowSelect.value ? [flowSelect.value] : [];
  state.focus = false;
  save();
  relayout(true);
});
localeSelect.addEventListener('change', () => {
  state.locale = localeSelect.value;
  save();
  relayout();
});
stepsSelect.addEventListener('change', () => {
  state.focusSteps = Number(stepsSelect.value);
  save();
  if (state.focus) relayout(true);
});

// ---- Export -------------------------------------------------------------------------------------------------------

/** The theme's colours as values, for a file that is read outside VS Code. */
function resolvedPalette(): Palette {
  const style = getComputedStyle(document.body);
  const resolve = (value: string) =>
    value.replace(/^var\((--[\w-]+), (.*)\)$/, (_, name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback);
  return Object.fromEntries(Object.entries(THEME_PALETTE).map(([key, value]) => [key, resolve(value)])) as unknown as Palette;
}

function exportName(extension: string): string {
  return `${(scene?.graph.bot.name ?? 'bot').replace(/[^\w.-]+/g, '-')}-graph.${extension}`;
}

function svgSource(): string | undefined {
  return scene && layout && shown ? drawDocument(context(), resolvedPalette()) : undefined;
}

function exportSvg(): void {
  const data = svgSource();
  if (data) post({ type: 'export', format: 'svg', name: exportName('svg'), data });
}

/** The SVG drawn on a canvas, at most 2x and within the canvas' size limits. */
async function exportPng(): Promise<void> {
  const source = svgSource();
  if (!source || !layout) return;
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
  await image.decode();
  const w = image.naturalWidth;
  const h = image.naturalHeight;
  const scale = Math.min(2, 16000 / w, 16000 / h, Math.sqrt(120e6 / (w * h)));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.floor(w * scale));
  canvas.height = Math.max(1, Math.floor(h * scale));
  canvas.getContext('2d')!.drawImage(image, 0, 0, canvas.width, canvas.height);
  post({ type: 'export', format: 'png', name: exportName('png'), data: canvas.toDataURL('image/png') });
}

// ---- Start --------------------------------------------------------------------------------------------------------

new MutationObserver(() => layout && scene && minimap.draw(layout, scene.nodes, true)).observe(document.body, { attributes: true, attributeFilter: ['class'] });
const centerPending = () => {
  if (pendingCenter && layout?.nodes.has(pendingCenter)) {
    const id = pendingCenter;
    pendingCenter = undefined;
    viewport.bringIntoView(nodeRect(id)!);
  }
};
viewport.onChange(centerPending);
post({ type: 'ready' });
