#!/usr/bin/env node
/**
 * Simulator benchmark: the simulator's custom requests (botmaster/simulator/*) timed through the bundled language
 * server over stdio, as the VS Code panel uses them, on example and generated bots:
 *   first answer   the first `start` after the workspace is read: compile the bot, train the intent matcher, say the
 *                  opening turn (what a user waits for after "Open Simulator")
 *   start again    more `start`s while the bot did not change (compiled program and matcher reused): median of 5
 *   turn           `send` of a message, median and p95 of --turns turns
 *   after an edit  the first `send` after a message of the bot was edited (didChange, unsaved): compile again, reuse
 *                  the matcher, replay the conversation so far (--turns inputs), answer
 *   after examples the first `send` after a training example was added: compile, train again, replay, answer
 *
 *   node bench/simulator.mjs [--bots support,voicebot,quick] [--turns 20]
 *
 * `quick` and `issue-2` are bench/generated bots (bench/generate.mjs: 500 intents and 10,000 examples; 5,000 intents and
 * 100,000 examples); they are skipped when not generated. `issue-2` only when asked (`--bots issue-2`): its training
 * takes minutes. Needs a build (dist/server/server.js). Prints a markdown table on stdout, progress on stderr.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspSession, SERVER_NODE_ARGS } from './lsp.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = path.join(ROOT, 'dist', 'server', 'server.js');
const BOTS = {
  support: path.join(ROOT, 'examples', 'support'),
  voicebot: path.join(ROOT, 'examples', 'voicebot'),
  quick: path.join(ROOT, 'bench', 'generated', 'quick'),
  'issue-2': path.join(ROOT, 'bench', 'generated', 'issue-2'),
};

const args = { bots: ['support', 'voicebot', 'quick'], turns: 20 };
for (let i = 2; i < process.argv.length; i++) {
  const [key, inline] = process.argv[i].split('=');
  const value = () => inline ?? process.argv[++i];
  if (key === '--bots') args.bots = value().split(',');
  else if (key === '--turns') args.turns = Number(value());
  else {
    process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0] + '*/\n');
    process.exit(key === '--help' || key === '-h' ? 0 : 2);
  }
}
if (!fs.existsSync(SERVER)) {
  console.error('dist/server/server.js is missing: run `node scripts/build.mjs` first');
  process.exit(1);
}

const log = (message) => process.stderr.write(`[simulator bench] ${message}\n`);
const sorted = (values) => [...values].sort((a, b) => a - b);
const median = (values) => sorted(values)[values.length >> 1];
const p95 = (values) => sorted(values)[Math.min(values.length - 1, Math.floor(values.length * 0.95))];
const ms = (value) => `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en')} ms`;

function dialogFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.bot\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

async function timed(run) {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

async function measure(name, dir) {
  const server = new LspSession(name, [...SERVER_NODE_ARGS, SERVER, '--stdio']);
  server.start();
  try {
    await server.initialize(pathToFileURL(dir).toString(), {});
    server.notify('initialized', {});
    const files = dialogFiles(dir);
    const manifest = files.find((f) => /^bot\s*:/m.test(fs.readFileSync(f, 'utf8')));
    const uri = pathToFileURL(manifest).toString();
    // The first start once the workspace is read ("not ready" until then).
    let first;
    const indexStarted = performance.now();
    for (;;) {
      try {
        first = await timed(() => server.request('botmaster/simulator/start', { uri, seed: 1 }, 600_000));
        break;
      } catch (error) {
        if (error?.data?.kind !== 'not-ready' || performance.now() - indexStarted > 600_000) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const examples = Object.values(first.result.bot.training.examples).reduce((a, b) => a + b, 0);
    log(`${name}: ${first.result.bot.nodes.length} nodes, ${examples} examples; first answer in ${ms(first.ms)} (training ${ms(first.result.bot.training.ms)} of it)`);
    const starts = [];
    for (let i = 0; i < 5; i++) {
      const again = await timed(() => server.request('botmaster/simulator/start', { uri, seed: 1 }, 600_000));
      starts.push(again.ms);
      await server.request('botmaster/simulator/close', { session: again.result.session }, 60_000);
    }
    const session = first.result.session;
    const turns = [];
    for (let i = 0; i < args.turns; i++) turns.push((await timed(() => server.request('botmaster/simulator/send', { session, input: { text: i % 2 ? 'hello' : 'I need help with my order' } }, 60_000))).ms);

    // A message edited in the editor (unsaved): the manifest's name.
    const manifestText = fs.readFileSync(manifest, 'utf8');
    server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'botmaster', version: 1, text: manifestText } });
    const renamed = manifestText.replace(/^(\s+name:\s*)(.*)$/m, '$1$2 (edited)');
    server.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: renamed }] });
    const edit = await timed(() => server.request('botmaster/simulator/send', { session, input: { text: 'hello' } }, 600_000));
    if (!edit.result.reloaded || edit.result.reload.retrained) throw new Error(`${name}: the edit of a message gave ${JSON.stringify(edit.result.reload)}`);

    // A training example added.
    const nlu = files.find((f) => /examples:\n +en:\n +- [^\n]+\n/.test(fs.readFileSync(f, 'utf8')));
    const nluUri = pathToFileURL(nlu).toString();
    const nluText = fs.readFileSync(nlu, 'utf8');
    server.notify('textDocument/didOpen', { textDocument: { uri: nluUri, languageId: 'botmaster', version: 1, text: nluText } });
    const added = nluText.replace(/(examples:\n +en:\n( +)- [^\n]+\n)/, '$1$2- a brand new example for the simulator benchmark\n');
    server.notify('textDocument/didChange', { textDocument: { uri: nluUri, version: 2 }, contentChanges: [{ text: added }] });
    const retrain = await timed(() => server.request('botmaster/simulator/send', { session, input: { text: 'hello' } }, 600_000));
    if (!retrain.result.reloaded || !retrain.result.reload.retrained) throw new Error(`${name}: adding an example gave ${JSON.stringify(retrain.result.reload)}`);
    return {
      name,
      nodes: first.result.bot.nodes.length,
      examples,
      first: first.ms,
      training: first.result.bot.training.ms,
      again: median(starts),
      turn: median(turns),
      turn95: p95(turns),
      edit: edit.ms,
      editReload: edit.result.reload,
      retrain: retrain.ms,
      retrainReload: retrain.result.reload,
    };
  } finally {
    await server.stop();
  }
}

const rows = [];
for (const name of args.bots) {
  if (!BOTS[name] || !fs.existsSync(BOTS[name])) {
    log(`${name}: skipped (${BOTS[name] ? 'not generated: node bench/generate.mjs' : 'unknown'})`);
    continue;
  }
  rows.push(await measure(name, BOTS[name]));
}
const os = await import('node:os');
console.log(`Simulator through LSP over stdio; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; ${args.turns} turns before the edits.\n`);
console.log('| bot | nodes | examples | first answer (training) | start again | turn p50 / p95 | after a message edit (compile, replay) | after an example added (training) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.nodes.toLocaleString('en')} | ${r.examples.toLocaleString('en')} | ${ms(r.first)} (${ms(r.training)}) | ${ms(r.again)} | ${ms(r.turn)} / ${ms(r.turn95)} | ${ms(r.edit)} (${ms(r.editReload.compileMs)}, ${ms(r.editReload.replayMs)}) | ${ms(r.retrain)} (${ms(r.retrainReload.trainingMs)}) |`,
  );
}
