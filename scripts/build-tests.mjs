// Bundles the mocha tests (TypeScript) into out/test/, one file per test file.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const entryPoints = ['unit', 'lsp', 'cli', 'webview'].flatMap((folder) =>
  readdirSync(`test/${folder}`, { recursive: true })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/${folder}/${name}`),
);
await esbuild.build({
  entryPoints,
  outdir: 'out/test',
  outbase: 'test',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['mocha', 'vscode', 'playwright-core'],
  logLevel: 'warning',
});
// The worker thread of the confusable-example check, for the tests that start it.
await esbuild.build({
  entryPoints: ['server/src/service/analysis/confusablesThread.ts'],
  outfile: 'out/test/confusables-worker.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
});
// The helper thread of the confusable index's band pass, for the tests that start it.
await esbuild.build({
  entryPoints: ['server/src/service/analysis/bandsThread.ts'],
  outfile: 'out/test/confusables-bands.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
});
