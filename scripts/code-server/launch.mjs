// Starting code-server (a real VS Code: server + web workbench) with the Botmaster extension installed in place.
// Shared by `npm start` (scripts/start.mjs) and the end-to-end tests (test/e2e/run.mjs).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_BASE = path.resolve(process.env.VSCODE_TEST_DIR ?? path.join(REPO, '.vscode-test'));

export function codeServerEntry(base = DEFAULT_BASE) {
  return path.join(base, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Runs scripts/code-server/install.sh when code-server is not installed yet under `base`. */
export function ensureCodeServer(base = DEFAULT_BASE, log = console.log) {
  if (fs.existsSync(path.join(base, 'code-server', '.installed')) && fs.existsSync(codeServerEntry(base))) return;
  log('code-server is not installed: running scripts/code-server/install.sh');
  const result = spawnSync(path.join(REPO, 'scripts', 'code-server', 'install.sh'), { stdio: 'inherit', env: { ...process.env, VSCODE_TEST_DIR: base } });
  if (result.status !== 0) throw new Error('scripts/code-server/install.sh failed');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Kills code-server and everything it started (extension hosts share its process group). */
export function killGroup(child, signal) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

/**
 * Starts code-server on a loopback port with fresh user data and the extension at `extension` installed in place
 * (the extensions manifest points at the folder; nothing is copied). Resolves once /healthz answers.
 */
export async function launchCodeServer({ base = DEFAULT_BASE, extension = REPO, port, env = {}, healthTimeoutMs = 30_000 } = {}) {
  port ??= await freePort();
  const logs = path.join(base, 'logs');
  const userData = path.join(base, 'user-data');
  // Fresh user data each run: no restored editors, panels or notifications from an earlier run.
  fs.rmSync(userData, { recursive: true, force: true });
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const dirs = {
    extensions: path.join(base, 'extensions'),
    config: path.join(base, 'xdg', 'config'),
    data: path.join(base, 'xdg', 'data'),
    cache: path.join(base, 'xdg', 'cache'),
  };
  for (const dir of [...Object.values(dirs), logs]) fs.mkdirSync(dir, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(extension, 'package.json'), 'utf8'));
  fs.writeFileSync(
    path.join(dirs.extensions, 'extensions.json'),
    JSON.stringify([
      {
        identifier: { id: `${manifest.publisher}.${manifest.name}`.toLowerCase() },
        version: manifest.version,
        location: { $mid: 1, scheme: 'file', path: extension },
        metadata: { installedTimestamp: Date.now(), source: 'resource', pinned: true },
      },
    ]),
  );
  const logFile = path.join(logs, 'code-server.log');
  const logFd = fs.openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      codeServerEntry(base),
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--user-data-dir', userData,
      '--extensions-dir', dirs.extensions,
    ],
    {
      cwd: base,
      detached: true, // its own process group, killed as a whole by killGroup()
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, XDG_CACHE_HOME: dirs.cache, ...env },
    },
  );
  fs.closeSync(logFd);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + healthTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}, see ${logFile}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer ${url}/healthz within ${healthTimeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, port, logFile };
}
