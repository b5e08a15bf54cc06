/**
 * What is drawn, from the graph model and the view's choices (flow filter, collapsed flows, focus): the flows and
 * nodes to lay out, and the edges to draw. Pure; shared by the panel and `botmaster graph`.
 */
import type { GraphEdge, GraphFlow, GraphModel, GraphNode } from '../../../server/src/service/graph';
import type { LayoutInput } from './layout';

export interface Scene {
  graph: GraphModel;
  nodes: Map<string, GraphNode>;
  flows: Map<string, GraphFlow>;
  out: Map<string, GraphEdge[]>;
  in: Map<string, GraphEdge[]>;
}

export interface View {
  /** Only these flows (all when empty). */
  flows?: string[];
  collapsed?: string[];
  /** A node and its neighbours up to `steps` moves away, either way. */
  focus?: { node: string; steps: number };
}

export function sceneOf(graph: GraphModel): Scene {
  const scene: Scene = { graph, nodes: new Map(), flows: new Map(), out: new Map(), in: new Map() };
  for (const node of graph.nodes) scene.nodes.set(node.id, node);
  for (const flow of graph.flows) scene.flows.set(flow.id, flow);
  for (const edge of graph.edges) {
    if (!scene.out.has(edge.from)) scene.out.set(edge.from, []);
    scene.out.get(edge.from)!.push(edge);
    if (!scene.in.has(edge.to)) scene.in.set(edge.to, []);
    scene.in.get(edge.to)!.push(edge);
  }
  return scene;
}

/** The node and the nodes at most `steps` moves from it, following edges both ways. */
export function neighbourhood(scene: Scene, node: string, steps: number): Set<string> {
  const found = new Set<string>(scene.nodes.has(node) ? [node] : []);
  let frontier = [...found];
  for (let step = 0; step < steps && frontier.length > 0; step++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of scene.out.get(id) ?? []) if (!found.has(e.to)) found.add(e.to), next.push(e.to);
      for (const e of scene.in.get(id) ?? []) if (!found.has(e.from)) found.add(e.from), next.push(e.from);
    }
    frontier = next;
  }
  return found;
}

export interface Shown {
  input: LayoutInput;
  /** The nodes drawn (those of open flows). */
  nodes: Set<string>;
  /** Edges between drawn nodes of different flows are drawn too (focus mode), else shown as exits on the node. */
  crossEdges: boolean;
}

/** The flows and nodes a view shows, as the input of the layout. */
export function shownOf(scene: Scene, view: View): Shown {
  const focus = view.focus && scene.nodes.has(view.focus.node) ? neighbourhood(scene, view.focus.node, view.focus.steps) : undefined;
  const only = view.flows && view.flows.length > 0 ? new Set(view.flows) : undefined;
  const collapsed = new Set(view.collapsed ?? []);
  const flows: LayoutInput['flows'] = [];
  const nodes = new Set<string>();
  for (const flow of scene.graph.flows) {
    if (only && !only.has(flow.id) && !focus) continue;
    const members = focus ? flow.nodes.filter((id) => focus.has(id)) : flow.nodes;
    if (focus && members.length === 0) continue;
    const isCollapsed = !focus && collapsed.has(flow.id);
    // In focus mode a flow's tree starts at the focused node when it is there, else at the flow's start if shown.
    const start = focus?.has(view.focus!.node) && members.includes(view.focus!.node) ? view.focus!.node : flow.start;
    flows.push({ id: flow.id, nodes: members, start, collapsed: isCollapsed });
    if (!isCollapsed) for (const id of members) nodes.add(id);
  }
  const edges: [string, string][] = [];
  for (const edge of scene.graph.edges) if (nodes.has(edge.from) && nodes.has(edge.to)) edges.push([edge.from, edge.to]);
  return { input: { flows, edges }, nodes, crossEdges: !!focus };
}

/** Nodes whose id or message (any locale) contains the query, case-insensitive, in graph order. */
export function search(scene: Scene, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  return scene.graph.nodes
    .filter((n) => n.id.toLowerCase().includes(q) || Object.values(n.text).some((t) => t.toLowerCase().includes(q)))
    .map((n) => n.id);
}

/** A node's message in a locale, else in the default locale, else any. */
export function textOf(node: GraphNode, locale: string, defaultLocale: string): string {
  return node.text[locale] ?? node.text[defaultLocale] ?? Object.values(node.text)[0] ?? '';
}

/** An edge's label in a locale (button labels are translated; intents and conditions are not). */
export function labelOf(edge: GraphEdge, locale: string): string {
  return edge.labels?.[locale] ?? edge.via;
}
