/**
 * A minimal LSP client for benchmarks: spawns a server over stdio, speaks LSP with vscode-languageserver-protocol,
 * timestamps every publishDiagnostics on arrival, and bounds every wait by a timeout.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createProtocolConnection } = require('vscode-languageserver-protocol/node');
const { StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

/** Node's options for the Botmaster server, as the extension starts it with them (docs/architecture.md). */
export const SERVER_NODE_ARGS = JSON.parse(fs.readFileSync(new URL('../server/src/host/serverNodeArgs.json', import.meta.url), 'utf8'));

export class TimeoutError extends Error {
  name = 'TimeoutError';
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer after ${(ms / 1000).toFixed(0)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const live = new Set();
/** Kill every server still running when the harness exits, whatever the reason. */
function killAll() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

export class LspSession {
  /**
   * @param {string} name
   * @param {string[]} argv node arguments (script and its options)
   * @param {{ cwd?: string, configuration?: (section: string | undefined) => unknown }} options
   */
  constructor(name, argv, options = {}) {
    this.name = name;
    this.argv = argv;
    this.options = options;
    this.diagnostics = new Map(); // uri -> { version, diagnostics, at }
    this.waiters = new Set();
    this.logs = []; // { type, message }
    this.stderr = '';
    this.exited = undefined;
    this.configurationRequests = 0;
    this.publishCount = 0;
  }

  start() {
    this.child = spawn(process.execPath, this.argv, { cwd: this.options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(this.child);
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk) => {
      if (this.stderr.length < 1_000_000) this.stderr += chunk;
    });
    let died;
    this.died = new Promise((_, reject) => (died = reject));
    this.died.catch(() => {});
    this.child.on('exit', (code, signal) => {
      live.delete(this.child);
      this.exited = { code, signal };
      died(new Error(`${this.name} exited (code ${code}, signal ${signal})${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`));
      for (const w of this.waiters) w.reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) while waiting for ${w.what}`));
      this.waiters.clear();
    });
    this.child.on('error', (e) => {
      this.exited = { error: e };
    });
    this.child.stdin.on('error', () => {}); // EPIPE when the server died; reported through `exited`
    const connection = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection = connection;
    connection.onNotification('textDocument/publishDiagnostics', (params) => {
      const at = performance.now();
      this.publishCount++;
      const entry = { version: params.version, diagnostics: params.diagnostics, at };
      this.diagnostics.set(params.uri, entry);
      for (const w of [...this.waiters]) {
        if (w.match(params, entry)) {
          this.waiters.delete(w);
          clearTimeout(w.timer);
          w.resolve({ at, params });
        }
      }
    });
    // \`at\`: microseconds on the monotonic clock, as bench/run.mjs marks its phases.
    connection.onNotification('window/logMessage', (params) => this.logs.push({ ...params, at: Number(process.hrtime.bigint() / 1000n) }));
    connection.onNotification('window/showMessage', (params) => this.logs.push(params));
    connection.onNotification('telemetry/event', () => {});
    connection.onRequest('workspace/configuration', (params) => {
      this.configurationRequests++;
      return params.items.map((item) => (this.options.configuration ? this.options.configuration(item.section) : null));
    });
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('window/showMessageRequest', () => null);
    connection.onRequest('workspace/workspaceFolders', () => this.workspaceFolders ?? null);
    connection.onRequest('workspace/semanticTokens/refresh', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    connection.onRequest('workspace/inlayHint/refresh', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.onError(() => {});
    connection.onClose(() => {});
    connection.listen();
    return this;
  }

  get pid() {
    return this.child?.pid;
  }

  /** Resident memory in MB, and the peak (VmHWM), from /proc; `ps` where /proc is missing. */
  memory() {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
    } catch {
      return { rssMB: NaN, peakMB: NaN };
    }
  }

  /**
   * CPU time the server has used, in ms (user + system, from /proc/<pid>/stat at 100 ticks a second; NaN without
   * /proc). Unlike wall-clock times, it does not count the time the machine gave to other work.
   */
  cpuMs() {
    try {
      const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15 of the whole line)
    } catch {
      return NaN;
    }
  }

  async initialize(rootUri, capabilities, initializationOptions, timeoutMs = 60_000) {
    this.workspaceFolders = [{ uri: rootUri, name: rootUri.split('/').pop() }];
    return withTimeout(
      this.guard(this.connection.sendRequest('initialize', {
        processId: process.pid,
        clientInfo: { name: 'botmaster-bench', version: '1' },
        rootUri,
        workspaceFolders: this.workspaceFolders,
        capabilities,
        initializationOptions,
      })),
      timeoutMs,
      `${this.name} initialize`,
    );
  }

  notify(method, params) {
    return this.connection.sendNotification(method, params);
  }

  request(method, params, timeoutMs, what = method) {
    return withTimeout(this.guard(this.connection.sendRequest(method, params)), timeoutMs, `${this.name} ${what}`);
  }

  /** Fails as soon as the server process dies, instead of waiting for the timeout. */
  guard(promise) {
    return Promise.race([promise, this.died]);
  }

  /** Resolves at the first publishDiagnostics (from now on) that `match` accepts. */
  waitForDiagnostics(match, timeoutMs, what) {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
    return new Promise((resolve, reject) => {
      const w = { match, resolve, reject, what };
      w.timer = setTimeout(() => {
        this.waiters.delete(w);
        reject(new TimeoutError(`${this.name}: no diagnostics for ${what} after ${(timeoutMs / 1000).toFixed(0)} s`));
      }, timeoutMs);
      this.waiters.add(w);
    });
  }

  /** Polite shutdown, bounded; then SIGKILL. */
  async stop(timeoutMs = 10_000) {
    if (!this.child || this.exited) return;
    try {
      await withTimeout(this.connection.sendRequest('shutdown'), timeoutMs, `${this.name} shutdown`);
      await this.connection.sendNotification('exit');
    } catch {
      // killed below
    }
    const gone = new Promise((resolve) => (this.exited ? resolve() : this.child.once('exit', resolve)));
    await withTimeout(gone, timeoutMs, `${this.name} exit`).catch(() => this.child.kill('SIGKILL'));
    await withTimeout(gone, 5_000, `${this.name} kill`).catch(() => {});
    this.connection.dispose();
  }
}
