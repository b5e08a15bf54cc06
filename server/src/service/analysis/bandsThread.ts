/**
 * A helper thread of a confusable index's build (bundled as dist/server/confusables-bands.js; the host starts it:
 * host/bandHelper.ts). It takes the jobs of one build (bands.ts): sketching the entries as the builder numbers them,
 * then a share of the band pass; then it ends. It ends as well if no job comes for a minute, so that a build the
 * server abandoned leaves no thread behind.
 */
import { parentPort } from 'node:worker_threads';
import { helpWithBands, sketchForBuilder } from './bands';
import type { BandJob, SketchJob } from './bands';

const port = parentPort!;
const IDLE_MS = 60_000;
let idle = setTimeout(() => port.close(), IDLE_MS);
port.on('message', (job: SketchJob | BandJob) => {
  clearTimeout(idle);
  if (job.kind === 'sketch') {
    sketchForBuilder(job);
    idle = setTimeout(() => port.close(), IDLE_MS);
  } else {
    helpWithBands(job);
    port.close();
  }
});
