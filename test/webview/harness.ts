/**
 * Runs the graph preview's webview bundle (dist/webview/graph.js) in headless Chromium, in the page the extension
 * makes (same HTML, same Content-Security-Policy), served from a stand-in webview origin, with a stand-in for the
 * VS Code API that records what the webview posts and keeps its state. Every other request is refused and recorded.
 * Used by test/webview/*.test.ts and bench/graph.mjs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { makeNonce, pageHtml } from '../../client/webview/graph/page';
import type { FromWebview, ToWebview, WebviewState } from '../../client/webview/graph/protocol';

export const ORIGIN = 'https://webview.botmaster.test';
/** The repository: the folder above this bundle (out/test/webview/, out/bench/...) that holds client/webview. */
function repository(): string {
  for (let folder = __dirname; ; folder = path.dirname(folder)) {
    if (fs.existsSync(path.join(folder, 'client', 'webview', 'graph'))) return folder;
    if (path.dirname(folder) === folder) throw new Error(`no repository above ${__dirname}`);
  }
}
const DIST = path.join(repository(), 'dist', 'webview');
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export async function launch(): Promise<Browser> {
  if (!fs.existsSync(path.join(DIST, 'graph.js'))) throw new Error('dist/webview/graph.js is missing: run `npm run build` first');
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export interface Webview {
  page: Page;
  /** Requests the page made that are not the webview's own files. */
  refused: string[];
  /** Errors thrown or logged in the page, and Content-Security-Policy violations. */
  problems(): Promise<string[]>;
  send(message: ToWebview): Promise<void>;
  posted(): Promise<FromWebview[]>;
  state(): Promise<WebviewState | undefined>;
  /** Waits for the n-th `rendered` message (1-based) and returns it. */
  rendered(n?: number): Promise<Extract<FromWebview, { type: 'rendered' }>>;
  /** How many workers the page started and how many answers came back from them. */
  workers(): Promise<{ started: number; answers: number }>;
}

/** Opens the webview page; `state` is what `getState()` answers (a reload after a window reload). */
export async function openWebview(browser: Browser, options: { state?: WebviewState; width?: number; height?: number } = {}): Promise<Webview> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 } });
  const page = await context.newPage();
  const refused: string[] = [];
  const errors: string[] = [];
  const nonce = makeNonce();
  const files: Record<string, { type: string; body: string }> = {
    '/index.html': { type: 'text/html', body: pageHtml({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/graph.js`, styleUri: `${ORIGIN}/graph.css` }) },
    '/graph.js': { type: 'text/javascript', body: fs.readFileSync(path.join(DIST, 'graph.js'), 'utf8') },
    '/graph.css': { type: 'text/css', body: fs.readFileSync(path.join(DIST, 'graph.css'), 'utf8') },
  };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const file = url.origin === ORIGIN ? files[url.pathname] : undefined;
    if (file) return route.fulfill({ status: 200, contentType: file.type, body: file.body });
    refused.push(route.request().url());
    return route.abort();
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  // The stand-in for the VS Code API, and counters for the worker and for policy violations (run before the page's script).
  await page.addInitScript((initial) => {
    const w = window as unknown as Record<string, unknown>;
    w.__posted = [];
    w.__state = initial;
    w.__workers = { started: 0, answers: 0 };
    w.__violations = [];
    w.acquireVsCodeApi = () => ({
      postMessage: (message: unknown) => (w.__posted as unknown[]).push(message),
      getState: () => w.__state,
      setState: (state: unknown) => (w.__state = state),
    });
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(url: string | URL, opts?: WorkerOptions) {
        super(url, opts);
        (w.__workers as { started: number }).started++;
        this.addEventListener('message', () => (w.__workers as { answers: number }).answers++);
      }
    };
    document.addEventListener('securitypolicyviolation', (e) => (w.__violations as string[]).push(`${e.violatedDirective} ${e.blockedURI}`));
  }, options.state);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => ((window as unknown as { __posted: { type: string }[] }).__posted ?? []).some((m) => m.type === 'ready'));
  const webview: Webview = {
    page,
    refused,
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: () => page.evaluate(() => (window as unknown as { __posted: FromWebview[] }).__posted),
    state: () => page.evaluate(() => (window as unknown as { __state: WebviewState | undefined }).__state),
    async rendered(n = 1) {
      const handle = await page.waitForFunction(
        (count) => (window as unknown as { __posted: FromWebview[] }).__posted.filter((m) => m.type === 'rendered')[count - 1],
        n,
        { timeout: 60_000 },
      );
      return (await handle.jsonValue()) as Extract<FromWebview, { type: 'rendered' }>;
    },
    workers: () => page.evaluate(() => (window as unknown as { __workers: { started: number; answers: number } }).__workers),
    async problems() {
      const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
      return [...errors, ...violations.map((v) => `csp: ${v}`)];
    },
  };
  return webview;
}
