/**
 * Helper threads for the band pass of the confusable index's builds (service/analysis/bands.ts): the language
 * service is a library and starts no thread itself; the server and the command line give it this.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { helperFailed } from '../service/analysis/bands';
import type { BandHelper, BandJob } from '../service/analysis/bands';

/** The helper's script next to the server's bundle (scripts/build.mjs writes both into dist/server/). */
export const BUNDLED_BAND_HELPER = path.join(__dirname, 'confusables-bands.js');

/**
 * How a build gets its helper: a new thread from \`file\` (the bundle of service/analysis/bandsThread.ts), started when
 * the build starts; undefined on a machine of one core, where a helper would only take turns with the builder, or
 * when the environment says \`BOTMASTER_BAND_HELPER=0\`.
 */
export function bandHelpers(file = BUNDLED_BAND_HELPER, onError?: (message: string) => void): (() => BandHelper | undefined) | undefined {
  if (os.availableParallelism() < 2 || process.env.BOTMASTER_BAND_HELPER === '0') return undefined;
  return () => {
    let worker: Worker;
    try {
      worker = new Worker(file);
    } catch (e) {
      onError?.(`the band pass's helper thread could not start: ${(e as Error).message}`);
      return undefined;
    }
    worker.unref(); // the command line exits without stopping it
    let job: BandJob | undefined;
    let closed = false;
    // The builder waits for the helper's bands without the event loop (it may not return to it, as in the command
    // line): a failure is told through the job's shared counters, and the builder gives up on a helper that stalls.
    worker.on('error', (e) => {
      if (!closed) onError?.(`the band pass's helper thread failed: ${e.message}`);
      if (job) helperFailed(job.control);
    });
    return {
      run: (sent: BandJob) => {
        job = sent;
        worker.postMessage(sent);
      },
      close: () => {
        closed = true;
        void worker.terminate();
      },
    };
  };
}
