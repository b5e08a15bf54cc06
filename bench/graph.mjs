#!/usr/bin/env node
/**
 * Graph preview benchmark: generated bots of 200, 1,000, 2,000 and 5,000 nodes (bench/generate.mjs), measured where
 * the work happens:
 *   model    the language service's graph request (graphOf) on the indexed bot after an edit, in Node, with the
 *            server's diagnostics (bot-wide checks deferred, as while typing)
 *   layout   the layout alone (cold cache), in Node; and in Chromium's worker, as the webview reports it
 *   paint    Chromium: from the moment the webview receives the graph message until the frame after the drawing
 *            (two animation frames: the drawing was painted), in the extension's page with its policy
 *   update   the same after an edit (one node's text changed): only that flow is drawn again
 *   pan      Chromium: frame intervals while dragging across the graph for 120 frames, zoomed to 80 % and to the
 *            whole graph ("overview")
 * Medians of --runs fresh pages (default 3). At 5,000 nodes both the first view the panel picks (flows collapsed
 * above 3,000 nodes) and every flow expanded.
 *
 *   node bench/graph.mjs [--sizes 200,1000,2000,5000] [--runs 3] [--json FILE] [--quick (200 and 1,000 nodes, 1 run)]
 *
 * Needs a build (dist/webview/: `node scripts/build.mjs`). Prints a markdown table on stdout, progress on stderr,
 * and writes bench/generated/graph.results.json. Exit 0 when it ran, 1 when something failed, 2 on bad usage.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GENERATED, GENERATOR_VERSION, generate, optionsFor } from './generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_PAINT_2000_MS = 1500;

function parseArgs(argv) {
  const args = { sizes: [200, 1000, 2000, 5000], runs: 3, json: path.join(GENERATED, 'graph.results.json') };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (key === '--quick') Object.assign(args, { sizes: [200, 1000], runs: 1 });
    else if (key === '--sizes') args.sizes = value().split(',').map(Number);
    else if (key === '--runs') args.runs = Number(value());
    else if (key === '--json') args.json = path.resolve(value());
    else if (key === '--help' || key === '-h') {
      process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0] + '*/\n');
      process.exit(0);
    } else {
      console.error(`unknown option ${argv[i]}`);
      process.exit(2);
    }
  }
  if (args.sizes.some((n) => !Number.isInteger(n) || n < 20) || !(args.runs >= 1)) {
    console.error('--sizes needs whole numbers of at least 20, --runs a positive number');
    process.exit(2);
  }
  return args;
}

const log = (message) => process.stderr.write(`[graph bench] ${message}\n`);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const round = (n) => Math.round(n);

/** The service, the layout and the Chromium harness, bundled from their TypeScript sources. */
async function loadLibrary() {
  const outfile = path.join(ROOT, 'out', 'bench', 'graph-lib.cjs');
  await esbuild.build({
    stdin: {
      contents: `
        export { createLanguageService } from './server/src/service';
        export { graphOf } from './server/src/service/graph';
        export { Diagnostician } from './server/src/service/diagnostics';
        export { fileUri, findDialogFiles, readText } from './server/src/host/files';
        export { layoutGraph } from './client/webview/graph/layout';
        export { sceneOf, shownOf } from './client/webview/graph/scene';
        export { launch, openWebview } from './test/webview/harness';`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    external: ['playwright-core'],
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href).then((m) => m.default ?? m);
}

function botFor(nodes) {
  const options = optionsFor(`graph-${nodes}`, { nodes, intents: Math.max(150, nodes >> 1), examples: Math.max(150, nodes >> 1) * 4, files: Math.max(5, Math.round(nodes / 100)) });
  const metaFile = path.join(GENERATED, `${options.name}.meta.json`);
  const meta = fs.existsSync(metaFile) ? JSON.parse(fs.readFileSync(metaFile, 'utf8')) : undefined;
  if (!meta || meta.generator !== GENERATOR_VERSION || meta.options.nodes !== nodes) {
    log(`generating a bot of ${nodes} nodes`);
    generate(options, log);
  }
  return path.join(GENERATED, options.name);
}

/**
 * The graph model of a generated bot, and how long the graph request takes on the indexed bot, as in the language
 * server: its diagnostics with the bot-wide checks deferred (they ran once before, as after a pause in typing).
 */
function modelOf(lib, folder) {
  const service = lib.createLanguageService();
  const files = lib.findDialogFiles(folder);
  for (const file of files) service.setFile(lib.fileUri(file), lib.readText(file).text);
  const bot = service.workspace.botOf(lib.fileUri(files[0]));
  const diagnostician = new lib.Diagnostician(service.workspace);
  diagnostician.deferChecks = true;
  diagnostician.runChecks('checks');
  diagnostician.runChecks('heavy');
  const diagnosticsOf = (uri) => diagnostician.diagnostics(uri);
  const times = [];
  let graph;
  for (let i = 0; i < 5; i++) {
    // A new version of one flow file each time (an edit), so that nothing is reused from the previous request.
    const edited = files[files.length - 1];
    service.setFile(lib.fileUri(edited), lib.readText(edited).text + `\n# ${i}\n`, i + 1);
    const started = performance.now();
    graph = lib.graphOf(service.workspace, bot, diagnosticsOf);
    times.push(performance.now() - started);
  }
  return { graph, modelMs: median(times), bytes: JSON.stringify(graph).length };
}

function layoutInNode(lib, graph) {
  const input = lib.shownOf(lib.sceneOf(graph), {}).input;
  const times = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    lib.layoutGraph(input);
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Sends the graph to a fresh webview and measures until it is painted (marks set by client/webview/graph/main.ts). */
async function paint(webview, graph) {
  await webview.page.evaluate((g) => {
    window.__graph = g;
  }, graph);
  return webview.page.evaluate(async () => {
    const painted = () => performance.getEntriesByName('graph:painted');
    const before = painted().length;
    const started = performance.now();
    window.postMessage({ type: 'graph', uri: window.__graph.files[0], graph: window.__graph }, '*');
    await new Promise((resolve) => {
      const check = () => (painted().length > before ? resolve() : setTimeout(check, 2));
      check();
    });
    const last = (name) => performance.getEntriesByName(name).at(-1).startTime - started;
    return { paint: last('graph:painted'), laidOut: last('graph:laid-out'), drawn: last('graph:drawn') };
  });
}

/** Drags across the graph for `frames` animation frames and returns the intervals between frames. */
async function pan(webview, frames = 120) {
  return webview.page.evaluate(async (count) => {
    const svg = document.querySelector('svg.bm-graph');
    const r = svg.getBoundingClientRect();
    let x = r.left + r.width / 2;
    let y = r.top + r.height / 2;
    svg.dispatchEvent(new PointerEvent('pointerdown', { clientX: x, clientY: y, button: 0, bubbles: true }));
    const intervals = [];
    await new Promise((resolve) => {
      let last = performance.now();
      let i = 0;
      const step = (now) => {
        intervals.push(now - last);
        last = now;
        x -= 9;
        y += 4 * Math.sin(i / 8);
        window.dispatchEvent(new PointerEvent('pointermove', { clientX: x, clientY: y, bubbles: true }));
        if (++i < count) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    window.dispatchEvent(new PointerEvent('pointerup', { clientX: x, clientY: y, bubbles: true }));
    return intervals.slice(2);
  }, frames);
}

/** Zooms (with the wheel, like a user) until the zoom is about `target`; '0' first shows the whole graph. */
async function zoomTo(webview, target) {
  const page = webview.page;
  await page.locator('svg.bm-graph').focus();
  await page.keyboard.press('0');
  await page.waitForTimeout(50);
  const scale = () => page.evaluate(() => Number(/scale\(([^)]+)\)/.exec(document.querySelector('g.viewport').getAttribute('transform'))[1]));
  if (target === 'overview') return scale();
  for (let i = 0; i < 40 && (await scale()) < target / 1.2; i++) {
    await page.evaluate(() => {
      const svg = document.querySelector('svg.bm-graph');
      const r = svg.getBoundingClientRect();
      svg.dispatchEvent(new WheelEvent('wheel', { deltaY: -120, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, cancelable: true, bubbles: true }));
    });
    await page.waitForTimeout(20);
  }
  return scale();
}

const frameStats = (intervals) => ({ p50: median(intervals), p95: percentile(intervals, 95), max: Math.max(...intervals), over50: intervals.filter((t) => t > 50).length, frames: intervals.length });

async function measureChromium(lib, browser, graph, runs, mode) {
  const state = mode === 'expanded' ? { collapsed: [] } : undefined;
  const results = [];
  let panStats;
  let update;
  for (let run = 0; run < runs; run++) {
    const webview = await lib.openWebview(browser, { state, width: 1400, height: 900 });
    try {
      const timing = await paint(webview, graph);
      const rendered = (await webview.posted()).filter((m) => m.type === 'rendered').at(-1);
      results.push({ ...timing, workerLayout: rendered.layoutMs, drawnNodes: rendered.nodes });
      if (run === 0) {
        const edited = structuredClone(graph);
        const node = edited.nodes[Math.floor(edited.nodes.length / 2)];
        node.text[Object.keys(node.text)[0] ?? 'en'] = 'Edited by the benchmark';
        update = (await paint(webview, edited)).paint;
        const zoom80 = await zoomTo(webview, 0.8);
        const at80 = frameStats(await pan(webview));
        const zoomAll = await zoomTo(webview, 'overview');
        const atAll = frameStats(await pan(webview));
        panStats = { zoom80, at80, zoomAll, atAll };
      }
      const problems = await webview.problems();
      if (problems.length || webview.refused.length) throw new Error(`the page reported: ${[...problems, ...webview.refused].join('; ')}`);
    } finally {
      await webview.page.context().close();
    }
  }
  return {
    mode,
    paintMs: median(results.map((r) => r.paint)),
    paintRuns: results.map((r) => round(r.paint)),
    laidOutMs: median(results.map((r) => r.laidOut)),
    drawnMs: median(results.map((r) => r.drawn)),
    workerLayoutMs: median(results.map((r) => r.workerLayout)),
    drawnNodes: results[0].drawnNodes,
    updateMs: update,
    pan: panStats,
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'dist', 'webview', 'graph.js'))) {
    console.error('dist/webview/graph.js is missing: run `node scripts/build.mjs` first');
    process.exit(1);
  }
  const lib = await loadLibrary();
  const browser = await lib.launch();
  const rows = [];
  try {
    for (const size of args.sizes) {
      const folder = botFor(size);
      const { graph, modelMs, bytes } = modelOf(lib, folder);
      const nodeLayoutMs = layoutInNode(lib, graph);
      log(`${graph.nodes.length} nodes, ${graph.edges.length} edges, ${graph.flows.length} flows: model ${round(modelMs)} ms (${round(bytes / 1024)} KB), layout ${nodeLayoutMs.toFixed(1)} ms`);
      const modes = graph.nodes.length > 3000 ? ['first view', 'expanded'] : ['expanded'];
      for (const mode of modes) {
        const chromium = await measureChromium(lib, browser, graph, args.runs, mode);
        log(`  ${mode}: paint ${round(chromium.paintMs)} ms (runs ${chromium.paintRuns.join(', ')}), update ${round(chromium.updateMs)} ms, pan p95 ${round(chromium.pan.at80.p95)} / ${round(chromium.pan.atAll.p95)} ms`);
        rows.push({ size, nodes: graph.nodes.length, edges: graph.edges.length, flows: graph.flows.length, modelMs, bytes, nodeLayoutMs, ...chromium });
      }
    }
  } finally {
    await browser.close();
  }
  const table = [
    '| nodes (edges, flows) | view | graph request | layout (Node / worker) | data → first paint | after an edit | pan at 80 %: frame p50 / p95 | pan, whole graph: p50 / p95 (zoom) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.nodes.toLocaleString('en')} (${r.edges.toLocaleString('en')}, ${r.flows}) | ${r.mode === 'first view' ? `first view: flows collapsed, the start's flow open (${r.drawnNodes} nodes)` : r.mode} | ${round(r.modelMs)} ms | ${r.nodeLayoutMs.toFixed(1)} / ${round(r.workerLayoutMs)} ms | **${round(r.paintMs)} ms** | ${round(r.updateMs)} ms | ${round(r.pan.at80.p50)} / ${round(r.pan.at80.p95)} ms | ${round(r.pan.atAll.p50)} / ${round(r.pan.atAll.p95)} ms (${r.pan.zoomAll.toFixed(2)}) |`,
    ),
  ].join('\n');
  process.stdout.write(`${table}\n`);
  const at2000 = rows.find((r) => r.nodes >= 2000 && r.nodes < 3000 && r.mode === 'expanded');
  if (at2000) process.stdout.write(`${at2000.paintMs < TARGET_PAINT_2000_MS ? 'TARGET MET' : 'TARGET MISSED'}: ${at2000.nodes} nodes painted in ${round(at2000.paintMs)} ms (target < ${TARGET_PAINT_2000_MS} ms)\n`);
  fs.mkdirSync(path.dirname(args.json), { recursive: true });
  fs.writeFileSync(args.json, JSON.stringify({ date: new Date().toISOString(), runs: args.runs, rows }, null, 2) + '\n');
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exit(1);
});
