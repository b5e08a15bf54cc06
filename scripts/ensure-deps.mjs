// Installs the npm dependencies when they are missing or older than package-lock.json, so that `npm start` and
// `npm test` work on a fresh clone. Uses only Node's own modules (nothing is installed yet when it runs).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync('package-lock.json').mtimeMs;
if (stale) {
  console.log('Installing npm dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
