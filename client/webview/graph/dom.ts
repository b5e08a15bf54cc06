/** Builds DOM elements. Text is only ever set through text nodes: bot content can never become markup. */
import type { Attrs, SvgBuilder } from './draw';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Makes SVG elements (for draw.ts). */
export const svgDom: SvgBuilder<Element> = {
  el(tag, attrs, children = []) {
    const element = document.createElementNS(SVG_NS, tag);
    for (const name in attrs) {
      const value = attrs[name];
      if (value !== undefined) element.setAttribute(name, String(value));
    }
    for (const child of children) element.append(typeof child === 'string' ? document.createTextNode(child) : child);
    return element;
  },
};

/** Makes an HTML element with attributes and children (a string child is text). */
export function html<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const name in attrs) {
    const value = attrs[name];
    if (value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return element;
}
