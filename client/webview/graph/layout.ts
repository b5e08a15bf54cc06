/**
 * Layout of a dialog graph: each flow on its own as a tidy tree (a breadth-first spanning tree from the flow's start,
 * Reingold-Tilford placement with contours, fixed node size), its separate trees and then the flows packed in rows.
 * Linear in the number of nodes (times the depth of the trees), and per flow: a flow whose shape did not change keeps
 * its cached layout. Pure: runs in the webview's worker and in Node (`botmaster graph --format svg`).
 * Why not a layered layout (elkjs, dagre): docs/graph.md, with the measurements.
 */

export const NODE_W = 210;
export const NODE_H = 64;
const GAP_X = 22;
/** Vertical room between a node and its children: holds the edge's label. */
const GAP_Y = 46;
const TREE_GAP = 36;
export const FLOW_PAD = 18;
export const FLOW_HEAD = 52;
const FLOW_GAP = 48;
export const COLLAPSED_W = 240;
export const COLLAPSED_H = 74;

export interface LayoutFlow {
  id: string;
  /** Its nodes, in file order; the first tree starts at `start` (else at the first node). */
  nodes: string[];
  start?: string;
  collapsed?: boolean;
}

export interface LayoutInput {
  flows: LayoutFlow[];
  /** Moves between nodes as [from, to], in the order of the file (the children's order). */
  edges: [string, string][];
}

export interface FlowBox {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  collapsed: boolean;
}

export interface Layout {
  flows: FlowBox[];
  /** Top-left corner of each drawn node. */
  nodes: Map<string, { x: number; y: number }>;
  /** The spanning tree: each node's parent, for nodes that have one (its edge is drawn as a tree edge). */
  parent: Map<string, string>;
  width: number;
  height: number;
}

interface FlowLayout {
  signature: string;
  w: number;
  h: number;
  /** Positions relative to the flow box. */
  nodes: [string, number, number][];
  parent: [string, string][];
}

/** Places items of the given sizes left to right in rows no wider than `maxWidth`. */
function packRows<T extends { w: number; h: number }>(items: T[], maxWidth: number, gap: number): { item: T; x: number; y: number }[] {
  const placed: { item: T; x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const item of items) {
    if (x > 0 && x + item.w > maxWidth) {
      x = 0;
      y += rowHeight + gap;
      rowHeight = 0;
    }
    placed.push({ item, x, y });
    x += item.w + gap;
    rowHeight = Math.max(rowHeight, item.h);
  }
  return placed;
}

/** A row width that makes the packed area about 16:10, never narrower than the widest item. */
function rowWidth(items: { w: number; h: number }[], gap: number): number {
  let area = 0;
  let widest = 0;
  for (const item of items) {
    area += (item.w + gap) * (item.h + gap);
    widest = Math.max(widest, item.w);
  }
  return Math.max(widest, Math.sqrt(area * 1.6));
}

/**
 * One tree of a flow: contours per depth, children placed left to right as close as their contours allow, a parent
 * centred over its first and last child. `order` is breadth-first, so its reverse visits children before parents.
 */
function placeTree(root: string, children: Map<string, string[]>): { nodes: [string, number, number][]; w: number; h: number } {
  const order = [root];
  for (let i = 0; i < order.length; i++) for (const child of children.get(order[i]) ?? []) order.push(child);
  const step = NODE_W + GAP_X;
  const offset = new Map<string, number>();
  const contours = new Map<string, { left: number[]; right: number[] }>();
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i];
    const kids = children.get(id) ?? [];
    if (kids.length === 0) {
      contours.set(id, { left: [0], right: [0] });
      continue;
    }
    let left: number[] = [];
    let right: number[] = [];
    const at: number[] = [];
    for (const kid of kids) {
      const c = contours.get(kid)!;
      contours.delete(kid);
      let shift = 0;
      if (at.length > 0) {
        shift = -Infinity;
        for (let d = 0; d < Math.min(right.length, c.left.length); d++) shift = Math.max(shift, right[d] - c.left[d] + step);
      }
      at.push(shift);
      for (let d = 0; d < c.left.length; d++) {
        if (d >= left.length) left.push(c.left[d] + shift);
        if (d >= right.length) right.push(c.right[d] + shift);
        else right[d] = c.right[d] + shift;
      }
    }
    const centre = (at[0] + at[at.length - 1]) / 2;
    kids.forEach((kid, k) => offset.set(kid, at[k] - centre));
    left = left.map((x) => x - centre);
    right = right.map((x) => x - centre);
    contours.set(id, { left: [0, ...left], right: [0, ...right] });
  }
  const x = new Map<string, number>([[root, 0]]);
  const depth = new Map<string, number>([[root, 0]]);
  let minX = 0;
  let maxX = 0;
  let maxDepth = 0;
  for (const id of order) {
    for (const child of children.get(id) ?? []) {
      const cx = x.get(id)! + offset.get(child)!;
      x.set(child, cx);
      depth.set(child, depth.get(id)! + 1);
      minX = Math.min(minX, cx);
      maxX = Math.max(maxX, cx);
      maxDepth = Math.max(maxDepth, depth.get(child)!);
    }
  }
  return {
    nodes: order.map((id) => [id, x.get(id)! - minX, depth.get(id)! * (NODE_H + GAP_Y)]),
    w: maxX - minX + NODE_W,
    h: maxDepth * (NODE_H + GAP_Y) + NODE_H,
  };
}

function layoutFlow(flow: LayoutFlow, out: Map<string, string[]>, signature: string): FlowLayout {
  if (flow.collapsed) return { signature, w: Math.max(COLLAPSED_W, 48 + flow.id.length * 9), h: COLLAPSED_H, nodes: [], parent: [] };
  const inFlow = new Set(flow.nodes);
  const hasParentInFlow = new Set<string>();
  for (const id of flow.nodes) for (const to of out.get(id) ?? []) if (inFlow.has(to) && to !== id) hasParentInFlow.add(to);
  // Trees start at the flow's start, then at nodes entered from elsewhere, then at whatever a cycle left out.
  const start = flow.start !== undefined && inFlow.has(flow.start) ? flow.start : flow.nodes[0];
  const roots = [start, ...flow.nodes.filter((id) => !hasParentInFlow.has(id)), ...flow.nodes];
  const seen = new Set<string>();
  const children = new Map<string, string[]>();
  const parent: [string, string][] = [];
  const trees: { root: string; placed: ReturnType<typeof placeTree> }[] = [];
  for (const root of roots) {
    if (root === undefined || seen.has(root)) continue;
    seen.add(root);
    const queue = [root];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i];
      for (const to of out.get(id) ?? []) {
        if (!inFlow.has(to) || seen.has(to)) continue;
        seen.add(to);
        queue.push(to);
        parent.push([to, id]);
        if (!children.has(id)) children.set(id, []);
        children.get(id)!.push(to);
      }
    }
    trees.push({ root, placed: placeTree(root, children) });
  }
  const boxes = trees.map((t) => ({ w: t.placed.w, h: t.placed.h, t }));
  const placed = packRows(boxes, rowWidth(boxes, TREE_GAP), TREE_GAP);
  const nodes: [string, number, number][] = [];
  let w = 0;
  let h = 0;
  for (const { item, x, y } of placed) {
    for (const [id, nx, ny] of item.t.placed.nodes) nodes.push([id, FLOW_PAD + x + nx, FLOW_HEAD + y + ny]);
    w = Math.max(w, x + item.w);
    h = Math.max(h, y + item.h);
  }
  // Wide enough for the flow's title (about 9 px a character at 14 px), also when it has no node.
  return { signature, w: Math.max(w + 2 * FLOW_PAD, 48 + flow.id.length * 9), h: h + FLOW_HEAD + FLOW_PAD, nodes, parent };
}

/** Per-flow layouts kept between calls, by flow id; a flow is laid out again only when its signature changes. */
export type LayoutCache = Map<string, FlowLayout>;

export function layoutGraph(input: LayoutInput, cache: LayoutCache = new Map()): Layout {
  const out = new Map<string, string[]>();
  for (const [from, to] of input.edges) {
    const list = out.get(from);
    if (!list) out.set(from, [to]);
    else if (!list.includes(to)) list.push(to);
  }
  const flowLayouts = input.flows.map((flow) => {
    const signature = `${flow.collapsed ? 'c' : 'o'}|${flow.start}|${flow.nodes.map((id) => `${id}>${(out.get(id) ?? []).join(',')}`).join(';')}`;
    let layout = cache.get(flow.id);
    if (layout?.signature !== signature) cache.set(flow.id, (layout = layoutFlow(flow, out, signature)));
    return { flow, layout, w: layout.w, h: layout.h };
  });
  const placed = packRows(flowLayouts, rowWidth(flowLayouts, FLOW_GAP), FLOW_GAP);
  const result: Layout = { flows: [], nodes: new Map(), parent: new Map(), width: 0, height: 0 };
  for (const { item, x, y } of placed) {
    result.flows.push({ id: item.flow.id, x, y, w: item.w, h: item.h, collapsed: !!item.flow.collapsed });
    for (const [id, nx, ny] of item.layout.nodes) result.nodes.set(id, { x: x + nx, y: y + ny });
    for (const [child, parent] of item.layout.parent) result.parent.set(child, parent);
    result.width = Math.max(result.width, x + item.w);
    result.height = Math.max(result.height, y + item.h);
  }
  return result;
}
