/**
 * The worker thread of the confusable-example check, for the server (and tests): the language service is a library
 * and starts no thread itself; it talks to this one through a `WorkerChannel` (service/analysis/confusablesWorker.ts).
 *
 * Requests go through a `MessageChannel`; answers are read with `receiveMessageOnPort`, so without the event loop,
 * and the worker counts its answers in shared memory, so that waiting for one is an `Atomics.wait` sleep.
 */
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { WorkerChannel, WorkerReply, WorkerRequest } from '../service/analysis/confusablesWorker';

/** The worker's script next to the server's bundle (scripts/build.mjs writes both into dist/server/). */
export const BUNDLED_WORKER = path.join(__dirname, 'confusables-worker.js');

/** Starts the worker thread from its script (the bundle of service/analysis/confusablesThread.ts). */
export function startConfusablesWorker(file = BUNDLED_WORKER): WorkerChannel {
  const { port1, port2 } = new MessageChannel();
  const answered = new Int32Array(new SharedArrayBuffer(4));
  let failure: string | undefined;
  let worker: Worker | undefined;
  try {
    worker = new Worker(file, { workerData: { port: port2, answered }, transferList: [port2] });
    worker.unref(); // the CLI and tests exit without stopping it
    worker.on('error', (e) => (failure ??= `the confusable-examples worker failed: ${e.message}`));
    worker.on('exit', (code) => (failure ??= `the confusable-examples worker stopped (exit code ${code})`));
  } catch (e) {
    failure = `the confusable-examples worker could not start: ${(e as Error).message}`;
  }
  return {
    post: (request: WorkerRequest) => port1.postMessage(request),
    read: () => receiveMessageOnPort(port1)?.message as WorkerReply | undefined,
    wait: (ms: number) => void Atomics.wait(answered, 0, Atomics.load(answered, 0), ms),
    get failure() {
      return failure;
    },
    close: () => {
      failure ??= 'the confusable-examples worker was closed';
      void worker?.terminate();
      port1.close();
    },
  };
}
