/**
 * In-process measurements of the dialog analysis (issue #3): cold parse and index, every check cold, the confusable
 * check alone, memory, and after an edit in the large file: the file's own diagnostics (what the server sends at
 * once) and the bot-wide checks (what it sends when typing pauses). Bundled and run by bench/analysis.mjs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLanguageService } from '../server/src/service';
import { botFiles } from './botFiles';
import { analyzeBot, CHECKS, HEAVY_CHECKS } from '../server/src/service/analysis';
import { prefetchConfusables } from '../server/src/service/analysis/confusables';
import type { Check } from '../server/src/service/analysis/context';
import { bandHelpers } from '../server/src/host/bandHelper';
import { startConfusablesWorker } from '../server/src/host/confusablesWorker';
import { createSpellers } from '../server/src/host/spelling';

const root = process.argv[2];
const files = botFiles(root);
const uri = (f: string) => 'file://' + f;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const rows: [string, string][] = [];
const ms = (x: number) => `${x.toFixed(0)} ms`;

/**
 * This thread's CPU time so far, in ms (user + system, from /proc at 100 ticks a second; NaN without /proc). Unlike the
 * wall clock, it does not count the time the machine's host gave to other guests, nor the garbage collector's helper
 * threads: on a shared 2-core machine it tells builds apart where the wall-clock times drown in noise.
 */
function threadCpuMs(): number {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15 of the whole line)
  } catch {
    return Number.NaN;
  }
}

/** The time the host took from this machine's CPUs so far (the \`steal\` column of /proc/stat), in ms; NaN without /proc. */
function stolenMs(): number {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    return Number(cpu[8]) * 10;
  } catch {
    return Number.NaN;
  }
}

const service = createLanguageService();
service.deferChecks();
// As the server: parsed documents are kept for open files only (the large file is opened before it is edited).
service.keepDocumentsOfOpenFilesOnly();
// The dictionaries as the server has them (dist/dictionaries, from `npm run build`; else the npm packages' slower form).
const spellers = createSpellers({ folder: path.join(__dirname, '../../dist/dictionaries') });
service.setSpellers(spellers);
// --worker: as the server runs it, the confusable examples in a worker thread.
const workerMode = process.argv.includes('--worker');
if (workerMode) service.useConfusablesWorker(startConfusablesWorker(path.join(__dirname, 'confusables-worker.js')), (message) => console.error(message));
// --one-thread: the confusable index built without its helper thread (the server and the CLI start one on a machine
// of two cores or more: host/bandHelper.ts).
const oneThread = process.argv.includes('--one-thread');
if (!oneThread) service.setBandHelpers(bandHelpers(path.join(__dirname, 'confusables-bands.js'), (message) => console.error(message)));
const helped = oneThread ? 'the index built in one thread' : 'the index built with a helper thread, as the server and the CLI do';
let t = performance.now();
for (const f of files) service.setFile(uri(f), fs.readFileSync(f, 'utf8'), 0);
const indexed = performance.now() - t;
rows.push(['parse and index, cold', ms(indexed)]);
const bot = service.workspace.botOf(uri(files[0]));
let examples = 0;
for (const u of bot.files) for (const i of service.workspace.get(u)!.intents.values()) for (const l of i.examples.values()) examples += l.length;

t = performance.now();
for (const locale of service.workspace.manifestOf(bot)?.manifest?.locales ?? []) spellers(locale);
rows.push(['spelling dictionaries loaded', ms(performance.now() - t)]);
/** The time spent in one check, its generator steps included. */
const spent = new Map<string, number>();
const timed = (name: string, check: Check): Check => (context, report) => {
  let started = performance.now();
  const run = check(context, report);
  spent.set(name, performance.now() - started);
  if (!run) return undefined;
  return (function* () {
    for (;;) {
      started = performance.now();
      const step = run.next();
      spent.set(name, spent.get(name)! + performance.now() - started);
      if (step.done) return;
      yield;
    }
  })();
};
if (workerMode) {
  // The whole analysis as the server runs it: the confusable examples start in their worker thread, the cheap checks
  // run here meanwhile, then the confusable examples' answer is read (a process of its own, so cold). (Handing the
  // worker the files while they were indexed was tried: the indexing took longer by as much as the analysis gained.)
  t = performance.now();
  prefetchConfusables(service.workspace, bot);
  const sent = performance.now() - t;
  const cheap = analyzeBot(service.workspace, bot, CHECKS);
  const checked = performance.now() - t;
  const heavy = analyzeBot(service.workspace, bot, HEAVY_CHECKS);
  const total = performance.now() - t;
  const found = [...heavy.problems.values()].reduce((n, l) => n + l.length, 0);
  if (cheap.failures.length + heavy.failures.length > 0) console.error('checks failed:', [...cheap.failures, ...heavy.failures].map((f) => f.error.message));
  console.log(`| full analysis cold, as the server runs it (confusable examples in a worker thread meanwhile; ${found.toLocaleString('en')} found) | ${ms(total)} |`);
  console.log(`| of which: examples sent to the worker / the other checks / the rest of the wait for its answer, and reading it | ${ms(sent)} / ${ms(checked - sent)} / ${ms(total - checked)} |`);
  console.log(`| the same, as the server runs it: parse and index, then the full analysis | ${ms(indexed)} + ${ms(total)} = ${ms(indexed + total)} |`);
  process.exit(0);
}
const full = performance.now();
const [cpuAtStart, stolenAtStart, processAtStart] = [threadCpuMs(), stolenMs(), process.cpuUsage()];
t = performance.now();
let analysis = analyzeBot(service.workspace, bot, Object.fromEntries(Object.entries(CHECKS).map(([name, check]) => [name, timed(name, check)])));
const cpuAfterChecks = threadCpuMs();
rows.push(['every check but confusable examples, cold', ms(performance.now() - t)]);
rows.push(['of which spelling', ms(spent.get('spelling')!)]);
rows.push(['of which the slowest checks', [...spent].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([name, time]) => `${name} ${ms(time)}`).join(', ')]);
t = performance.now();
const heavy = analyzeBot(service.workspace, bot, HEAVY_CHECKS);
rows.push([`confusable examples, cold (${helped})`, ms(performance.now() - t)]);
rows.push([`full analysis cold, one check after the other (${helped})`, ms(performance.now() - full)]);
{
  const [cpu, stolen, all] = [threadCpuMs(), stolenMs(), process.cpuUsage(processAtStart)];
  rows.push([
    `the same (${helped}), as this thread's CPU time: every check but confusable examples / confusable examples / both (and the time the host took from the machine meanwhile)`,
    `${ms(cpuAfterChecks - cpuAtStart)} / ${ms(cpu - cpuAfterChecks)} / ${ms(cpu - cpuAtStart)} (${ms(stolen - stolenAtStart)})`,
  ]);
  rows.push([`the same (${helped}), as the CPU time of all the process's threads (the garbage collector's too)`, ms((all.user + all.system) / 1000)]);
}
if (oneThread) {
  for (const [k, v] of rows.slice(-4)) console.log(`| ${k} | ${v} |`);
  process.exit(0);
}
rows.push(['the same: parse and index, then the full analysis', `${ms(indexed)} + ${ms(performance.now() - full)} = ${ms(indexed + performance.now() - full)}`]);
const count = (a: typeof analysis) => [...a.problems.values()].reduce((n, l) => n + l.length, 0);
rows.push(['problems found (checks / confusable examples)', `${count(analysis)} / ${count(heavy)}`]);
// Run them once so the per-file caches are warm, as in a running server.
service.runChecks('checks');
service.runChecks('heavy');
const rssBeforeGc = process.memoryUsage().rss;
(globalThis as { gc?: () => void }).gc?.();
rows.push(['memory: heap used / RSS after analysis', `${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB / ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`]);
rows.push(['memory: RSS after analysis, before the bench forces a full garbage collection (as a server holds it)', `${(rssBeforeGc / 1e6).toFixed(0)} MB`]);
{
  // Where the RSS goes: the JS heap V8 holds (used or not), typed arrays and other memory outside it, and the rest.
  const { rss, heapTotal, external } = process.memoryUsage();
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  rows.push(['of the RSS: JS heap held / outside the heap (typed arrays…) / the rest (code, stacks, allocator)', `${mb(heapTotal)} / ${mb(external)} / ${mb(rss - heapTotal - external)}`]);
}

const large = files.reduce((a, b) => (fs.statSync(a).size >= fs.statSync(b).size ? a : b));
let text = fs.readFileSync(large, 'utf8');
service.setOpen(uri(large), true);
const local: number[] = [];
const botWide: number[] = [];
const heavyAfter: number[] = [];
for (let i = 0; i < 30; i++) {
  // Type a character into an example, then remove it.
  const at = text.indexOf('        - ', Math.floor((text.length * (i + 1)) / 32)) + 10;
  text = i % 2 === 0 ? text.slice(0, at) + 'x' + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
  t = performance.now();
  const affected = service.setFile(uri(large), text, i + 1);
  service.changedDiagnostics(affected);
  local.push(performance.now() - t);
  t = performance.now();
  service.changedDiagnostics(service.runChecks('checks'));
  botWide.push(performance.now() - t);
  if (i < 6) {
    t = performance.now();
    service.changedDiagnostics(service.runChecks('heavy'));
    heavyAfter.push(performance.now() - t);
  }
}
rows.push(['edit in the large file → its diagnostics, p50 / p95 (n=30)', `${ms(median(local))} / ${ms(p95(local))}`]);
rows.push(['edit → bot-wide checks re-run and published, p50 / p95', `${ms(median(botWide))} / ${ms(p95(botWide))}`]);
rows.push(['edit → confusable examples re-run, median (n=6)', ms(median(heavyAfter))]);
analysis = analyzeBot(service.workspace, bot, CHECKS);

console.log(`| ${path.basename(root)}: ${files.length} files, ${examples.toLocaleString('en')} examples, large file ${path.relative(root, large)} (${(fs.statSync(large).size / 1e6).toFixed(2)} MB) | |`);
console.log('|---|---:|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
