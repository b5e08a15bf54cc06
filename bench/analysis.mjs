// The analysis benchmark of issue #3: `node bench/analysis.mjs [--size issue-3|issue-2|quick] [--runs N]`.
// Generates the bot when missing, bundles bench/analysis-entry.ts with esbuild and runs it with --expose-gc, N times
// (3 unless told) in fresh processes, since every figure is cold: the table gives each figure's median and every run's.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { generate, GENERATED, optionsFor } from './generate.mjs';
import { SERVER_NODE_ARGS } from './lsp.mjs';
import { summarizeRuns } from './runs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const size = process.argv.includes('--size') ? process.argv[process.argv.indexOf('--size') + 1] : 'issue-3';
const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : 3;
if (!(runs >= 1)) throw new Error('--runs takes a number of runs, 1 or more');
const options = optionsFor(size);
const folder = path.join(GENERATED, options.name);
if (!fs.existsSync(path.join(folder, 'bot.bot.yaml'))) {
  console.error(`generating ${folder}…`);
  generate(options, (m) => console.error(m));
}
const out = path.join(GENERATED, 'analysis-bench.js');
await esbuild.build({ entryPoints: [path.join(here, 'analysis-entry.ts')], bundle: true, platform: 'node', outfile: out, logLevel: 'warning' });
// The threads of the confusable-example check next to the bench, as dist/server/ has them next to the server: the
// worker thread (from three cores on) and the helper of the index's band pass.
for (const [entry, name] of [
  ['confusablesThread.ts', 'confusables-worker.js'],
  ['bandsThread.ts', 'confusables-bands.js'],
]) {
  await esbuild.build({ entryPoints: [path.join(here, '../server/src/service/analysis', entry)], bundle: true, platform: 'node', outfile: path.join(GENERATED, name), logLevel: 'warning' });
}
const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
/**
 * Each run's table rows: the process running the checks one after the other (the confusable index's band pass with a
 * helper thread, as the server and the CLI run it), then (appended) the same in one thread, then the confusable
 * examples in a worker thread during the other checks (the server from three cores on).
 */
const tables = [];
for (let i = 0; i < runs; i++) {
  const rows = [];
  for (const extra of [[], ['--one-thread'], ['--worker']]) {
    // Each a process of its own, so cold too.
    // Node's options as the server gets them (a young generation of 32 MB: server/src/host/serverNodeArgs.json).
    const run = spawnSync(process.execPath, [...SERVER_NODE_ARGS, '--expose-gc', '--max-old-space-size=4096', out, folder, ...extra], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) {
      process.stdout.write(run.stdout ?? '');
      process.exit(run.status ?? 1);
    }
    rows.push(...run.stdout.split('\n').filter((line) => line.startsWith('|')));
  }
  console.error(`run ${i + 1} of ${runs} done`);
  tables.push(rows);
}
console.log(summarizeRuns(tables).join('\n'));
console.log(`\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${loadAtStart} at the start and ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end (other work on the machine skews the numbers), Node ${process.version}.`);
