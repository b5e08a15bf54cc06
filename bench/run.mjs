#!/usr/bin/env node
/**
 * Botmaster benchmark: measures the language server through LSP over stdio on a large generated bot, then
 * yaml-language-server (with Botmaster's JSON schema) on the same files, and prints a markdown table.
 *
 *   node bench/run.mjs            the "issue-2" bot: 5,000 intents, 100,000 examples, 10,000 nodes, 100 files
 *   node bench/run.mjs --quick    a small bot (500 intents, 10k examples, 1k nodes, 10 files) for a sanity run
 *   node bench/run.mjs --size issue-3   the bot of issue #3 (10,000 intents, 200,000 examples, 20,000 nodes, 200 files)
 *
 * Options: --edits N (50) --requests N (50) --warmup N (4) --no-yls --full-sync --cpu-prof --regenerate
 *          --name NAME --json FILE --server PATH
 *          --trace-edits: log each edit's time with its line (both servers)
 *          --idle / --no-idle: at the end, wait (up to 90 s) for the server's RSS once idle; on for issue-3
 *
 * Needs a built server (dist/server/server.js: `node scripts/build.mjs`). Generates the bot when missing.
 * Exits 0 when the measurements ran, missed targets included ("TARGET MISSED" lines); 1 when Botmaster failed
 * (crash, timeout); 2 on bad usage. Every wait is bounded; the servers are killed at the end.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatSummary, summarize } from './cpuprofile.mjs';
import { GENERATED, GENERATOR_VERSION, generate, optionsFor } from './generate.mjs';
import { LspSession, SERVER_NODE_ARGS, withTimeout } from './lsp.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const YLS = path.join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server');
const SCHEMA = path.join(ROOT, 'schemas/bot.schema.json');

/** Issue #2's targets, and issue #3's for its bot (edit p95 under 50 ms, memory under 400 MB). */
const TARGETS = { editP95: 100, completionP95: 20 };
const TARGETS_BY_SIZE = { 'issue-3': { editP95: 50, completionP95: 20, idleMB: 400 } };

// ---- Arguments ---------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const a = { size: 'issue-2', edits: 50, requests: 50, warmup: 4, yls: true, fullSync: false, cpuProf: false, regenerate: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const key = arg.split('=')[0];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${key} needs a value`);
      return v;
    };
    const count = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) usage(`${key} needs a positive whole number`);
      return n;
    };
    if (arg === '--quick') a.size = 'quick';
    else if (key === '--size') a.size = value();
    else if (key === '--edits') a.edits = count();
    else if (key === '--requests') a.requests = count();
    else if (key === '--warmup') a.warmup = count();
    else if (arg === '--no-yls') a.yls = false;
    else if (arg === '--full-sync') a.fullSync = true;
    else if (arg === '--cpu-prof') a.cpuProf = true;
    else if (arg === '--trace-edits') a.traceEdits = true;
    else if (arg === '--regenerate') a.regenerate = true;
    else if (arg === '--idle') a.idle = true;
    else if (arg === '--no-idle') a.idle = false;
    else if (key === '--name') a.name = value();
    else if (key === '--json') a.json = path.resolve(value());
    else if (key === '--server') a.server = path.resolve(value());
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0] + '*/\n');
      process.exit(0);
    } else usage(`unknown option ${arg}`);
  }
  a.name ??= a.size;
  a.idle ??= a.size === 'issue-3'; // the size with a memory target
  return a;
}

function usage(message) {
  console.error(`bench: ${message}. Run \`node bench/run.mjs --help\`.`);
  process.exit(2);
}

// ---- Small helpers -----------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Microseconds on the monotonic clock, the clock of V8's CPU profiles (to cut a profile into phases). */
const clockUs = () => Number(process.hrtime.bigint() / 1000n);

/** The phase of the run (\`phases\`: name → [from, to] in \`clockUs\`) a moment fell in, or "between phases". */
function phaseAt(phases, at) {
  for (const [name, [from, to]] of Object.entries(phases ?? {})) if (at >= from && at <= to) return name;
  return 'between phases';
}

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function stats(values) {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), min: Math.min(...values), max: Math.max(...values) };
}

function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function findDialogFiles(root) {
  const found = [];
  const walk = (folder) => {
    for (const e of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, e.name);
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') walk(full);
      else if (e.isFile() && /\.bot\.ya?ml$/.test(e.name)) found.push(full);
    }
  };
  walk(root);
  return found.sort();
}

const uriOf = (file) => pathToFileURL(file).href;

function capabilities() {
  return {
    workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true }, applyEdit: false },
    textDocument: {
      synchronization: { dynamicRegistration: false, didSave: true, willSave: false },
      publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
      completion: {
        dynamicRegistration: false,
        completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'], resolveSupport: { properties: ['documentation', 'detail'] } },
        contextSupport: true,
      },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      definition: { linkSupport: false },
      references: {},
      documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    },
    window: { workDoneProgress: false },
  };
}

/** Incremental or full, as the server asked in its initialize result. */
function syncKind(initializeResult, forceFull) {
  if (forceFull) return 1;
  const sync = initializeResult?.capabilities?.textDocumentSync;
  const kind = typeof sync === 'number' ? sync : sync?.change;
  return kind === 2 ? 2 : 1;
}

// ---- Workload: the edits and positions both servers get ----------------------------------------------------------

/**
 * Edits in the large file, in pairs: insert an `x` inside the entity name of an annotation (`[monday](dxay:monday)`:
 * an unknown entity, an error), then remove it (fixed). Spread over the whole file.
 */
function planEdits(text, pairs) {
  const lines = text.split('\n');
  const candidates = [];
  lines.forEach((line, i) => {
    const m = /\]\((day|account):/.exec(line);
    if (m) candidates.push({ line: i, character: m.index + 3 });
  });
  if (candidates.length === 0) throw new Error('the large file has no entity annotation to edit');
  const edits = [];
  for (let k = 0; k < pairs; k++) {
    const c = candidates[Math.floor(((k + 0.5) * candidates.length) / pairs)];
    edits.push({ ...c, kind: 'break' }, { ...c, kind: 'fix' });
  }
  return edits;
}

function applyEdit(text, edit) {
  const lines = text.split('\n');
  const line = lines[edit.line];
  lines[edit.line] = edit.kind === 'break' ? line.slice(0, edit.character) + 'x' + line.slice(edit.character) : line.slice(0, edit.character) + line.slice(edit.character + 1);
  return lines.join('\n');
}

function changeEvent(edit, newText, sync) {
  if (sync === 1) return { text: newText };
  const start = { line: edit.line, character: edit.character };
  return edit.kind === 'break'
    ? { range: { start, end: start }, text: 'x' }
    : { range: { start, end: { line: edit.line, character: edit.character + 1 } }, text: '' };
}

/** Positions in a flow file: node-level `goto:` values and keys of node `on:` maps. */
function planPositions(text, count) {
  const lines = text.split('\n');
  const gotos = [];
  const onKeys = [];
  let inOn = false;
  lines.forEach((line, i) => {
    const indent = line.length - line.trimStart().length;
    if (inOn && line.trim() && indent <= 8) inOn = false;
    let m;
    if ((m = /^ {8}goto: ([A-Za-z_][\w.-]*)\s*$/.exec(line))) gotos.push({ line: i, start: 14, id: m[1] });
    else if (/^ {8}on:\s*$/.test(line)) inOn = true;
    else if (inOn && (m = /^ {10}([A-Za-z_][\w.-]*):/.exec(line))) onKeys.push({ line: i, start: 10, id: m[1] });
  });
  if (gotos.length === 0 || onKeys.length === 0) throw new Error('the flow file has no `goto:` or node `on:` lines');
  const spread = (list, n) => Array.from({ length: n }, (_, k) => list[Math.floor(((k + 0.5) * list.length) / n) % list.length]);
  const half = Math.ceil(count / 2);
  const g = spread(gotos, half);
  const o = spread(onKeys, half);
  const completion = [];
  const definition = [];
  for (let k = 0; k < half; k++) {
    // Completion: typing the first character of the id; definition: the middle of the id.
    completion.push({ kind: 'goto value', line: g[k].line, character: g[k].start + 1 }, { kind: 'on key', line: o[k].line, character: o[k].start + 1 });
    definition.push(
      { kind: 'goto target', line: g[k].line, character: g[k].start + Math.floor(g[k].id.length / 2), id: g[k].id },
      { kind: 'on intent', line: o[k].line, character: o[k].start + Math.floor(o[k].id.length / 2), id: o[k].id },
    );
  }
  return { completion, definition };
}

// ---- Measurements common to both servers -------------------------------------------------------------------------

async function openAndWait(session, file, languageId, text, timeoutMs) {
  const uri = uriOf(file);
  const waiting = session.waitForDiagnostics((p) => p.uri === uri && (p.version === undefined || p.version === null || p.version === 1), timeoutMs, `didOpen ${path.basename(file)}`);
  const t0 = performance.now();
  await session.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  const { at, params } = await waiting;
  return { ms: at - t0, diagnostics: params.diagnostics };
}

/** Whether each edit's time is logged with its line (`--trace-edits`): which edits make the tail. */
let traceEdits = false;

async function measureEdits(session, file, text, edits, warmup, sync, timeoutMs, check) {
  const uri = uriOf(file);
  let version = 1;
  let current = text;
  const samples = [];
  let wrong = 0;
  let cpuFrom = NaN;
  for (let i = 0; i < edits.length; i++) {
    if (i === warmup) cpuFrom = session.cpuMs();
    const edit = edits[i];
    const next = applyEdit(current, edit);
    version++;
    const v = version;
    const waiting = session.waitForDiagnostics((p) => p.uri === uri && (p.version === undefined || p.version === null || p.version === v), timeoutMs, `edit ${i + 1} (version ${v})`);
    const t0 = performance.now();
    await session.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [changeEvent(edit, next, sync)] });
    const { at, params } = await waiting;
    current = next;
    if (i >= warmup) samples.push(at - t0);
    if (traceEdits) log(`edit ${i + 1}${i < warmup ? ' (warm-up)' : ''}: line ${edit.line + 1}, ${edit.kind}, ${(at - t0).toFixed(1)} ms`);
    if (check && !check(edit, params.diagnostics)) wrong++;
    await sleep(20); // a short pause, like between keystrokes; lets late publishes of other files drain
  }
  // The server's CPU time per measured edit: what the wall-clock times are, less the machine's other work.
  const cpuPerEdit = (session.cpuMs() - cpuFrom) / Math.max(1, edits.length - warmup);
  return { samples, wrong, version, text: current, cpuPerEdit };
}

async function measureRequests(session, method, uri, positions, warmup, timeoutMs, inspect) {
  const samples = [];
  const details = [];
  for (let i = 0; i < positions.length + warmup; i++) {
    const pos = positions[i % positions.length];
    const params = { textDocument: { uri }, position: { line: pos.line, character: pos.character } };
    if (method === 'textDocument/completion') params.context = { triggerKind: 1 };
    const t0 = performance.now();
    const result = await session.request(method, params, timeoutMs, `${method} #${i + 1}`);
    const ms = performance.now() - t0;
    if (i >= warmup) {
      samples.push(ms);
      details.push(inspect(result, pos));
    }
  }
  return { samples, details };
}

const completionItems = (result) => (Array.isArray(result) ? result : result?.items ?? []);

/** Break the schema on purpose (rename `examples:` of the first intent) and see whether the server reports it. */
async function schemaProbe(session, file, text, version, timeoutMs) {
  const uri = uriOf(file);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => /^ {4}examples:\s*$/.test(l));
  if (line === -1) return { reported: false, note: 'no `examples:` line' };
  const v = version + 1;
  const broken = [...lines];
  broken[line] = broken[line].replace('examples:', 'exemples:');
  const full = { text: broken.join('\n') };
  const waiting = session.waitForDiagnostics((p) => p.uri === uri && (p.version == null || p.version === v), timeoutMs, 'schema probe');
  await session.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [full] });
  const { params } = await waiting;
  const hit = params.diagnostics.find((d) => d.range.start.line === line || d.range.end.line === line);
  // Put the text back.
  const waitingBack = session.waitForDiagnostics((p) => p.uri === uri && (p.version == null || p.version === v + 1), timeoutMs, 'schema probe revert');
  await session.notify('textDocument/didChange', { textDocument: { uri, version: v + 1 }, contentChanges: [{ text }] });
  await waitingBack;
  return { reported: Boolean(hit), message: hit?.message };
}

// ---- Botmaster ---------------------------------------------------------------------------------------------------

async function runBotmaster(ctx) {
  const { args, bot, large, flow, files, edits, positions, timeouts } = ctx;
  const r = { name: 'botmaster', errors: [] };
  const profDir = path.join(GENERATED, 'profiles');
  const nodeArgs = args.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  if (args.cpuProf) fs.mkdirSync(profDir, { recursive: true });
  const before = args.cpuProf ? new Set(fs.readdirSync(profDir)) : new Set();
  // Node's options as the extension starts the server with them (server/src/host/serverNodeArgs.json).
  const session = new LspSession('botmaster', [...SERVER_NODE_ARGS, ...nodeArgs, ctx.server, '--stdio'], { cwd: ROOT }).start();
  r.session = session;
  const phases = {};
  r.phases = phases;
  const phase = (name) => {
    const from = clockUs();
    return () => (phases[name] = [from, clockUs()]);
  };
  try {
    const init = await session.initialize(uriOf(bot), capabilities());
    const sync = syncKind(init, args.fullSync);
    r.sync = sync === 2 ? 'incremental' : 'full';

    // Cold index: `initialized` until every file of the bot has its diagnostics.
    log(`botmaster: cold index of ${files.length} files`);
    const remaining = new Set(files.map(uriOf));
    const all = session.waitForDiagnostics((p) => {
      remaining.delete(p.uri);
      return remaining.size === 0;
    }, timeouts.cold, `cold index (${files.length} files)`);
    const endCold = phase('cold index');
    const t0 = performance.now();
    await session.notify('initialized', {});
    const { at } = await all.catch((e) => {
      throw new Error(`${e.message}; ${remaining.size} files still without diagnostics, e.g. ${[...remaining].slice(0, 3).join(', ')}`);
    });
    r.coldMs = at - t0;
    endCold();
    let errors = 0;
    let warnings = 0;
    for (const [, d] of session.diagnostics) for (const x of d.diagnostics) x.severity === 1 ? errors++ : x.severity === 2 && warnings++;
    r.coldProblems = { errors, warnings };
    // Until the bot-wide checks (the heavy ones too: they start 750 ms after the last change and take seconds) have run
    // (the server says so in its log, once per tier) and been published: diagnostics quiet for 4 s (at most 120 s in
    // all). The large file is then opened in the steady state, whatever the machine's speed.
    const ranAfter = (what) => {
      const line = session.logs.find((l) => l.message.includes(`the ${what} ran`));
      return line ? Number(/ran (\d+) ms after indexing/.exec(line.message)?.[1]) : undefined;
    };
    const lastPublished = () => Math.max(0, ...[...session.diagnostics.values()].map((d) => d.at));
    for (const until = performance.now() + 120_000; performance.now() < until; await sleep(100)) {
      r.checksMs = ranAfter('bot-wide checks');
      r.heavyMs = ranAfter('heavy bot-wide checks (confusable examples)');
      if (r.checksMs !== undefined && r.heavyMs !== undefined && performance.now() - lastPublished() >= 4000) break;
    }
    r.memIndexed = session.memory();
    log(`botmaster: indexed in ${r.coldMs.toFixed(0)} ms (${errors} errors, ${warnings} warnings), RSS ${r.memIndexed.rssMB.toFixed(0)} MB`);

    // Open the large file.
    const open = await openAndWait(session, large.file, 'botmaster', large.text, timeouts.edit);
    r.openMs = open.ms;
    log(`botmaster: opened the large file, diagnostics in ${r.openMs.toFixed(0)} ms (${open.diagnostics.length} diagnostics)`);

    // Edits.
    const baseline = new Set(open.diagnostics.map((d) => `${d.range.start.line}:${d.code}`));
    const check = (edit, diagnostics) => {
      const onLine = diagnostics.filter((d) => d.range.start.line === edit.line && d.severity === 1 && !baseline.has(`${d.range.start.line}:${d.code}`));
      return edit.kind === 'break' ? onLine.length > 0 : onLine.length === 0;
    };
    const endEdits = phase('edits');
    const e = await measureEdits(session, large.file, large.text, edits, args.warmup, sync, timeouts.edit, check);
    endEdits();
    r.edit = stats(e.samples);
    r.editCpuMs = e.cpuPerEdit;
    r.editWrong = e.wrong;
    // What each edit's publish carries: all of the file's diagnostics (its bot-wide ones too), the size of each message.
    const last = session.diagnostics.get(uriOf(large.file))?.diagnostics ?? [];
    r.editPublish = `${last.length.toLocaleString('en')} diagnostics, ${(JSON.stringify(last).length / 1e6).toFixed(2)} MB of JSON`;
    log(`botmaster: edit -> diagnostics p50 ${r.edit.p50.toFixed(1)} ms, p95 ${r.edit.p95.toFixed(1)} ms (${e.wrong} unexpected results)`);

    // Completion and definition in a flow file.
    const flowOpen = await openAndWait(session, flow.file, 'botmaster', flow.text, timeouts.edit);
    r.flowOpenMs = flowOpen.ms;
    const endCompletion = phase('completion');
    const c = await measureRequests(session, 'textDocument/completion', uriOf(flow.file), positions.completion, args.warmup, timeouts.request, (res, pos) => ({
      kind: pos.kind,
      items: completionItems(res).length,
      bytes: JSON.stringify(res ?? null).length,
    }));
    endCompletion();
    r.completion = stats(c.samples);
    r.completionDetail = summarizeItems(c.details);
    log(`botmaster: completion p50 ${r.completion.p50.toFixed(1)} ms, p95 ${r.completion.p95.toFixed(1)} ms (${r.completionDetail})`);
    const d = await measureRequests(session, 'textDocument/definition', uriOf(flow.file), positions.definition, args.warmup, timeouts.request, (res) => ({
      found: Array.isArray(res) ? res.length > 0 : Boolean(res),
    }));
    r.definition = stats(d.samples);
    r.definitionFound = `${d.details.filter((x) => x.found).length}/${d.details.length}`;
    log(`botmaster: definition p50 ${r.definition.p50.toFixed(1)} ms, p95 ${r.definition.p95.toFixed(1)} ms (found ${r.definitionFound})`);

    r.schema = await schemaProbe(session, large.file, e.text, e.version, timeouts.edit);
    // Last, so that the measurements above compare with earlier runs: after such a pause V8 has compacted the heap,
    // and the next open of the large file and the edits after it were slower (bench/README.md).
    if (args.idle) {
      const before = session.memory();
      const endIdle = phase('idle wait');
      r.memIdle = await idleMemory(session);
      endIdle();
      log(`botmaster: RSS once idle ${r.memIdle.rssMB.toFixed(0)} MB after ${r.memIdle.seconds.toFixed(0)} s (${before.rssMB.toFixed(0)} MB after the last request)`);
    }
    r.memEnd = session.memory();
  } catch (error) {
    r.errors.push(error.message);
    log(`botmaster: FAILED: ${error.message}`);
  } finally {
    await session.stop();
  }
  r.serverErrors = serverErrors(session);
  if (args.cpuProf) {
    const created = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
    if (created.length) {
      r.profile = path.join(profDir, created.sort().pop());
      try {
        const parts = [formatSummary(summarize(r.profile, 25), 'whole run')];
        for (const [name, window] of Object.entries(phases)) parts.push(formatSummary(summarize(r.profile, 15, window), `phase "${name}"`));
        r.profileSummary = parts.join('\n\n');
      } catch (e) {
        r.profileSummary = `could not read the profile: ${e.message}`;
      }
    } else r.profileSummary = 'no .cpuprofile was written (the server did not exit normally?)';
  }
  return r;
}

function summarizeItems(details) {
  const byKind = new Map();
  for (const d of details) {
    const k = byKind.get(d.kind) ?? { n: 0, items: 0, bytes: 0 };
    k.n++;
    k.items += d.items;
    k.bytes += d.bytes;
    byKind.set(d.kind, k);
  }
  return [...byKind]
    .map(([kind, k]) => `${kind}: ${Math.round(k.items / k.n)} items, ${(k.bytes / k.n / 1024).toFixed(0)} KB`)
    .join('; ');
}

function serverErrors(session) {
  const lines = [];
  for (const l of session.logs) if (l.type === 1 || l.type === 2) lines.push(`[${l.type === 1 ? 'error' : 'warning'}] ${l.message}`);
  const stderr = session.stderr.trim();
  if (stderr) lines.push(...stderr.split('\n').map((s) => `[stderr] ${s}`));
  return lines;
}

// ---- yaml-language-server ----------------------------------------------------------------------------------------

async function runYls(ctx) {
  const { args, bot, large, flow, edits, positions, timeouts } = ctx;
  const r = { name: 'yaml-language-server', errors: [] };
  const settings = {
    yaml: {
      schemas: { [uriOf(SCHEMA)]: ['*.bot.yaml'] },
      validate: true,
      completion: true,
      hover: true,
      // No network here: without this, the server fetches the schemastore.org catalog.
      schemaStore: { enable: false },
    },
  };
  const configuration = (section) => {
    if (section === 'yaml') return settings.yaml;
    if (section === 'http') return { proxy: '', proxyStrictSSL: false };
    if (section === '[yaml]' || section === 'editor' || section === 'yaml.format') return {};
    return null;
  };
  const session = new LspSession('yaml-language-server', [YLS, '--stdio'], { cwd: ROOT, configuration }).start();
  r.session = session;
  try {
    const init = await session.initialize(uriOf(bot), capabilities());
    const sync = syncKind(init, args.fullSync);
    r.sync = sync === 2 ? 'incremental' : 'full';
    await session.notify('initialized', {});
    await session.notify('workspace/didChangeConfiguration', { settings });
    const deadline = performance.now() + 30_000;
    while (session.configurationRequests === 0 && performance.now() < deadline) await sleep(20);
    await sleep(500); // let it apply the settings
    await sleep(500);
    r.memIndexed = session.memory();

    log('yaml-language-server: opening the large file');
    const open = await openAndWait(session, large.file, 'yaml', large.text, timeouts.cold);
    r.openMs = open.ms;
    await sleep(1500); // drain any second validation (configuration applied after open)
    r.memOpen = session.memory();
    log(`yaml-language-server: first diagnostics in ${r.openMs.toFixed(0)} ms (${open.diagnostics.length} diagnostics), RSS ${r.memOpen.rssMB.toFixed(0)} MB`);
    r.openDiagnostics = open.diagnostics.length;

    const e = await measureEdits(session, large.file, large.text, edits, args.warmup, sync, timeouts.edit, null);
    r.edit = stats(e.samples);
    r.editCpuMs = e.cpuPerEdit;
    log(`yaml-language-server: edit -> diagnostics p50 ${r.edit.p50.toFixed(1)} ms, p95 ${r.edit.p95.toFixed(1)} ms`);

    const flowOpen = await openAndWait(session, flow.file, 'yaml', flow.text, timeouts.edit);
    r.flowOpenMs = flowOpen.ms;
    await sleep(300);
    const c = await measureRequests(session, 'textDocument/completion', uriOf(flow.file), positions.completion, args.warmup, timeouts.request, (res, pos) => ({
      kind: pos.kind,
      items: completionItems(res).length,
      bytes: JSON.stringify(res ?? null).length,
    }));
    r.completion = stats(c.samples);
    r.completionDetail = summarizeItems(c.details);
    log(`yaml-language-server: completion p50 ${r.completion.p50.toFixed(1)} ms, p95 ${r.completion.p95.toFixed(1)} ms (${r.completionDetail})`);
    const d = await measureRequests(session, 'textDocument/definition', uriOf(flow.file), positions.definition, args.warmup, timeouts.request, (res) => ({
      found: Array.isArray(res) ? res.length > 0 : Boolean(res),
    }));
    r.definition = stats(d.samples);
    r.definitionFound = `${d.details.filter((x) => x.found).length}/${d.details.length}`;

    r.schema = await schemaProbe(session, large.file, e.text, e.version, timeouts.edit);
    r.memEnd = session.memory();
  } catch (error) {
    r.errors.push(error.message);
    log(`yaml-language-server: FAILED: ${error.message}`);
  } finally {
    await session.stop();
  }
  r.serverErrors = serverErrors(session).filter((l) => !/^\[stderr\]\s*$/.test(l));
  return r;
}

/**
 * The server's RSS once it has been idle a while. V8 holds on to the heap the cold index and the edits grew (garbage
 * and fragmented pages) until the server compacts it, 20 s into a pause (host/idleCompaction.ts; before, until V8's
 * memory reducer ran, 30–45 s into a pause here, which compacts little): that RSS is what the editor keeps while the
 * user reads. Polls each second until the server has logged its compaction in this pause and the RSS has then held
 * for 8 s; without a compaction (the heap did not grow enough since the last one), until the RSS has held for 8 s after
 * 30 s; at most 90 s. (Before, it stopped once the RSS had fallen by a tenth and held for 8 s: in one run of seven that
 * was 9 s into the pause, before the compaction, at 567 MB.)
 */
async function idleMemory(session) {
  const t0 = performance.now();
  const logsBefore = session.logs.length;
  let last = session.memory();
  let steady = 0;
  while (performance.now() - t0 < 90_000) {
    await sleep(1000);
    const now = session.memory();
    steady = Math.abs(now.rssMB - last.rssMB) < 2 ? steady + 1 : 0;
    last = now;
    const compacted = session.logs.slice(logsBefore).some((l) => /compacted the heap/.test(l.message));
    if (steady >= 8 && (compacted || performance.now() - t0 >= 30_000)) break;
  }
  return { ...last, seconds: (performance.now() - t0) / 1000 };
}

// ---- Report ------------------------------------------------------------------------------------------------------

const ms = (v) => (v === undefined || Number.isNaN(v) ? 'n/a' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
const mb = (v) => (v === undefined || Number.isNaN(v) ? 'n/a' : `${v.toFixed(0)} MB`);
const ratio = (b, y) => (b === undefined || y === undefined || Number.isNaN(b) || Number.isNaN(y) || b <= 0 ? '' : `${(y / b).toFixed(2)}×`);

function table(bm, yls, meta) {
  const rows = [
    ['metric', 'botmaster', 'yaml-language-server', 'ratio (yaml-ls ÷ botmaster)'],
    [`cold index: \`initialized\` → diagnostics for all ${meta.counts.files} files`, ms(bm.coldMs), 'n/a (validates open files only)', ''],
    ['cold bot-wide checks: indexed → cheap checks / confusable examples run (server log)', bm.checksMs === undefined ? 'n/a' : `${ms(bm.checksMs)} / ${ms(bm.heavyMs)}`, 'n/a', ''],
    ['open large file → first diagnostics', ms(bm.openMs), ms(yls?.openMs), ratio(bm.openMs, yls?.openMs)],
    [`edit → diagnostics p50 (n=${bm.edit?.n ?? 0})`, ms(bm.edit?.p50), ms(yls?.edit?.p50), ratio(bm.edit?.p50, yls?.edit?.p50)],
    ['edit → diagnostics p95', ms(bm.edit?.p95), ms(yls?.edit?.p95), ratio(bm.edit?.p95, yls?.edit?.p95)],
    ['edit: the server\'s CPU time per edit (mean, from /proc: not the time other work took)', ms(bm.editCpuMs), ms(yls?.editCpuMs), ratio(bm.editCpuMs, yls?.editCpuMs)],
    [`completion p50 (n=${bm.completion?.n ?? 0})`, ms(bm.completion?.p50), ms(yls?.completion?.p50), ratio(bm.completion?.p50, yls?.completion?.p50)],
    ['completion p95', ms(bm.completion?.p95), ms(yls?.completion?.p95), ratio(bm.completion?.p95, yls?.completion?.p95)],
    [`definition p50 (n=${bm.definition?.n ?? 0})`, ms(bm.definition?.p50), yls?.definition ? `${ms(yls.definition.p50)} (finds ${yls.definitionFound})` : 'n/a', ''],
    ['definition p95', ms(bm.definition?.p95), yls?.definition ? ms(yls.definition.p95) : 'n/a', ''],
    ['memory: RSS after indexing (botmaster) / after opening the large file (yaml-ls)', mb(bm.memIndexed?.rssMB), mb(yls?.memOpen?.rssMB), ratio(bm.memIndexed?.rssMB, yls?.memOpen?.rssMB)],
    ['memory: RSS once idle at the end (the large file open; the heap compacted after 20 s idle)', bm.memIdle ? `${mb(bm.memIdle.rssMB)} (after ${bm.memIdle.seconds.toFixed(0)} s)` : 'n/a', 'n/a', ''],
    ['memory: peak RSS (VmHWM) over the run', mb(bm.memEnd?.peakMB), mb(yls?.memEnd?.peakMB), ratio(bm.memEnd?.peakMB, yls?.memEnd?.peakMB)],
  ];
  return rows.map((r, i) => `| ${r.join(' | ')} |` + (i === 0 ? `\n|${r.map((_, k) => (k === 0 ? '---' : '---:')).join('|')}|` : '')).join('\n');
}

function targets(bm, yls, size) {
  const lines = [];
  const check = (ok, text) => lines.push(`${ok ? 'TARGET MET' : 'TARGET MISSED'}: ${text}`);
  const target = TARGETS_BY_SIZE[size] ?? TARGETS;
  if (bm.edit) check(bm.edit.p95 < target.editP95, `edit → diagnostics p95 ${ms(bm.edit.p95)} (target < ${target.editP95} ms)`);
  else check(false, 'edit → diagnostics: not measured');
  if (bm.completion) check(bm.completion.p95 < target.completionP95, `completion p95 ${ms(bm.completion.p95)} (target < ${target.completionP95} ms)`);
  else check(false, 'completion: not measured');
  if (target.idleMB && bm.memIdle) check(bm.memIdle.rssMB < target.idleMB, `RSS once idle ${mb(bm.memIdle.rssMB)} (target < ${target.idleMB} MB)`);
  if (yls?.edit && bm.edit) check(bm.edit.p95 < yls.edit.p95, `edit → diagnostics p95 faster than yaml-language-server (${ms(bm.edit.p95)} vs ${ms(yls.edit.p95)})`);
  if (yls?.completion && bm.completion) check(bm.completion.p95 < yls.completion.p95, `completion p95 faster than yaml-language-server (${ms(bm.completion.p95)} vs ${ms(yls.completion.p95)})`);
  if (yls?.openMs !== undefined && bm.openMs !== undefined) check(bm.openMs < yls.openMs, `open → diagnostics faster than yaml-language-server (${ms(bm.openMs)} vs ${ms(yls.openMs)})`);
  return lines;
}

// ---- Main --------------------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const args = parseArgs(process.argv.slice(2));
  traceEdits = !!args.traceEdits;
  const server = args.server ?? path.join(ROOT, 'dist/server/server.js');
  if (!fs.existsSync(server)) {
    console.error(`bench: ${path.relative(process.cwd(), server)} not found. Build the server first: \`node scripts/build.mjs\` (or \`npm run build\`).`);
    process.exit(1);
  }
  if (args.yls && !fs.existsSync(YLS)) {
    log(`yaml-language-server not found at ${YLS}: measuring Botmaster only (npm install first to compare).`);
    args.yls = false;
  }

  // The bot.
  const options = optionsFor(args.size, { name: args.name });
  const bot = path.join(GENERATED, args.name);
  const metaFile = path.join(GENERATED, `${args.name}.meta.json`);
  let meta = fs.existsSync(metaFile) ? JSON.parse(fs.readFileSync(metaFile, 'utf8')) : undefined;
  const wanted = { intents: options.intents, examples: options.examples, nodes: options.nodes, files: options.files, largeIntents: options.largeIntents, seed: options.seed };
  const stale = !meta || !fs.existsSync(bot) || meta.generator !== GENERATOR_VERSION || JSON.stringify(meta.options) !== JSON.stringify(wanted);
  let generateMs = 0;
  if (args.regenerate || stale) {
    log(`generating ${path.relative(ROOT, bot)} (${options.intents} intents, ${options.examples} examples, ${options.nodes} nodes, ${options.files} files)`);
    const t = performance.now();
    meta = generate(options, log).meta;
    generateMs = performance.now() - t;
  }
  const files = findDialogFiles(bot);
  const large = { file: path.join(bot, meta.largeFile) };
  large.text = fs.readFileSync(large.file, 'utf8');
  const flow = { file: path.join(bot, meta.flowFile) };
  flow.text = fs.readFileSync(flow.file, 'utf8');
  const edits = planEdits(large.text, Math.ceil((args.edits + args.warmup) / 2));
  const positions = planPositions(flow.text, args.requests);
  const full = args.size !== 'quick';
  const timeouts = { cold: full ? 900_000 : 180_000, edit: full ? 120_000 : 60_000, request: full ? 60_000 : 30_000 };
  const ctx = { args, bot, large, flow, files, edits, positions, timeouts, server };

  // Whole-run watchdog: print what we have and leave rather than hang.
  const watchdog = setTimeout(() => {
    console.error('bench: the whole run took more than 60 minutes; giving up (servers are killed).');
    process.exit(1);
  }, 60 * 60_000);
  watchdog.unref();

  const serverHash = createHash('sha1').update(fs.readFileSync(server)).digest('hex').slice(0, 12);
  let gitHead = '';
  try {
    gitHead = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }

  const tb = performance.now();
  const bm = await runBotmaster(ctx);
  const botmasterMs = performance.now() - tb;
  let yls;
  let ylsMs = 0;
  if (args.yls) {
    const ty = performance.now();
    yls = await runYls(ctx);
    ylsMs = performance.now() - ty;
  }

  // Report.
  const largeInfo = meta.files.find((f) => f.path === meta.largeFile);
  const out = [];
  out.push(`## Botmaster benchmark: \`${args.name}\``);
  out.push('');
  out.push(
    `Bot: ${meta.counts.files} files, ${meta.counts.intents.toLocaleString('en')} intents, ${meta.counts.examples.toLocaleString('en')} examples, ${meta.counts.nodes.toLocaleString('en')} nodes, ${meta.counts.lines.toLocaleString('en')} lines. ` +
      `Large file \`${meta.largeFile}\`: ${largeInfo.lines.toLocaleString('en')} lines, ${(largeInfo.bytes / 1e6).toFixed(2)} MB. Completion/definition in \`${meta.flowFile}\`.`,
  );
  out.push(
    `Edits: ${bm.edit?.n ?? 0} measured after ${args.warmup} warm-up (${bm.sync ?? '?'} sync for botmaster, ${yls?.sync ?? '-'} for yaml-ls), alternating "insert a character that makes an unknown entity" / "remove it". ` +
      `Requests: ${args.requests} after ${args.warmup} warm-up, alternating a \`goto:\` value and a node \`on:\` key.`,
  );
  out.push(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${loadAtStart} at the start and ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end (other work on the machine skews the numbers), Node ${process.version}. Server: ${path.relative(ROOT, server)} sha1 ${serverHash}${gitHead ? `, git ${gitHead}` : ''}.`);
  out.push('');
  out.push(table(bm, yls, meta));
  out.push('');
  out.push('Details:');
  out.push(`- botmaster cold index: ${bm.coldProblems ? `${bm.coldProblems.errors} errors, ${bm.coldProblems.warnings} warnings in the bot` : 'n/a'}; edits with unexpected diagnostics: ${bm.editWrong ?? 'n/a'}; definition found: ${bm.definitionFound ?? 'n/a'}; schema probe (\`exemples:\`) reported: ${bm.schema?.reported ?? 'n/a'}.`);
  out.push(`- botmaster completion: ${bm.completionDetail ?? 'n/a'}. Edit min/max ${ms(bm.edit?.min)} / ${ms(bm.edit?.max)}; the publish after the last edit: ${bm.editPublish ?? 'n/a'}.`);
  if (yls) {
    out.push(`- yaml-language-server: validates after a fixed 200 ms delay (validationDelayMs), included in its edit → diagnostics times. Completion: ${yls.completionDetail ?? 'n/a'}. Schema probe reported: ${yls.schema?.reported ?? 'n/a'}${yls.schema?.message ? ` ("${yls.schema.message.split('\n')[0]}")` : ''}. RSS before opening a file ${mb(yls.memIndexed?.rssMB)}.`);
  }
  out.push(`- Time: generation ${(generateMs / 1000).toFixed(1)} s, botmaster ${(botmasterMs / 1000).toFixed(1)} s, yaml-language-server ${(ylsMs / 1000).toFixed(1)} s, total ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  for (const r of [bm, yls].filter(Boolean)) {
    for (const e of r.errors) out.push(`- ${r.name} FAILED: ${e}`);
    if (r.serverErrors.length) {
      out.push(`- ${r.name} logged ${r.serverErrors.length} error/warning/stderr lines; first ones:`);
      for (const l of r.serverErrors.slice(0, 8)) out.push(`    ${l.slice(0, 300)}`);
    }
  }
  const infos = bm.session.logs.filter((l) => l.type >= 3).map((l) => l.message);
  if (infos.length) out.push(`- botmaster log: ${infos.slice(0, 3).join(' | ').slice(0, 400)}`);
  // When the server compacted its heap (after 20 s idle: host/idleCompaction.ts), by the phase the bench was in.
  const compactions = bm.session.logs.filter((l) => /compacted the heap/.test(l.message));
  if (compactions.length) out.push(`- botmaster compacted its heap ${compactions.length} time(s): ${compactions.map((l) => `${l.message.replace(/^Botmaster: /, '')} (during: ${phaseAt(bm.phases, l.at)})`).join(' | ')}`);
  out.push('');
  out.push(...targets(bm, yls, args.size));
  if (bm.profileSummary) {
    out.push('');
    out.push(`CPU profile of the botmaster server (${bm.profile ? path.relative(ROOT, bm.profile) : 'none'}), top self time:`);
    out.push('');
    out.push(bm.profileSummary);
  }
  console.log(out.join('\n'));

  const jsonFile = args.json ?? path.join(GENERATED, `${args.name}.results.json`);
  const strip = (r) => r && Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'session'));
  fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
  fs.writeFileSync(jsonFile, JSON.stringify({ date: new Date().toISOString(), name: args.name, meta: { counts: meta.counts, largeFile: meta.largeFile }, serverHash, gitHead, botmaster: strip(bm), yamlLanguageServer: strip(yls) }, null, 2) + '\n');
  log(`results written to ${path.relative(process.cwd(), jsonFile)}`);
  clearTimeout(watchdog);
  return bm.errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bench: ${error.stack ?? error}`);
    process.exit(1);
  },
);
