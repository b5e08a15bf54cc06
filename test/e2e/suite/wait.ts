/**
 * Polls `probe` every 250 ms until `done` accepts its result, for the e2e suites (the workbench updates
 * asynchronously). A probe that throws is tried again; on timeout the last result or error is in the message.
 */
export async function waitFor<T>(what: string, probe: () => Thenable<T> | T, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      lastError = undefined;
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const detail = lastError !== undefined ? `last error: ${String(lastError)}` : `last result: ${JSON.stringify(last)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${detail}`);
}
