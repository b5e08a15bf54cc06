// Keystrokes in the large file, in-process: `node bench/keystrokes.mjs [--size issue-3] [--runs N] [--edits N]
// [--against DIR]`. Near the top of the file an edit moves everything after it; in the middle half; near the end
// nothing. Each place runs in a process of its own (bench/keystrokes-entry.ts), N runs (3 unless told), and the table
// gives each figure's median and every run's. `--against DIR` runs the same with the service of another checkout
// (its server/src, e.g. a `git worktree` of an older commit), taking turns, for an A/B on this noisy machine.
//
// The LSP bench (bench/run.mjs) gives the figure users see, the text document and the JSON-RPC included; this one
// isolates the service's part and which part of the file makes the tail.
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
const option = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const size = option('--size', 'issue-3');
const runs = Number(option('--runs', '3'));
const edits = Number(option('--edits', '80'));
const against = option('--against', undefined);
if (!(runs >= 1) || !(edits > 10)) throw new Error('--runs takes 1 or more runs, --edits more than 10 edits');
const options = optionsFor(size);
const folder = path.join(GENERATED, options.name);
if (!fs.existsSync(path.join(folder, 'bot.bot.yaml'))) {
  console.error(`generating ${folder}…`);
  generate(options, (m) => console.error(m));
}

/** The bench bundled with the service of `checkout` (this one, or `--against`'s). */
async function bundle(checkout, out) {
  const service = path.resolve(checkout, 'server/src/service');
  if (!fs.existsSync(path.join(service, 'index.ts'))) throw new Error(`no server/src/service in ${checkout}`);
  const toService = { name: 'service', setup: (build) => build.onResolve({ filter: /\/server\/src\/service$/ }, () => ({ path: path.join(service, 'index.ts') })) };
  await esbuild.build({ entryPoints: [path.join(here, 'keystrokes-entry.ts')], bundle: true, platform: 'node', outfile: out, logLevel: 'warning', plugins: [toService] });
  return out;
}
const builds = [['this checkout', await bundle(path.join(here, '..'), path.join(GENERATED, 'keystrokes-bench.js'))]];
if (against) builds.push([against, await bundle(against, path.join(GENERATED, 'keystrokes-against.js'))]);

const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
const tables = builds.map(() => []);
for (let i = 0; i < runs; i++) {
  builds.forEach(([, script], b) => {
    const rows = [];
    for (const where of ['top', 'middle', 'end']) {
      // The server's Node options (a young generation of 32 MB); the band helper off: the bot-wide checks are not measured.
      const run = spawnSync(process.execPath, [...SERVER_NODE_ARGS, '--max-old-space-size=4096', script, folder, where, String(edits)], {
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
        env: { ...process.env, BOTMASTER_BAND_HELPER: '0' },
      });
      if (run.status !== 0) {
        process.stdout.write(run.stdout ?? '');
        process.exit(run.status ?? 1);
      }
      const lines = run.stdout.split('\n').filter((line) => line.startsWith('|'));
      rows.push(...(rows.length === 0 ? lines : lines.slice(2)));
    }
    tables[b].push(rows);
  });
  console.error(`run ${i + 1} of ${runs} done`);
}
builds.forEach(([name], b) => {
  if (builds.length > 1) console.log(`\n${name}:\n`);
  console.log(summarizeRuns(tables[b]).join('\n'));
});
console.log(`\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${loadAtStart} at the start and ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end (other work on the machine skews the numbers), Node ${process.version}.`);
