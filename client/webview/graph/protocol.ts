/** The messages between the graph preview panel (client/src/graphPreview.ts) and its webview, and the webview's saved state. */
import type { GraphModel } from '../../../server/src/service/graph';

export type ToWebview =
  /** The graph of the bot that `uri` belongs to (the document the preview follows). */
  | { type: 'graph'; uri: string; graph: GraphModel }
  /** Nothing to show (yet), and why. */
  | { type: 'empty'; uri: string; message: string }
  /** The node under the editor's cursor. */
  | { type: 'select'; node: string }
  /** The way a simulator conversation took (nodes in the order visited), and where it waits; empty: none. */
  | { type: 'path'; nodes: string[]; current?: string };

export type FromWebview =
  | { type: 'ready' }
  /** Show this node in the editor. */
  | { type: 'reveal'; node: string }
  /** Save a picture: SVG text, or a PNG as a base64 data URL. */
  | { type: 'export'; format: 'svg' | 'png'; name: string; data: string }
  /** The graph is drawn: how many nodes it shows (those near the window are in the page), for logs and tests. */
  | { type: 'rendered'; nodes: number; layoutMs: number; drawMs: number };

/** What the webview keeps across reloads (`vscode.setState`); the serializer reads `uri` to reopen the preview. */
export interface WebviewState {
  uri?: string;
  locale?: string;
  zoom?: number;
  panX?: number;
  panY?: number;
  selected?: string;
  collapsed?: string[];
  flows?: string[];
  focusSteps?: number;
  focus?: boolean;
}

/** The custom LSP request that answers a bot's graph (server.ts; client/src/graphPreview.ts). */
export const GRAPH_REQUEST = 'botmaster/graph';
export interface GraphParams {
  /** A dialog file of the bot. */
  uri: string;
}
/** null when the server does not know the file (yet). */
export type GraphResult = GraphModel | null;
