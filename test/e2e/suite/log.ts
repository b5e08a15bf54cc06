/** The marker run.mjs looks for in the browser console to tell test output from the workbench's own logging. */
export const E2E_MARKER = '[e2e] ';

/** Prints test output so that run.mjs shows it: one console message per line, each marked. */
export function e2eLog(text: string): void {
  for (const line of text.split('\n')) console.log(E2E_MARKER + line);
}
