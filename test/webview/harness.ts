/**
 * Runs a webview bundle (the graph preview's dist/webview/graph.js, the simulator's dist/webview/simulator.js) in
 * headless Chromium, in the page the extension makes (same HTML, same Content-Security-Policy), served from a stand-in
 * webview origin, with a stand-in for the VS Code API that records what the webview posts and keeps its state. Every
 * other request is refused and recorded. Used by test/webview/*.test.ts and bench/graph.mjs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { makeNonce, pageHtml } from '../../client/webview/graph/page';
import type { FromWebview, ToWebview, WebviewState } from '../../client/webview/graph/protocol';
import type * as Simulator from '../../client/webview/simulator/protocol';

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
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** A webview page with the messages and state of one protocol. */
export interface WebviewPage<To, From, State> {
  page: Page;
  /** Requests the page made that are not the webview's own files. */
  refused: string[];
  /** Errors thrown or logged in the page, and Content-Security-Policy violations. */
  problems(): Promise<string[]>;
  send(message: To): Promise<void>;
  posted(): Promise<From[]>;
  state(): Promise<State | undefined>;
}

export type SimulatorWebview = WebviewPage<Simulator.ToWebview, Simulator.FromWebview, Simulator.WebviewState>;

export interface Webview extends WebviewPage<ToWebview, FromWebview, WebviewState> {
  /** Waits for the n-th `rendered` message (1-based) and returns it. */
  rendered(n?: number): Promise<Extract<FromWebview, { type: 'rendered' }>>;
  /** How many workers the page started and how many answers came back from them. */
  workers(): Promise<{ started: number; answers: number }>;
}

/** Opens the graph preview's page; `state` is what `getState()` answers (a reload after a window reload). */
export async function openWebview(browser: Browser, options: { state?: WebviewState; width?: number; height?: number } = {}): Promise<Webview> {
  const { page, base } = await openPage(browser, 'graph', options);
  const webview: Webview = {
    ...(base as WebviewPage<ToWebview, FromWebview, WebviewState>),
    async rendered(n = 1) {
      const handle = await page.waitForFunction(
        (count) => (window as unknown as { __posted: FromWebview[] }).__posted.filter((m) => m.type === 'rendered')[count - 1],
        n,
        { timeout: 60_000 },
      );
      return (await handle.jsonValue()) as Extract<FromWebview, { type: 'rendered' }>;
    },
    workers: () => page.evaluate(() => (window as unknown as { __workers: { started: number; answers: number } }).__workers),
  };
  return webview;
}

/** Opens the simulator's page. */
export async function openSimulatorWebview(browser: Browser, options: { state?: Simulator.WebviewState; width?: number; height?: number } = {}): Promise<SimulatorWebview> {
  return (await openPage(browser, 'simulator', options)).base as SimulatorWebview;
}

async function openPage(
  browser: Browser,
  bundle: 'graph' | 'simulator',
  options: { state?: unknown; width?: number; height?: number },
): Promise<{ page: Page; base: WebviewPage<unknown, unknown, unknown> }> {
  if (!fs.existsSync(path.join(DIST, `${bundle}.js`))) throw new Error(`dist/webview/${bundle}.js is missing: run \`npm run build\` first`);
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 } });
  const page = await context.newPage();
  const refused: string[] = [];
  const errors: string[] = [];
  const nonce = makeNonce();
  const files: Record<string, { type: string; body: string }> = {
    '/index.html': { type: 'text/html', body: pageHtml({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/${bundle}.js`, styleUri: `${ORIGIN}/${bundle}.css` }) },
    [`/${bundle}.js`]: { type: 'text/javascript', body: fs.readFileSync(path.join(DIST, `${bundle}.js`), 'utf8') },
    [`/${bundle}.css`]: { type: 'text/css', body: fs.readFileSync(path.join(DIST, `${bundle}.css`), 'utf8') },
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
  const base: WebviewPage<unknown, unknown, unknown> = {
    page,
    refused,
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    state: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
    async problems() {
      const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
      return [...errors, ...violations.map((v) => `csp: ${v}`)];
    },
  };
  return { page, base };
}
