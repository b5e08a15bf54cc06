#!/usr/bin/env node
// End-to-end tests of the Botmaster extension in a real VS Code: code-server (VS Code 1.100 server + web workbench)
// driven by playwright-core with the system's Chromium. Self-contained: it bundles the mocha suite itself.
//
//   node test/e2e/run.mjs [--extension DIR] [--workspace DIR] [--broken FILE_OR_DIR] [--example FILE]
//                         [--only tests|ui] [--timeout SECONDS] [--verbose]
//
// 1. extension tests: the extension under development (--extension, default: the repo) is loaded through the
//    workbench URL payload, with test/e2e/suite (bundled to out/test/e2e/) as extensionTestsPath and --workspace
//    (default: examples/) as the folder. The mocha output arrives as browser console messages; the workbench calls
//    window.codeAutomationExit(code) when the run ends.
// 2. UI test, in fresh pages where the extension is "installed" in place (extensions.json points at --extension):
//    opens a file of --broken (default: examples/broken/) with Quick Open, opens the Problems panel (Ctrl+Shift+M)
//    and checks that botmaster diagnostics are listed -> .vscode-test/screenshots/problems.png; then opens a clean
//    example (--example, default: examples/support/flows/main.bot.yaml) -> .vscode-test/screenshots/editor.png.
//
// Environment: BOTMASTER_E2E_GREP (mocha grep), BOTMASTER_E2E_TIMEOUT (seconds, default 240), VSCODE_TEST_DIR
// (default .vscode-test), CHROMIUM_PATH (default /usr/bin/chromium).
// Needs scripts/code-server/install.sh to have run (it is run automatically when code-server is missing).
// code-server and its process group are always killed at the end; a global timeout makes sure nothing hangs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SourceMap } from 'node:module';
import { ensureCodeServer as ensureCodeServerInstalled, killGroup as killCodeServerGroup, launchCodeServer } from '../../scripts/code-server/launch.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({
  options: {
    extension: { type: 'string', default: REPO },
    workspace: { type: 'string', default: path.join(REPO, 'examples') },
    broken: { type: 'string', default: path.join(REPO, 'examples', 'broken') },
    example: { type: 'string' },
    only: { type: 'string' },
    timeout: { type: 'string', default: process.env.BOTMASTER_E2E_TIMEOUT ?? '240' },
    verbose: { type: 'boolean', default: false },
  },
});
const EXTENSION = path.resolve(opts.extension);
const WORKSPACE = path.resolve(opts.workspace);
const BASE = path.resolve(process.env.VSCODE_TEST_DIR ?? path.join(REPO, '.vscode-test'));
const SCREENSHOTS = path.join(BASE, 'screenshots');
const OUT = path.join(REPO, 'out', 'test', 'e2e');
/** Where the simulator UI test saves a transcript: what the save dialog offers for the support bot. */
const SAVED_TRANSCRIPT = path.join(WORKSPACE, 'support', 'Acme-Shop-support-conversation.md');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];
const VIEWPORT = { width: 1400, height: 860 };
if (opts.only && !['tests', 'ui'].includes(opts.only)) {
  console.error(`--only must be "tests" or "ui", not "${opts.only}"`);
  process.exit(2);
}
const runTests = opts.only !== 'ui';
const runUi = opts.only !== 'tests';

const t0 = Date.now();
const secs = (from = t0) => `${((Date.now() - from) / 1000).toFixed(1)}s`;
const log = (message) => console.log(`[e2e ${secs()}] ${message}`);
const failures = [];
let codeServer;
let browser;

// ------------------------------------------------------------------ cleanup and the global timeout
let cleanedUp = false;
async function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  try {
    await browser?.close();
  } catch {
    /* the browser may already be gone */
  }
  if (codeServer && codeServer.exitCode === null && codeServer.signalCode === null) {
    const exited = new Promise((resolve) => codeServer.once('exit', resolve));
    killGroup('SIGTERM');
    const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), 5000));
    if ((await Promise.race([exited, timer])) === 'timeout') killGroup('SIGKILL');
  }
  // Extension hosts and other helpers share code-server's process group; make sure none survived.
  killGroup('SIGKILL');
  // The suite's throwaway bot (test/e2e/suite/extension.test.ts), if a run was cut short before its after().
  fs.rmSync(path.join(WORKSPACE, '_e2e_tmp'), { recursive: true, force: true });
  // The transcript the simulator UI test saves, likewise.
  fs.rmSync(SAVED_TRANSCRIPT, { force: true });
}
function killGroup(signal) {
  killCodeServerGroup(codeServer, signal);
}
async function finish(code) {
  await cleanup();
  log(code === 0 ? 'PASSED' : `FAILED:\n  - ${failures.join('\n  - ')}`);
  process.exit(code);
}
const globalTimeout = setTimeout(() => {
  failures.push(`global timeout of ${opts.timeout}s reached`);
  void finish(1);
}, Number(opts.timeout) * 1000);
globalTimeout.unref();
// Last resort, synchronous: whatever way this process ends, code-server's process group goes with it.
process.on('exit', () => killGroup('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    failures.push(`interrupted by ${signal}`);
    void finish(130);
  });
}

// ------------------------------------------------------------------ helpers
/** Finds *.bot.yaml / *.bot.yml files below dir (no node_modules, no dot folders), sorted. */
function botFiles(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.bot\.ya?ml$/.test(entry.name)) found.push(full);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found.sort();
}

// Browser console messages that are expected in this offline sandbox and say nothing about the extension.
const CONSOLE_NOISE = /open-vsx\.org|Failed to load resource|Long running operations during shutdown|Unable to resolve nonexistent file|allow-scripts and allow-same-origin|same-origin iframe/;
const E2E_MARKER = '[e2e] '; // see test/e2e/suite/log.ts

/**
 * Streams a page's console: the test output (marked lines) always, errors unless known noise, the rest with
 * --verbose. Calls onTestLine for each line of test output.
 */
function streamConsole(page, name, onTestLine = () => {}, mapLine = (line) => line) {
  page.on('console', (message) => {
    const text = mapLine(message.text());
    const at = text.indexOf(E2E_MARKER);
    if (at >= 0) {
      const line = text.slice(at + E2E_MARKER.length);
      onTestLine(line);
      console.log(`  │ ${line}`);
      return;
    }
    if (opts.verbose || (message.type() === 'error' && !CONSOLE_NOISE.test(text))) {
      const plain = text.replace(/%c/g, '').replace(/\s*color: #[0-9a-f]+/gi, '').trim();
      console.log(`  · [${name} ${message.type()}] ${plain.split('\n').slice(0, opts.verbose ? undefined : 6).join('\n      ')}`);
    }
  });
}

function workbenchUrl(base, folder, payload) {
  let url = `${base}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

async function newPage(name) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.on('pageerror', (error) => opts.verbose && log(`[${name} pageerror] ${error.message}`));
  if (name !== 'tests') streamConsole(page, name);
  return page;
}

async function waitForWorkbench(page) {
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
  await page.waitForTimeout(1500); // keybindings are not all registered when the explorer first renders
}

/** Opens a file of the workspace with Quick Open (Ctrl+P) and waits for its editor tab. */
async function quickOpen(page, relativePath) {
  const name = path.basename(relativePath);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(relativePath);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
}

/** Runs a command from the command palette (Ctrl+Shift+P) by its title. */
async function runCommand(page, command) {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${command}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: command.replace(/^.*: /, '') }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/**
 * Reloads the window as a user does, with "Developer: Reload Window": the workbench saves its state (open editors,
 * webview panels) before the page goes. (A bare page reload raced that save: once in a while the editors did not
 * come back.)
 */
async function reloadWindow(page) {
  const loaded = page.waitForEvent('load', { timeout: 60_000 });
  await runCommand(page, 'Developer: Reload Window');
  await loaded;
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
}

/** The language shown in the status bar for the active editor ("Botmaster" once the language is contributed). */
async function statusBarLanguage(page) {
  const item = page.locator('[id="status.editor.mode"]');
  return (await item.count()) ? (await item.first().innerText()).trim() : '';
}

/**
 * The broken file the UI test opens when given a folder: one with unresolved references if there is one (a goto
 * to nowhere is the most telling picture), else the first file that is not a manifest (those are usually clean).
 */
function pickBrokenFile(dir) {
  const files = botFiles(dir);
  return (
    files.find((f) => /unknown-ref/.test(path.basename(f))) ??
    files.find((f) => path.basename(f) !== 'bot.bot.yaml' && fs.statSync(f).size > 0) ??
    files[0]
  );
}

// ------------------------------------------------------------------ 0. preconditions and the bundle
function checkExtension() {
  const manifestPath = path.join(EXTENSION, 'package.json');
  if (!fs.existsSync(manifestPath)) throw new Error(`no package.json in --extension ${EXTENSION}`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  if (!manifest.main) throw new Error(`${manifestPath} has no "main"`);
  const main = path.resolve(EXTENSION, manifest.main);
  if (!fs.existsSync(main) && !fs.existsSync(`${main}.js`)) {
    throw new Error(`the extension entry ${path.relative(REPO, main) || main} does not exist: run \`npm run build\` first`);
  }
  return `${manifest.publisher}.${manifest.name}`;
}

async function bundleSuite() {
  const started = Date.now();
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(REPO, 'test', 'e2e', 'suite', 'index.ts')],
    outdir: path.join(OUT, 'suite'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'external', // read back by sourceMapper(): the extension host does not apply source maps
    logLevel: 'warning',
    // mocha's parallel mode (unused here) resolves worker files at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  log(`bundled the mocha suite into ${path.relative(REPO, OUT)}/suite/index.js in ${secs(started)}`);
  return path.join(OUT, 'suite', 'index.js');
}

/**
 * Rewrites `.../out/test/e2e/suite/index.js:LINE:COL` in test output to the TypeScript source position, since
 * VS Code's own Error.prepareStackTrace in the extension host ignores source maps.
 */
function sourceMapper(bundle) {
  let map;
  try {
    map = new SourceMap(JSON.parse(fs.readFileSync(`${bundle}.map`, 'utf8')));
  } catch {
    return (line) => line;
  }
  const escaped = bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g');
  return (line) =>
    line.replace(pattern, (whole, row, column) => {
      const entry = map.findEntry(Number(row) - 1, Number(column) - 1);
      if (!entry?.originalSource) return whole;
      const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(bundle), entry.originalSource);
      return `${path.relative(REPO, source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    });
}

function ensureCodeServer() {
  ensureCodeServerInstalled(BASE, log);
}

// ------------------------------------------------------------------ 1. code-server
async function startCodeServer() {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const started = Date.now();
  const launched = await launchCodeServer({
    base: BASE,
    extension: EXTENSION,
    // Seen by the extension host (a child of code-server), e.g. to grep the mocha suite.
    env: { BOTMASTER_E2E_GREP: process.env.BOTMASTER_E2E_GREP ?? '' },
  });
  codeServer = launched.child;
  log(`code-server (pid ${codeServer.pid}) listens on ${launched.url} after ${secs(started)}; log: ${path.relative(REPO, launched.logFile)}`);
  return { url: launched.url, port: launched.port };
}

// ------------------------------------------------------------------ 2a. extension tests
async function extensionTests({ url, port }, testsBundle) {
  const started = Date.now();
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(EXTENSION)],
    ['extensionTestsPath', remote(testsBundle)],
  ];
  const page = await newPage('tests');
  const lines = [];
  let summary;
  let resolveExit;
  const exit = new Promise((resolve) => (resolveExit = resolve));
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
  streamConsole(
    page,
    'tests',
    (line) => {
      lines.push(line);
      const match = /^\[e2e-summary\] (.*)$/.exec(line.trim());
      if (match) summary = JSON.parse(match[1]);
    },
    sourceMapper(testsBundle),
  );
  log(`extension tests: ${path.relative(REPO, EXTENSION) || '.'} in ${path.relative(REPO, WORKSPACE) || WORKSPACE}`);
  await page.goto(workbenchUrl(url, WORKSPACE, payload));
  // A payload the workbench ignores (wrong URI, a code-server that needs --vscode-option enable-smoke-test-driver)
  // gives a normal window and no test output at all: fail early instead of waiting for the whole timeout.
  const silence = new Promise((resolve) => {
    const timer = setInterval(() => {
      if (lines.length > 0) clearInterval(timer);
      else if (Date.now() - started > 60_000) {
        clearInterval(timer);
        resolve('silent');
      }
    }, 500);
    timer.unref();
  });
  const code = await Promise.race([exit, silence, new Promise((resolve) => setTimeout(() => resolve('timeout'), 150_000))]);
  const mochaSummary = lines.filter((l) => /^\s*\d+ (passing|failing|pending)\b/.test(l)).map((l) => l.trim());
  log(`extension tests finished in ${secs(started)}: exit code ${code}; ${mochaSummary.join(', ') || 'no mocha summary'}`);
  if (code === 'silent') failures.push('extension tests: no test output within 60 s: the suite did not load (was the payload ignored? see .vscode-test/user-data/logs/)');
  else if (code === 'timeout') failures.push('extension tests: codeAutomationExit was not called within 150 s');
  else if (code !== 0) failures.push(`extension tests: exit code ${code} (${mochaSummary.join(', ') || 'no mocha summary'})`);
  if (!summary) failures.push('extension tests: no test summary arrived (did the suite load?)');
  else if (summary.passes === 0) failures.push('extension tests: no test ran');
  await page.context().close();
}

// ------------------------------------------------------------------ 2b. UI test: Problems panel and screenshots
async function uiTests({ url }) {
  const started = Date.now();
  const brokenArg = path.resolve(opts.broken);
  if (!fs.existsSync(brokenArg)) {
    failures.push(`UI: ${path.relative(REPO, brokenArg)} does not exist`);
    return;
  }
  const brokenGiven = fs.statSync(brokenArg).isFile();
  const brokenFolder = brokenGiven ? path.dirname(brokenArg) : brokenArg;
  const brokenFile = brokenGiven ? brokenArg : pickBrokenFile(brokenArg);
  if (!brokenFile) {
    failures.push(`UI: no *.bot.yaml file in ${brokenArg}`);
    return;
  }
  const relative = path.relative(brokenFolder, brokenFile);
  log(`UI: opening ${path.relative(REPO, brokenFile)} in folder ${path.relative(REPO, brokenFolder)}`);

  let page = await newPage('ui-problems');
  try {
    await page.goto(workbenchUrl(url, brokenFolder));
    await waitForWorkbench(page);
    await quickOpen(page, relative);
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
    // Only this file's problems: the server may also report the other broken files of the folder.
    const filter = page.locator('input[aria-label="Filter Problems"]').first();
    await filter.fill(`**/${path.basename(brokenFile)}`);
    const rows = panel.locator('.monaco-list-row', { hasText: 'botmaster' });
    try {
      await rows.first().waitFor({ timeout: 30_000 });
    } catch {
      /* reported below with what the panel shows */
    }
    // The server may publish in several rounds: wait until the row count holds still for a second (at most 8 s).
    for (let last = -1, stable = 0, until = Date.now() + 8000; stable < 4 && Date.now() < until; ) {
      await page.waitForTimeout(250);
      const count = await rows.count();
      stable = count === last ? stable + 1 : 0;
      last = count;
    }
    const texts = (await panel.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'problems.png') });
    const botRows = texts.filter((t) => t.includes('botmaster'));
    log(`UI: Problems panel rows (${texts.length}):\n    ${texts.join('\n    ') || '(none)'}`);
    if (botRows.length === 0) failures.push(`UI: no botmaster row in the Problems panel for ${path.relative(REPO, brokenFile)} (language in the status bar: "${await statusBarLanguage(page)}")`);
    else log(`UI: ${botRows.length} botmaster problem(s) listed; screenshot ${path.relative(REPO, path.join(SCREENSHOTS, 'problems.png'))}`);
  } catch (error) {
    await page.screenshot({ path: path.join(SCREENSHOTS, 'problems-failure.png') }).catch(() => {});
    failures.push(`UI (problems): ${error.message.split('\n')[0]}`);
  } finally {
    await page.context().close();
  }

  // A clean example open in the editor, for the docs: a flow of the support bot, in the bot's own folder (the
  // examples folder also holds broken/, whose errors would show in the explorer and the status bar).
  const example = opts.example
    ? path.resolve(opts.example)
    : [
        path.join(WORKSPACE, 'support', 'flows', 'main.bot.yaml'),
        path.join(WORKSPACE, 'support', 'bot.bot.yaml'),
        ...botFiles(WORKSPACE).filter((f) => !f.includes(`${path.sep}broken${path.sep}`)),
      ].find((f) => fs.existsSync(f));
  if (!example) {
    failures.push(`UI: no example *.bot.yaml in ${WORKSPACE}`);
    return;
  }
  const inWorkspace = path.relative(WORKSPACE, example);
  const exampleFolder = opts.example || inWorkspace.startsWith('..') ? path.dirname(example) : path.join(WORKSPACE, inWorkspace.split(path.sep)[0]);
  page = await newPage('ui-editor');
  try {
    await page.goto(workbenchUrl(url, exampleFolder));
    await waitForWorkbench(page);
    await quickOpen(page, path.relative(exampleFolder, example));
    const language = await page
      .waitForFunction(() => {
        const text = document.querySelector('[id="status.editor.mode"]')?.textContent?.trim();
        return text && text !== 'YAML' ? text : undefined;
      }, null, { timeout: 15_000 })
      .then(() => statusBarLanguage(page), () => statusBarLanguage(page));
    await page.waitForTimeout(3000); // the server's first diagnostics (and semantic colours) arrive
    await page.keyboard.press('Escape');
    // Squiggles in the visible part of the editor: this file's own problems, not the workspace's.
    const editor = page.locator('.editor-instance .monaco-editor').first();
    const squiggles = {
      errors: await editor.locator('.squiggly-error').count(),
      warnings: await editor.locator('.squiggly-warning').count(),
    };
    const shot = path.join(SCREENSHOTS, 'editor.png');
    await page.screenshot({ path: shot });
    log(`UI: ${path.relative(REPO, example)} open in ${path.relative(REPO, exampleFolder)} (language "${language}", ${squiggles.errors} error and ${squiggles.warnings} warning squiggles); screenshot ${path.relative(REPO, shot)}`);
    if (!/botmaster/i.test(language)) failures.push(`UI: ${path.relative(REPO, example)} has language "${language}", not Botmaster`);
    if (squiggles.errors > 0) log(`UI: WARNING the example shows ${squiggles.errors} error squiggle(s): not a clean picture for the docs`);
  } catch (error) {
    await page.screenshot({ path: path.join(SCREENSHOTS, 'editor-failure.png') }).catch(() => {});
    failures.push(`UI (editor): ${error.message.split('\n')[0]}`);
  } finally {
    await page.context().close();
  }
  log(`UI tests finished in ${secs(started)}`);
}

// ------------------------------------------------------------------ 2c. UI test: the graph preview
// Opens a flow of the support bot, runs "Botmaster: Open Graph Preview" from the command palette, finds the nodes drawn
// in the webview, clicks one and checks that its file opens in the editor. Screenshot: .vscode-test/screenshots/graph-vscode.png.
async function uiGraphPreview({ url }) {
  const started = Date.now();
  const folder = path.join(WORKSPACE, 'support');
  const page = await newPage('ui-graph');
  try {
    await page.goto(workbenchUrl(url, folder));
    await waitForWorkbench(page);
    await quickOpen(page, path.join('flows', 'main.bot.yaml'));
    await page.waitForTimeout(2000); // the server indexes the bot
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('>Botmaster: Open Graph Preview');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Graph Preview' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    const webview = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await webview.locator('g.node[data-id="welcome"]').waitFor({ timeout: 30_000 });
    await webview.locator('g.node', { hasText: 'main_menu' }).first().waitFor({ timeout: 10_000 });
    // Only the flows near the window are in the page; the status line counts the whole graph.
    const inPage = await webview.locator('g.node').count();
    const status = (await webview.locator('.status').textContent()) ?? '';
    log(`UI: the graph preview shows ${inPage} nodes in its window (${status})`);
    if (!/^121 nodes in 6 flows/.test(status)) failures.push(`UI (graph): the status line says "${status}", not 121 nodes in 6 flows`);
    // The layout ran in the worker, which the webview's Content-Security-Policy allows from a blob: URL.
    const where = await webview.locator('body').getAttribute('data-layout');
    if (where !== 'worker') failures.push(`UI (graph): the layout ran on the ${where}, not in a worker`);
    // The graph follows the editor: the cursor on `main_menu:` selects that node.
    const mainMenuLine = fs.readFileSync(path.join(folder, 'flows', 'main.bot.yaml'), 'utf8').split('\n').findIndex((l) => /^\s+main_menu:/.test(l)) + 1;
    await page.keyboard.press('Control+G'); // the editor keeps the focus: the preview opened beside it
    await page.keyboard.type(String(mainMenuLine));
    await page.keyboard.press('Enter');
    await webview.locator('g.node.selected[data-id="main_menu"]').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'graph-vscode.png') });
    // A click reveals the node in the editor: track_start is in flows/orders.bot.yaml.
    await webview.locator('input.search').fill('track_start');
    await webview.locator('input.search').press('Enter');
    await webview.locator('g.node.selected[data-id="track_start"]').click();
    await page.locator('.tabs-container .tab.active', { hasText: 'orders.bot.yaml' }).waitFor({ timeout: 15_000 });
    log('UI: clicking track_start opened orders.bot.yaml');
    // After a window reload the preview comes back (WebviewPanelSerializer) and draws the bot again. (Whether the
    // workbench saved the webview's latest state before the reload is code-server's business: the Chromium tests check
    // that the webview restores what it is given.)
    await page.waitForTimeout(1500);
    await reloadWindow(page);
    await page.locator('.tabs-container .tab', { hasText: 'Graph: Acme Shop support' }).waitFor({ timeout: 30_000 });
    await page.frameLocator('iframe.webview').frameLocator('#active-frame').locator('g.node').first().waitFor({ timeout: 30_000 });
    log(`UI: the graph preview came back after a reload; graph preview test finished in ${secs(started)}`);
  } catch (error) {
    await page.screenshot({ path: path.join(SCREENSHOTS, 'graph-failure.png') }).catch(() => {});
    failures.push(`UI (graph): ${error.message.split('\n')[0]}`);
  } finally {
    await page.context().close();
  }
}

// ------------------------------------------------------------------ 2d. UI test: the simulator
// Opens a flow of the support bot, runs "Botmaster: Open Simulator" from the command palette, types a greeting in the
// webview's input box and finds the bot's answer in the chat; taps a button and takes it back with Undo; asks where an
// order is and finds the intent in the debug side bar; clicks the current node there and sees its file open; opens the
// graph preview and finds the way the conversation took highlighted; reloads the window and finds the conversation
// restored. Screenshot: .vscode-test/screenshots/simulator-vscode.png.
async function uiSimulator({ url }) {
  const started = Date.now();
  const folder = path.join(WORKSPACE, 'support');
  const page = await newPage('ui-simulator');
  /** The webview frame that holds the simulator (the graph preview's may be open too). */
  const simulatorFrame = async (timeout = 30_000) => {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      for (const frame of page.frames()) {
        if (await frame.locator('form.composer').count().catch(() => 0)) return frame;
      }
      await page.waitForTimeout(250);
    }
    throw new Error('no simulator webview in the page');
  };
  const palette = (command) => runCommand(page, command);
  try {
    await page.goto(workbenchUrl(url, folder));
    await waitForWorkbench(page);
    await palette('View: Close All Editors');
    await quickOpen(page, path.join('flows', 'main.bot.yaml'));
    await page.waitForTimeout(2000); // the server indexes the bot
    await palette('Botmaster: Open Simulator');
    let frame = await simulatorFrame();
    await frame.locator('.msg.bot .text', { hasText: 'What can I help you with?' }).waitFor({ timeout: 30_000 });
    const input = frame.locator('input.input');
    await input.click();
    await input.fill('hello');
    await input.press('Enter');
    await frame.locator('.turn[data-index="1"] .msg.bot .text', { hasText: 'Hello again! How can I help?' }).waitFor({ timeout: 15_000 });
    log('UI: the simulator answered "hello" with "Hello again! How can I help?"');
    await frame.locator('.turn[data-index="1"] button.quick-reply', { hasText: 'Track an order' }).click();
    await frame.locator('.turn[data-index="2"] .msg.bot .text', { hasText: "What's your order number?" }).waitFor({ timeout: 15_000 });
    await frame.locator('.toolbar button', { hasText: 'Undo' }).click();
    await frame.locator('.turn[data-index="2"]').waitFor({ state: 'detached', timeout: 15_000 });
    await frame.locator('.turn[data-index="1"] button.quick-reply').first().waitFor({ timeout: 15_000 }); // live again
    await input.fill('hey, can you tell me where my parcel ACM-482913 is?');
    await input.press('Enter');
    await frame.locator('.turn[data-index="2"] .msg.bot .text', { hasText: 'You can follow order ACM-482913' }).waitFor({ timeout: 15_000 });
    const intent = (await frame.locator('aside.debug .intent strong').textContent()) ?? '';
    const slots = (await frame.locator('aside.debug .slots').textContent()) ?? '';
    log(`UI: the side bar shows intent ${intent} and the slots ${slots}`);
    if (intent !== 'order.track') failures.push(`UI (simulator): the side bar shows the intent "${intent}", not order.track`);
    if (!/order_number/.test(slots)) failures.push(`UI (simulator): the side bar does not show the slot order_number: "${slots}"`);
    await palette('View: Toggle Primary Side Bar Visibility'); // room for the chat and its side bar
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'simulator-vscode.png') });
    await palette('View: Toggle Primary Side Bar Visibility');
    // Copy, and Save through the save dialog (code-server's own file dialog, in the quick input), as offered: Markdown
    // in the bot's folder (deleted right after, and by cleanup()).
    await frame.locator('.toolbar button', { hasText: 'Copy' }).click();
    await page.locator('.notifications-toasts', { hasText: 'Transcript copied.' }).waitFor({ timeout: 15_000 });
    const saved = SAVED_TRANSCRIPT;
    fs.rmSync(saved, { force: true });
    await frame.locator('.toolbar button', { hasText: 'Save' }).click();
    const dialog = page.locator('.quick-input-widget input');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    let offered = '';
    for (const until = Date.now() + 5000; !offered.endsWith('.md') && Date.now() < until; ) {
      offered = await dialog.inputValue(); // the dialog fills the folder first, then the name
      if (!offered.endsWith('.md')) await page.waitForTimeout(100);
    }
    if (!offered.endsWith('/support/Acme-Shop-support-conversation.md')) failures.push(`UI (simulator): the save dialog offers "${offered}"`);
    await dialog.press('Enter');
    for (const until = Date.now() + 15_000; !fs.existsSync(saved) && Date.now() < until; ) await page.waitForTimeout(250);
    const markdown = fs.existsSync(saved) ? fs.readFileSync(saved, 'utf8') : '';
    if (!markdown.startsWith('# Conversation with Acme Shop support') || !markdown.includes('**You:** hello')) {
      failures.push(`UI (simulator): the saved transcript is not the conversation in Markdown: "${markdown.slice(0, 200)}"`);
    } else log(`UI: Copy said "Transcript copied."; Save wrote ${path.relative(REPO, saved)} (${markdown.split('\n').length} lines of Markdown)`);
    fs.rmSync(saved, { force: true });
    // A click on the current node in the side bar shows it in the editor: track_result is in flows/orders.bot.yaml.
    await frame.locator('aside.debug .facts', { hasText: 'Node' }).locator('button.node-link').click();
    await page.locator('.tabs-container .tab.active', { hasText: 'orders.bot.yaml' }).waitFor({ timeout: 15_000 });
    log('UI: clicking the current node opened orders.bot.yaml');
    // The way taken, on the graph preview.
    await palette('Botmaster: Open Graph Preview');
    let graphFrame;
    for (const deadline = Date.now() + 30_000; !graphFrame && Date.now() < deadline; ) {
      for (const f of page.frames()) if (await f.locator('g.node.path-current').count().catch(() => 0)) graphFrame = f;
      if (!graphFrame) await page.waitForTimeout(250);
    }
    if (!graphFrame) failures.push('UI (simulator): the graph preview does not highlight where the conversation waits');
    else {
      const current = await graphFrame.locator('g.node.path-current').getAttribute('data-id');
      const onPath = await graphFrame.locator('g.node.on-path').count();
      log(`UI: the graph preview highlights ${onPath} nodes of the conversation, waiting at ${current}`);
      if (current !== 'track_result') failures.push(`UI (simulator): the graph marks ${current} as where the conversation waits, not track_result`);
    }
    // After a window reload the simulator comes back with its conversation (the inputs are said again to the bot).
    await page.waitForTimeout(1500);
    await reloadWindow(page);
    await page.locator('.tabs-container .tab', { hasText: 'Simulator: Acme Shop support' }).first().click({ timeout: 30_000 });
    frame = await simulatorFrame();
    await frame.locator('.turn[data-index="2"] .msg.bot .text', { hasText: 'You can follow order ACM-482913' }).waitFor({ timeout: 30_000 });
    const note = (await frame.locator('.note').textContent()) ?? '';
    log(`UI: the simulator came back after a reload: "${note}"; simulator test finished in ${secs(started)}`);
    if (!/Restored after the window reloaded: your 2 messages were said again/.test(note)) failures.push(`UI (simulator): after a reload the note says "${note}"`);
  } catch (error) {
    await page.screenshot({ path: path.join(SCREENSHOTS, 'simulator-failure.png') }).catch(() => {});
    failures.push(`UI (simulator): ${error.message.split('\n')[0]}`);
  } finally {
    await page.context().close();
  }
}

// ------------------------------------------------------------------ the workspace between phases
/** The bot files of a folder and their contents (the example bots are small). */
function snapshotFiles(folder) {
  const files = new Map();
  for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.bot.yaml')) {
      const file = path.join(entry.parentPath ?? entry.path, entry.name);
      files.set(file, fs.readFileSync(file));
    }
  }
  return files;
}

/**
 * Puts back the bot files a phase left changed on disk, and says so. The extension tests edit examples without
 * saving and revert them; in two CI runs the edit reached the disk anyway, and the tests after it met the edited
 * example ("Welcome back from the e2e test!") instead of the original (the tests put it back themselves too:
 * `putBack` in suite/wait.ts).
 */
function restoreFiles(folder, before, phase) {
  for (const [file, contents] of before) {
    if (fs.existsSync(file) && fs.readFileSync(file).equals(contents)) continue;
    fs.writeFileSync(file, contents);
    log(`${phase} left ${path.relative(REPO, file)} changed on disk: restored`);
  }
}

// ------------------------------------------------------------------ main
try {
  const extensionId = checkExtension();
  ensureCodeServer();
  const testsBundle = runTests ? await bundleSuite() : undefined;
  const server = await startCodeServer();
  const { chromium } = await import('playwright-core');
  // Playwright's own signal handlers would exit the process before cleanup() kills code-server.
  const signals = { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false };
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...signals });
  log(`chromium ${browser.version()} started; extension ${extensionId}`);
  if (runTests) {
    const before = snapshotFiles(WORKSPACE);
    await extensionTests(server, testsBundle);
    restoreFiles(WORKSPACE, before, 'the extension tests');
  }
  if (runUi) await uiTests(server);
  if (runUi) await uiGraphPreview(server);
  if (runUi) await uiSimulator(server);
} catch (error) {
  failures.push(error.stack ?? String(error));
}
await finish(failures.length ? 1 : 0);
