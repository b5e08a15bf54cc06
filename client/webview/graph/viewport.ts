/**
 * Pan and zoom of the drawing: one transform on the viewport group; only the flows near the window are drawn and in the
 * document (hidden elements still cost style and layout in Chromium: 8,000 texts under `display: none` took 200 ms),
 * and less text is shown when zoomed out (labels that could not be read).
 */
import type { FlowBox } from './layout';

export const MIN_ZOOM = 0.04;
export const MAX_ZOOM = 2.5;
/** Below these zoom levels, small text is hidden, and then flows are drawn as boxes (their overview). */
const FAR = 0.5;
const TINY = 0.22;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export class Viewport {
  zoom = 1;
  panX = 0;
  panY = 0;
  private boxes: { box: FlowBox; element: () => Element; overview: () => Element; attached?: Element }[] = [];
  private frame = 0;
  private listeners: (() => void)[] = [];
  /**
   * The window's size, kept from the resize observer: asking the element would force a layout of the whole drawing,
   * hidden flows included (seconds at thousands of nodes).
   */
  private width: number;
  private height: number;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly group: SVGGElement,
    /** Where the flows in the window are attached. */
    private readonly flowLayer: SVGGElement,
  ) {
    const r = svg.getBoundingClientRect(); // still empty: cheap
    this.width = r.width || 800;
    this.height = r.height || 600;
    new ResizeObserver(([entry]) => {
      this.width = entry.contentRect.width || this.width;
      this.height = entry.contentRect.height || this.height;
      this.apply();
    }).observe(svg);
  }

  /**
   * The flows, with a function that gives each one's drawing: a flow is drawn when it first comes near the window,
   * and attached to the document only while it is there.
   */
  setFlows(flows: { box: FlowBox; element: () => Element; overview: () => Element }[]): void {
    this.flowLayer.replaceChildren();
    this.boxes = flows.map((f) => ({ ...f }));
    this.drawAhead(this.boxes);
  }

  /** Far away, flows are drawn as their overview (boxes only); closer, in full. */
  get far(): boolean {
    return this.zoom < TINY;
  }

  /** Draws the flows that are not in view while the page is idle, so that zooming out later does not stall. */
  private drawAhead(boxes: typeof this.boxes): void {
    let next = 0;
    const step = (deadline: IdleDeadline) => {
      if (boxes !== this.boxes) return; // a newer drawing replaced these
      while (next < boxes.length && deadline.timeRemaining() > 4) boxes[next++].element();
      if (next < boxes.length) requestIdleCallback(step);
    };
    requestIdleCallback(step);
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  size(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  /** The part of the graph in the window, in graph coordinates. */
  visible(): Rect {
    const { width, height } = this.size();
    return { x: -this.panX / this.zoom, y: -this.panY / this.zoom, w: width / this.zoom, h: height / this.zoom };
  }

  toGraph(clientX: number, clientY: number): { x: number; y: number } {
    const r = this.svg.getBoundingClientRect();
    return { x: (clientX - r.left - this.panX) / this.zoom, y: (clientY - r.top - this.panY) / this.zoom };
  }

  set(zoom: number, panX: number, panY: number): void {
    this.zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
    this.panX = panX;
    this.panY = panY;
    this.schedule();
  }

  panBy(dx: number, dy: number): void {
    this.set(this.zoom, this.panX + dx, this.panY + dy);
  }

  /** Zooms by `factor` keeping the graph point under (clientX, clientY) in place. */
  zoomAt(factor: number, clientX: number, clientY: number): void {
    const r = this.svg.getBoundingClientRect();
    const p = this.toGraph(clientX, clientY);
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.zoom * factor));
    this.set(zoom, clientX - r.left - p.x * zoom, clientY - r.top - p.y * zoom);
  }

  /** The zoom that shows the whole rectangle, at most `maxZoom`. */
  fitZoom(rect: Rect, maxZoom = 1): number {
    const { width, height } = this.size();
    const margin = 24;
    const zoom = Math.min(maxZoom, (width - 2 * margin) / Math.max(rect.w, 1), (height - 2 * margin) / Math.max(rect.h, 1));
    return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
  }

  /** Shows the whole rectangle, at most at `maxZoom`. */
  fit(rect: Rect, maxZoom = 1): void {
    const { width, height } = this.size();
    const z = this.fitZoom(rect, maxZoom);
    this.set(z, (width - rect.w * z) / 2 - rect.x * z, (height - rect.h * z) / 2 - rect.y * z);
  }

  /** Pans so that the rectangle is in the window, if it is not already; zooms in if it would be unreadable. */
  bringIntoView(rect: Rect, minZoom = 0.6): void {
    const v = this.visible();
    const inside = rect.x >= v.x && rect.y >= v.y && rect.x + rect.w <= v.x + v.w && rect.y + rect.h <= v.y + v.h;
    if (inside && this.zoom >= minZoom) return;
    const zoom = Math.max(this.zoom, minZoom);
    const { width, height } = this.size();
    this.set(zoom, width / 2 - (rect.x + rect.w / 2) * zoom, height / 2 - (rect.y + rect.h / 2) * zoom);
  }

  /** Applies the change at the next frame (many wheel or pointer events make one repaint). */
  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.apply();
    });
  }

  /** Applies now (tests and the first paint). */
  apply(): void {
    this.group.setAttribute('transform', `translate(${this.panX},${this.panY}) scale(${this.zoom})`);
    this.svg.classList.toggle('zoom-far', this.zoom < FAR);
    this.svg.classList.toggle('zoom-tiny', this.zoom < TINY);
    this.svg.style.setProperty('--zoom', String(this.zoom));
    const v = this.visible();
    const margin = 200 / this.zoom;
    for (const entry of this.boxes) {
      const { box } = entry;
      const shown = box.x < v.x + v.w + margin && box.x + box.w > v.x - margin && box.y < v.y + v.h + margin && box.y + box.h > v.y - margin;
      const wanted = shown ? (this.far ? entry.overview() : entry.element()) : undefined;
      if (wanted === entry.attached) continue;
      entry.attached?.remove();
      entry.attached = wanted;
      if (wanted) this.flowLayer.append(wanted);
    }
    for (const listener of this.listeners) listener();
  }
}
