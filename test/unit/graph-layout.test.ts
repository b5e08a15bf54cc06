import * as assert from 'node:assert/strict';
import { layoutGraph, NODE_H, NODE_W } from '../../client/webview/graph/layout';
import type { Layout, LayoutInput } from '../../client/webview/graph/layout';
import { exampleGraph } from '../webview/exampleGraph';

function inputOf(graph: ReturnType<typeof exampleGraph>, collapsed: string[] = []): LayoutInput {
  return {
    flows: graph.flows.map((f) => ({ id: f.id, nodes: f.nodes, start: f.start, collapsed: collapsed.includes(f.id) })),
    edges: graph.edges.map((e) => [e.from, e.to]),
  };
}

function overlaps(layout: Layout): string[] {
  const boxes = [...layout.nodes].map(([id, p]) => ({ id, ...p }));
  const found: string[] = [];
  boxes.sort((a, b) => a.x - b.x);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length && boxes[j].x < boxes[i].x + NODE_W; j++) {
      if (Math.abs(boxes[i].y - boxes[j].y) < NODE_H) found.push(`${boxes[i].id}/${boxes[j].id}`);
    }
  }
  return found;
}

describe('graph layout', () => {
  const support = exampleGraph('support');

  it('places every node of the support bot once, without overlaps, inside its flow', () => {
    const layout = layoutGraph(inputOf(support));
    assert.equal(layout.nodes.size, support.nodes.length);
    assert.deepEqual(overlaps(layout), []);
    for (const node of support.nodes) {
      const p = layout.nodes.get(node.id)!;
      const box = layout.flows.find((f) => f.id === node.flow)!;
      assert.ok(p.x >= box.x && p.y >= box.y && p.x + NODE_W <= box.x + box.w && p.y + NODE_H <= box.y + box.h, node.id);
    }
    for (let i = 0; i < layout.flows.length; i++) {
      for (let j = i + 1; j < layout.flows.length; j++) {
        const [a, b] = [layout.flows[i], layout.flows[j]];
        assert.ok(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y, `${a.id} and ${b.id} overlap`);
      }
    }
  });

  it('draws each tree edge downwards, from a parent in the same flow, and starts a flow at its start node', () => {
    const layout = layoutGraph(inputOf(support));
    assert.ok(layout.parent.size > 50);
    for (const [child, parent] of layout.parent) {
      assert.ok(layout.nodes.get(child)!.y > layout.nodes.get(parent)!.y, `${parent} -> ${child}`);
      assert.equal(support.nodes.find((n) => n.id === child)!.flow, support.nodes.find((n) => n.id === parent)!.flow);
    }
    const start = layout.nodes.get('track_start')!;
    const ordersNodes = support.nodes.filter((n) => n.flow === 'orders').map((n) => layout.nodes.get(n.id)!);
    assert.equal(start.y, Math.min(...ordersNodes.map((p) => p.y)), 'the start is in the top row');
    assert.deepEqual(ordersNodes.filter((p) => p.y === start.y && p.x < start.x), [], 'the start tree comes first, on the left');
  });

  it('a collapsed flow is one box and its nodes are not placed', () => {
    const layout = layoutGraph(inputOf(support, ['orders']));
    assert.equal(layout.nodes.has('track_start'), false);
    assert.equal(layout.flows.find((f) => f.id === 'orders')!.collapsed, true);
    assert.equal(layout.nodes.size, support.nodes.filter((n) => n.flow !== 'orders').length);
  });

  it('lays out again only the flows whose shape changed', () => {
    const cache = new Map();
    layoutGraph(inputOf(support), cache);
    const before = new Map(cache);
    const input = inputOf(support);
    input.edges = input.edges.filter(([from]) => from !== 'track_start');
    layoutGraph(input, cache);
    const changed = [...cache].filter(([id, layout]) => before.get(id) !== layout).map(([id]) => id);
    assert.deepEqual(changed, ['orders']);
  });

  it('keeps a flow of thousands of nodes in one piece, fast', () => {
    const nodes = Array.from({ length: 3000 }, (_, i) => `n${i}`);
    const edges: [string, string][] = nodes.slice(1).map((id, i) => [`n${Math.floor(i / 3)}`, id]);
    const started = performance.now();
    const layout = layoutGraph({ flows: [{ id: 'big', nodes }], edges });
    const ms = performance.now() - started;
    assert.equal(layout.nodes.size, 3000);
    assert.deepEqual(overlaps(layout), []);
    assert.ok(ms < 2000, `${ms} ms`);
  });
});
