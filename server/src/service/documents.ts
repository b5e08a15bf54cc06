/**
 * Parsed YAML documents of the files not open in the editor are released: on a big bot they are a quarter of the
 * server's heap (100 MB on the issue-3 bot), and everything the checks, navigation and the index need is in each
 * file's model. What still needs a document of such a file (a quick fix that edits another file, the simulator)
 * asks `documentOf`, which parses the file's text again and keeps the last few.
 *
 * The server turns this on (`Workspace.keepDocumentsOfOpenFilesOnly`); the CLI and the tests keep every document.
 */
import type { Document } from 'yaml';
import { adoptIntentRecords } from './model';
import { parseText } from './parse';
import { settle } from './shifts';
import type { FileModel } from './types';

const released = new WeakSet<FileModel>();
/** Documents parsed again, the most recent first. */
const reparsed: { model: FileModel; doc: Document.Parsed | undefined }[] = [];
const KEEP_REPARSED = 4;

/** Drops a model's document (`model.doc` and `model.parsed.doc`); `documentOf` parses it again when asked. */
export function releaseDocument(model: FileModel): void {
  if (!model.doc) return;
  released.add(model);
  model.doc = undefined;
  model.parsed.doc = undefined;
}

/** Gives a model its document back (the file was opened: its next edit is re-parsed in part from it). */
export function restoreDocument(model: FileModel): void {
  if (!released.has(model)) return;
  const doc = documentOf(model);
  adoptIntentRecords(model, doc); // its next edit reuses the intents the model read (model.ts)
  released.delete(model);
  model.doc = doc;
  model.parsed.doc = doc;
}

/**
 * The parsed document of a file model: the one it holds, or its text parsed again if it was released. Its positions
 * are all up to date (shifts.ts).
 */
export function documentOf(model: FileModel): Document.Parsed | undefined {
  const doc = documentAsIs(model);
  settle(doc);
  return doc;
}

/**
 * The same document, with the insides of the entries after the last edits perhaps not moved yet: for a walk that
 * settles each entry it goes into (`settle(doc, node)`), as the walk to the cursor does.
 */
export function documentAsIs(model: FileModel): Document.Parsed | undefined {
  if (!released.has(model)) return model.doc;
  let entry = reparsed.find((r) => r.model === model);
  if (entry) reparsed.splice(reparsed.indexOf(entry), 1);
  else entry = { model, doc: parseText(model.text).doc };
  reparsed.unshift(entry);
  reparsed.length = Math.min(reparsed.length, KEEP_REPARSED);
  return entry.doc;
}

/** Whether a model's document was released (for tests). */
export function isReleased(model: FileModel): boolean {
  return released.has(model);
}
