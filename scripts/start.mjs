// `npm start`: build, then open a real VS Code (code-server) in the browser with the extension on examples/.
// Prints the URL and keeps running until Ctrl-C; code-server and its extension hosts stop with it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureCodeServer, killGroup, launchCodeServer, REPO } from './code-server/launch.mjs';

const build = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: REPO });
if (build.status !== 0) process.exit(build.status ?? 1);
ensureCodeServer();
const port = process.env.PORT ? Number(process.env.PORT) : 8080;
const { child, url, logFile } = await launchCodeServer({ port });
const folder = path.join(REPO, 'examples');
const open = `${url}/?folder=${encodeURIComponent(folder)}`;
console.log(`\nBotmaster is running in VS Code at:\n\n  ${open}\n\nOpen a *.bot.yaml file (try examples/broken/bot/unknown-references.bot.yaml). code-server log: ${path.relative(REPO, logFile)}\nPress Ctrl-C to stop.`);
const stop = () => {
  killGroup(child, 'SIGTERM');
  setTimeout(() => {
    killGroup(child, 'SIGKILL');
    process.exit(0);
  }, 1000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('exit', () => killGroup(child, 'SIGKILL'));
child.on('exit', (code) => {
  console.log(`code-server exited (${code}); see ${logFile}`);
  process.exit(code ?? 1);
});
