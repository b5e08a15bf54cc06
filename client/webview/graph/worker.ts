/**
 * The layout worker: lays out what the panel shows off the UI thread. Keeps one cache per view ("graph" and "focus"),
 * so that an edit lays out again only the flows it changed.
 */
import { layoutGraph } from './layout';
import type { LayoutCache, LayoutInput } from './layout';

export interface LayoutRequest {
  id: number;
  cache: 'graph' | 'focus';
  input: LayoutInput;
}

export interface LayoutReply {
  id: number;
  ms: number;
  flows: ReturnType<typeof layoutGraph>['flows'];
  nodes: [string, number, number][];
  parent: [string, string][];
  width: number;
  height: number;
}

const caches: Record<LayoutRequest['cache'], LayoutCache> = { graph: new Map(), focus: new Map() };

/** Lays out a request; also used on the UI thread when no worker can start. */
export function answer(request: LayoutRequest, cache = caches[request.cache]): LayoutReply {
  const started = performance.now();
  const layout = layoutGraph(request.input, cache);
  const nodes: [string, number, number][] = [];
  for (const [id, p] of layout.nodes) nodes.push([id, p.x, p.y]);
  return { id: request.id, ms: performance.now() - started, flows: layout.flows, nodes, parent: [...layout.parent], width: layout.width, height: layout.height };
}

// In a worker (not when the panel imports `answer` as its fallback).
if (typeof document === 'undefined' && typeof self !== 'undefined' && typeof (self as { postMessage?: unknown }).postMessage === 'function') {
  self.onmessage = (event: MessageEvent<LayoutRequest>) => {
    (self as unknown as Worker).postMessage(answer(event.data));
  };
}
