// The analysis benchmark of issue #3: `node bench/analysis.mjs [--size issue-3|issue-2|quick]`.
// Generates the bot when missing, bundles bench/analysis-entry.ts with esbuild and runs it with --expose-gc.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { generate, GENERATED, optionsFor } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const size = process.argv.includes('--size') ? process.argv[process.argv.indexOf('--size') + 1] : 'issue-3';
const options = optionsFor(size);
const folder = path.join(GENERATED, options.name);
if (!fs.existsSync(path.join(folder, 'bot.bot.yaml'))) {
  console.error(`generating ${folder}…`);
  generate(options, (m) => console.error(m));
}
const out = path.join(GENERATED, 'analysis-bench.js');
await esbuild.build({ entryPoints: [path.join(here, 'analysis-entry.ts')], bundle: true, platform: 'node', outfile: out, logLevel: 'warning' });
// The confusable-example check's worker thread, next to the bench (as dist/server/confusables-worker.js is to the server).
await esbuild.build({
  entryPoints: [path.join(here, '../server/src/service/analysis/confusablesThread.ts')],
  bundle: true,
  platform: 'node',
  outfile: path.join(GENERATED, 'confusables-worker.js'),
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', out, folder], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
// Then, in a process of its own, the whole analysis as the server runs it (the row is appended to the table).
const worker = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', out, folder, '--worker'], { stdio: 'inherit' });
process.exit(worker.status ?? 1);
