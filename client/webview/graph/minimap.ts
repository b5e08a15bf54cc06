/** The overview: every flow and node in small, the window as a rectangle; a click or a drag moves the window there. */
import type { GraphNode } from '../../../server/src/service/graph';
import type { Layout } from './layout';
import { NODE_H, NODE_W } from './layout';
import type { Viewport } from './viewport';

const WIDTH = 220;
const HEIGHT = 150;

/** The theme's colours the overview uses, read once per theme (reading styles while the drawing changes is slow). */
function themeColours() {
  const style = getComputedStyle(document.body);
  const colour = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    flow: colour('--vscode-sideBar-background', '#f3f3f3'),
    border: colour('--vscode-panel-border', '#c8c8c8'),
    node: colour('--vscode-descriptionForeground', '#717171'),
    error: colour('--vscode-editorError-foreground', '#e51400'),
    warning: colour('--vscode-editorWarning-foreground', '#bf8803'),
    window: colour('--vscode-focusBorder', '#0090f1'),
  };
}

export class Minimap {
  readonly canvas: HTMLCanvasElement;
  private base?: HTMLCanvasElement;
  private scale = 1;
  private layout?: Layout;
  private colours = themeColours();

  constructor(private readonly viewport: Viewport) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'minimap';
    this.canvas.width = WIDTH;
    this.canvas.height = HEIGHT;
    this.canvas.setAttribute('aria-hidden', 'true');
    this.canvas.title = 'Overview: click or drag to move';
    const move = (event: PointerEvent) => {
      if (!this.layout) return;
      const r = this.canvas.getBoundingClientRect();
      const x = (event.clientX - r.left) / this.scale;
      const y = (event.clientY - r.top) / this.scale;
      const { width, height } = viewport.size();
      viewport.set(viewport.zoom, width / 2 - x * viewport.zoom, height / 2 - y * viewport.zoom);
    };
    this.canvas.addEventListener('pointerdown', (event) => {
      this.canvas.setPointerCapture(event.pointerId);
      move(event);
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (this.canvas.hasPointerCapture(event.pointerId)) move(event);
    });
    viewport.onChange(() => this.drawWindow());
  }

  /** Draws flows and nodes once per layout (or theme change); the window is drawn over it on each move. */
  draw(layout: Layout, nodes: Map<string, GraphNode>, themeChanged = false): void {
    if (themeChanged) this.colours = themeColours();
    const colours = this.colours;
    this.layout = layout;
    this.scale = Math.min(WIDTH / Math.max(layout.width, 1), HEIGHT / Math.max(layout.height, 1));
    const base = document.createElement('canvas');
    base.width = WIDTH;
    base.height = HEIGHT;
    const g = base.getContext('2d')!;
    g.fillStyle = colours.flow;
    g.strokeStyle = colours.border;
    for (const f of layout.flows) {
      g.fillRect(f.x * this.scale, f.y * this.scale, f.w * this.scale, f.h * this.scale);
      g.strokeRect(f.x * this.scale, f.y * this.scale, f.w * this.scale, f.h * this.scale);
    }
    for (const [id, p] of layout.nodes) {
      const severity = nodes.get(id)?.severity;
      g.fillStyle = severity === 'error' ? colours.error : severity === 'warning' ? colours.warning : colours.node;
      g.fillRect(p.x * this.scale, p.y * this.scale, Math.max(1, NODE_W * this.scale), Math.max(1, NODE_H * this.scale));
    }
    this.base = base;
    this.drawWindow();
  }

  private drawWindow(): void {
    const g = this.canvas.getContext('2d')!;
    g.clearRect(0, 0, WIDTH, HEIGHT);
    if (!this.base) return;
    g.drawImage(this.base, 0, 0);
    const v = this.viewport.visible();
    g.strokeStyle = this.colours.window;
    g.lineWidth = 1.5;
    g.strokeRect(v.x * this.scale, v.y * this.scale, v.w * this.scale, v.h * this.scale);
  }
}
