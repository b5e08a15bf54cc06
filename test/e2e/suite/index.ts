// The mocha runner that VS Code loads in the extension host as `extensionTestsPath` (see test/e2e/run.mjs).
// VS Code calls run(); a rejected promise makes the workbench report exit code 1 through codeAutomationExit.
// The test files are bundled into this file by esbuild, so they are registered with mocha's `pre-require`
// event instead of being loaded from disk.
import Mocha from 'mocha';
import { format } from 'util';
import { e2eLog } from './log';

export function run(): Promise<void> {
  // The extension host's console reaches the browser console mixed with the workbench's own logging, with the
  // format arguments unapplied; one preformatted, marked string per line lets run.mjs pick the test output out.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => e2eLog(format(...args));
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: 60_000,
    grep: process.env.BOTMASTER_E2E_GREP || undefined,
  });
  mocha.suite.emit('pre-require', globalThis, 'extension.test.ts', mocha);
  // Evaluated only now, after `describe`/`it` exist on globalThis.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./extension.test');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./graphPreview.test');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./simulator.test');

  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats ?? { tests: 0, passes: 0, failures, pending: 0 };
      // One machine-readable line for run.mjs, next to mocha's own summary.
      e2eLog(`[e2e-summary] ${JSON.stringify({ tests: stats.tests, passes: stats.passes, failures: stats.failures, pending: stats.pending })}`);
      if (failures > 0) reject(new Error(`${failures} e2e test(s) failed`));
      else if (stats.passes === 0) reject(new Error('no e2e test ran'));
      else resolve();
    });
  });
}
