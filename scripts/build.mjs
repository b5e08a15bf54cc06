// Bundles the extension client, the language server, the CLI and the webviews (graph preview, simulator) with esbuild.
// `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { prepareDictionaries } from './dictionaries.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};
const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server/server.js' },
  // The worker thread of the confusable-example check, which the server starts next to itself.
  { ...common, entryPoints: ['server/src/service/analysis/confusablesThread.ts'], outfile: 'dist/server/confusables-worker.js' },
  // The helper thread of the confusable index's band pass, which the server and the CLI start next to themselves.
  { ...common, entryPoints: ['server/src/service/analysis/bandsThread.ts'], outfile: 'dist/server/confusables-bands.js' },
  { ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/server/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

// The graph preview's webview (client/webview/graph): browser code. Its layout worker is bundled first and inlined
// into the page's script as a string, started from a blob: URL (a webview cannot start a worker from its own files).
const browser = { bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: production, logLevel: 'warning' };
const workerBuild = { ...browser, entryPoints: ['client/webview/graph/worker.ts'], write: false, outfile: 'dist/webview/graph-worker.js' };
const webviewBuild = (workerSource) => ({
  ...browser,
  entryPoints: ['client/webview/graph/main.ts'],
  outfile: 'dist/webview/graph.js',
  sourcemap: production ? false : 'inline',
  define: { LAYOUT_WORKER_SOURCE: JSON.stringify(workerSource) },
});
const styleBuild = { ...browser, entryPoints: ['client/webview/graph/graph.css'], outfile: 'dist/webview/graph.css' };
// The simulator's webview (client/webview/simulator): one script and one style sheet.
const simulatorBuilds = [
  { ...browser, entryPoints: ['client/webview/simulator/main.ts'], outfile: 'dist/webview/simulator.js', sourcemap: production ? false : 'inline' },
  { ...browser, entryPoints: ['client/webview/simulator/simulator.css'], outfile: 'dist/webview/simulator.css' },
];

async function buildWebview() {
  const worker = await esbuild.build(workerBuild);
  await esbuild.build(webviewBuild(worker.outputFiles[0].text));
}

if (watch) {
  await prepareDictionaries();
  for (const options of [...builds, styleBuild, ...simulatorBuilds]) await (await esbuild.context(options)).watch();
  // The page's script embeds the worker: rebuild both when any webview file changes.
  const rebuild = { name: 'rebuild-webview', setup: (build) => build.onEnd(() => buildWebview().catch((e) => console.error(e.message))) };
  await (await esbuild.context({ ...workerBuild, plugins: [rebuild] })).watch();
  await (await esbuild.context({ ...webviewBuild(''), write: false, plugins: [rebuild] })).watch();
} else {
  const started = Date.now();
  await Promise.all([...builds, styleBuild, ...simulatorBuilds].map((options) => esbuild.build(options)).concat(buildWebview(), prepareDictionaries()));
  console.log(`built dist/ in ${Date.now() - started} ms`);
}
