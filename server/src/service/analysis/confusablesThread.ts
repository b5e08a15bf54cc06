/**
 * The worker thread of the confusable-example check (bundled as dist/server/confusables-worker.js; its other side is
 * confusablesWorker.ts). It keeps each bot's index, with the examples of each file as last sent, and answers a
 * request with every example's best match. Requests that queued up while it worked (the server sends one as files are
 * indexed) are taken together: only the last one of each bot is answered, the others' answers are no longer wanted.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { syncIndex } from './confusables';
import { normalizeExample } from './intents';
import type { BotState, ExampleText, IndexedFile } from './confusables';
import type { WorkerReply, WorkerRequest } from './confusablesWorker';

const { port, answered } = workerData as { port: MessagePort; answered: Int32Array };

interface Held {
  /** Each file's examples as last sent, with their version (an example's place in its list is its span). */
  files: Map<string, IndexedFile>;
  state?: BotState;
}

const bots = new Map<number, Held>();

port.on('message', (first: WorkerRequest) => {
  const batch = [first];
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) batch.push(next.message as WorkerRequest);
  const last = new Map<number, WorkerRequest>();
  for (const request of batch) {
    receive(request);
    last.set(request.bot, request);
  }
  for (const request of last.values()) {
    let reply: WorkerReply;
    try {
      reply = answer(request);
    } catch (e) {
      reply = { id: request.id, error: (e as Error).message, uris: [], locales: [] };
    }
    port.postMessage(reply, reply.locales.flatMap(([, places, similarities]) => [places.buffer as ArrayBuffer, similarities.buffer as ArrayBuffer]));
    Atomics.add(answered, 0, 1);
    Atomics.notify(answered, 0);
  }
});

/** Keeps the examples a request brings. */
function receive(request: WorkerRequest): void {
  let held = bots.get(request.bot);
  if (!held) bots.set(request.bot, (held = { files: new Map() }));
  const versions = new Map(request.files);
  for (const [uri, locales] of request.examples) {
    const byLocale = new Map<string, ExampleText[]>();
    for (const { locale, intents, intentOf, texts, ends } of locales) {
      const examples: ExampleText[] = [];
      for (let index = 0, start = 0; index < ends.length; start = ends[index++]) {
        // The place in the file's list stands for the span (the answer gives places).
        examples.push({ uri, intent: intents[intentOf[index]], span: { start: index, end: index }, text: '', normalized: normalizeExample(texts.slice(start, ends[index])) });
      }
      byLocale.set(locale, examples);
    }
    held.files.set(uri, { version: versions.get(uri), examples: () => byLocale });
  }
}

function answer(request: WorkerRequest): WorkerReply {
  const held = bots.get(request.bot)!;
  const files = new Map<string, IndexedFile>();
  for (const [uri, version] of request.files) {
    const file = held.files.get(uri);
    if (!file || file.version !== version) throw new Error(`the examples of ${uri} at version ${version} were never sent`);
    files.set(uri, file);
  }
  held.files = files;
  const steps = syncIndex(held.state, request.threshold, files);
  let step = steps.next();
  while (!step.done) step = steps.next();
  held.state = step.value;
  const uris = [...files.keys()];
  const fileNumbers = new Map(uris.map((uri, i) => [uri, i]));
  const locales: WorkerReply['locales'] = [];
  for (const [locale, index] of held.state.locales) {
    const found = [...index.matches()];
    const places = new Int32Array(4 * found.length);
    const similarities = new Float64Array(found.length);
    found.forEach(({ example, other, similarity }, i) => {
      places[4 * i] = fileNumbers.get(example.uri) ?? -1;
      places[4 * i + 1] = example.span.start;
      places[4 * i + 2] = fileNumbers.get(other.uri) ?? -1;
      places[4 * i + 3] = other.span.start;
      similarities[i] = similarity;
    });
    locales.push([locale, places, similarities]);
  }
  return { id: request.id, uris, locales };
}
