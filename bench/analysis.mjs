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
const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', out, folder], { stdio: 'inherit' });
process.exit(run.status ?? 1);
