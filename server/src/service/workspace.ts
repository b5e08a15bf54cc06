/**
 * The workspace index: every dialog file's model, grouped into bots (a bot is the folder of a manifest and everything
 * below it), with definitions and references by `kind:id`. Updating one file re-indexes that file only and tells which
 * files' diagnostics may have changed.
 */
import { carryOver, INCREMENTAL_MIN_CHARS, reparseIncrementally } from './incremental';
import { releaseDocument, restoreDocument } from './documents';
import { buildModel } from './model';
import { partOf } from './reachability';
import { parseText } from './parse';
import { validateEntries } from './schema';
import type { Definition, FileModel, Kind, Reference } from './types';

export const ORPHANS = '';
const NO_FILES: ReadonlyMap<string, Reference[]> = new Map();

export function keyOf(kind: Kind, id: string): string {
  return `${kind}:${id}`;
}

export function folderOf(uri: string): string {
  const slash = uri.lastIndexOf('/');
  return slash === -1 ? '' : uri.slice(0, slash);
}

/** The index of one bot. */
export class Bot {
  /** Goes up with every change to one of the bot's files: cached analyses of an older version are stale. */
  version = 0;
  readonly files = new Set<string>();
  readonly manifests = new Set<string>();
  readonly definitions = new Map<string, Definition[]>();
  /** References by kind, then id, then file: without a `kind:id` key, which typing made for every moved reference. */
  readonly referencesByKind = new Map<Kind, Map<string, Map<string, Reference[]>>>();
  readonly idsByKind = new Map<Kind, Map<string, Definition[]>>();

  constructor(readonly root: string) {}

  add(model: FileModel): void {
    this.version++;
    this.files.add(model.uri);
    if (model.manifest) this.manifests.add(model.uri);
    for (const def of model.definitions) {
      const key = keyOf(def.kind, def.id);
      const list = this.definitions.get(key);
      if (list) list.push(def);
      else this.definitions.set(key, [def]);
      let ids = this.idsByKind.get(def.kind);
      if (!ids) this.idsByKind.set(def.kind, (ids = new Map()));
      ids.set(def.id, this.definitions.get(key)!);
    }
    // The file's references grouped by id first, so that each list is stored at its size: a list grown by `push`
    // keeps room for 16 more, and a big bot has 120,000 of them (18 MB, most holding one or two references).
    const mine = new Map<Kind, Map<string, Reference[]>>();
    for (const ref of model.references) {
      let ids = mine.get(ref.kind);
      if (!ids) mine.set(ref.kind, (ids = new Map()));
      const list = ids.get(ref.id);
      if (list) list.push(ref);
      else ids.set(ref.id, [ref]);
    }
    for (const [kind, ids] of mine) {
      for (const [id, list] of ids) this.filesReferring(kind, id, true)!.set(model.uri, list.length > 1 ? list.slice() : list);
    }
  }

  /** The files that refer to an id, with their references in each (made when `create` and missing). */
  private filesReferring(kind: Kind, id: string, create = false): Map<string, Reference[]> | undefined {
    let ids = this.referencesByKind.get(kind);
    if (!ids) {
      if (!create) return undefined;
      this.referencesByKind.set(kind, (ids = new Map()));
    }
    let byFile = ids.get(id);
    if (!byFile && create) ids.set(id, (byFile = new Map()));
    return byFile;
  }

  /** Forgets an id's references in one file. */
  private dropReferences(kind: Kind, id: string, uri: string): void {
    const ids = this.referencesByKind.get(kind);
    const byFile = ids?.get(id);
    if (!byFile) return;
    byFile.delete(uri);
    if (byFile.size === 0) ids!.delete(id);
  }

  remove(model: FileModel): void {
    this.version++;
    this.files.delete(model.uri);
    this.manifests.delete(model.uri);
    for (const def of model.definitions) {
      const key = keyOf(def.kind, def.id);
      const list = this.definitions.get(key);
      if (!list) continue;
      const kept = list.filter((d) => d.uri !== model.uri);
      if (kept.length > 0) {
        this.definitions.set(key, kept);
        this.idsByKind.get(def.kind)!.set(def.id, kept);
      } else {
        this.definitions.delete(key);
        this.idsByKind.get(def.kind)?.delete(def.id);
      }
    }
    for (const ref of model.references) this.dropReferences(ref.kind, ref.id, model.uri);
  }

  /**
   * A new version of a file that names the same things in the same order but in one window (what typing gives:
   * typing inside an entry changes no name, typing an id or an annotation changes one). Before and after the window,
   * the new objects take the old ones' places in the lists; the lists of the ids named in the window are built again
   * for this file (as `remove` then `add` would leave them). Returns the definition keys whose number of definitions
   * changed, or `undefined`, changing nothing, when the file's manifest came or went or an old object is not where
   * the index should have it.
   *
   * On the issue-3 bot's 24,000-line training file, re-indexing it whole took about 8 ms of each keystroke that
   * changed a name (bench/run.mjs --cpu-prof); this does the window and the objects that moved.
   */
  patch(old: FileModel, model: FileModel): Set<string> | undefined {
    if (old.uri !== model.uri || !!old.manifest !== !!model.manifest) return undefined;
    const uri = model.uri;
    const defs = windowOf(old.definitions, model.definitions);
    const refs = windowOf(old.references, model.references);
    const defKeys = new Set<string>();
    for (let i = defs.start; i < defs.oldEnd; i++) defKeys.add(keyOf(old.definitions[i].kind, old.definitions[i].id));
    for (let i = defs.start; i < defs.newEnd; i++) defKeys.add(keyOf(model.definitions[i].kind, model.definitions[i].id));
    const refKeys = new Map<Kind, Map<string, Reference[]>>();
    for (const [list, end] of [[old.references, refs.oldEnd], [model.references, refs.newEnd]] as const) {
      for (let i = refs.start; i < end; i++) {
        let ids = refKeys.get(list[i].kind);
        if (!ids) refKeys.set(list[i].kind, (ids = new Map()));
        ids.set(list[i].id, []);
      }
    }

    // Find every old object outside the windows in its list first: only then is anything changed.
    const defSwaps: { list: Definition[]; at: number; def: Definition }[] = [];
    for (let j = 0; j < model.definitions.length; j++) {
      if (j >= defs.start && j < defs.newEnd) continue;
      const before = old.definitions[j < defs.start ? j : j - defs.newEnd + defs.oldEnd];
      if (before === model.definitions[j] || (defKeys.size > 0 && defKeys.has(keyOf(before.kind, before.id)))) continue;
      const list = this.idsByKind.get(before.kind)?.get(before.id);
      const at = list ? list.indexOf(before) : -1;
      if (!list || at === -1) return undefined;
      defSwaps.push({ list, at, def: model.definitions[j] });
    }
    // A file's references to one id are listed in the file's order, so each list is searched from where the last
    // one was found.
    const refSwaps: { list: Reference[]; at: number; ref: Reference }[] = [];
    const cursors = new Map<Reference[], number>();
    for (let j = 0; j < model.references.length; j++) {
      if (j >= refs.start && j < refs.newEnd) continue;
      const before = old.references[j < refs.start ? j : j - refs.newEnd + refs.oldEnd];
      if (before === model.references[j] || refKeys.get(before.kind)?.has(before.id)) continue;
      const list = this.filesReferring(before.kind, before.id)?.get(uri);
      const at = list ? list.indexOf(before, cursors.get(list) ?? 0) : -1;
      if (!list || at === -1) return undefined;
      cursors.set(list, at + 1);
      refSwaps.push({ list, at, ref: model.references[j] });
    }

    this.version++;
    for (const { list, at, def } of defSwaps) list[at] = def;
    for (const { list, at, ref } of refSwaps) list[at] = ref;
    // The ids named in the windows: the other files' definitions, then this file's in its order.
    if (defKeys.size > 0) {
      const mine = new Map<string, Definition[]>();
      for (const def of model.definitions) {
        const key = keyOf(def.kind, def.id);
        if (!defKeys.has(key)) continue;
        const list = mine.get(key);
        if (list) list.push(def);
        else mine.set(key, [def]);
      }
      for (const key of defKeys) {
        const kind = key.slice(0, key.indexOf(':')) as Kind;
        const id = key.slice(kind.length + 1);
        const list = [...(this.definitions.get(key) ?? []).filter((d) => d.uri !== uri), ...(mine.get(key) ?? [])];
        if (list.length > 0) {
          this.definitions.set(key, list);
          let ids = this.idsByKind.get(kind);
          if (!ids) this.idsByKind.set(kind, (ids = new Map()));
          ids.set(id, list);
        } else {
          this.definitions.delete(key);
          this.idsByKind.get(kind)?.delete(id);
        }
      }
    }
    if (refKeys.size > 0) {
      for (const ref of model.references) refKeys.get(ref.kind)?.get(ref.id)?.push(ref);
      for (const [kind, ids] of refKeys) {
        for (const [id, list] of ids) {
          if (list.length > 0) this.filesReferring(kind, id, true)!.set(uri, list.slice()); // at its size (see add)
          else this.dropReferences(kind, id, uri);
        }
      }
    }
    return changedKeys(old.definitions.slice(defs.start, defs.oldEnd), model.definitions.slice(defs.start, defs.newEnd));
  }

  lookup(kind: Kind, id: string): Definition[] {
    // By kind, then id: the same lists as \`definitions\`, without making a key (this runs for every name at every edit).
    return this.idsByKind.get(kind)?.get(id) ?? [];
  }

  /** Whether something of this kind has this id in the bot. */
  defines(kind: Kind, id: string): boolean {
    return this.idsByKind.get(kind)?.has(id) ?? false;
  }

  ids(kind: Kind): Map<string, Definition[]> {
    return this.idsByKind.get(kind) ?? new Map();
  }

  referencesTo(kind: Kind, id: string): Reference[] {
    const byFile = this.filesReferring(kind, id);
    return byFile ? [...byFile.values()].flat() : [];
  }

  /** How many references an id has in the bot. */
  referenceCount(kind: Kind, id: string): number {
    let count = 0;
    for (const refs of this.filesReferring(kind, id)?.values() ?? []) count += refs.length;
    return count;
  }

  /** The files that refer to an id. */
  referringFiles(kind: Kind, id: string): IterableIterator<string> {
    return (this.filesReferring(kind, id) ?? NO_FILES).keys();
  }

  /** The manifest file, when the bot has exactly one. */
  manifestUri(): string | undefined {
    return this.manifests.size === 1 ? [...this.manifests][0] : undefined;
  }
}

export class Workspace {
  /** How many file versions were parsed in full and in part (see incremental.ts); for tests and benchmarks. */
  readonly parseCounts = { full: 0, partial: 0 };
  private readonly files = new Map<string, FileModel>();
  private readonly bots = new Map<string, Bot>([[ORPHANS, new Bot(ORPHANS)]]);
  private readonly botOfFile = new Map<string, Bot>();
  /** Whether parsed documents are kept only for the files open in the editor (the server; see documents.ts). */
  private openOnly = false;
  private readonly open = new Set<string>();

  /** From now on, the parsed documents of files not open in the editor are released once their model is built. */
  keepDocumentsOfOpenFilesOnly(): void {
    this.openOnly = true;
    for (const model of this.files.values()) if (!this.open.has(model.uri)) this.release(model);
  }

  /**
   * The editor opened or closed a file: an open file keeps its document, so that its edits are re-parsed in part.
   * `restoreNow` false leaves parsing it again to `restoreDocument` (the server does it once the editor is quiet, so
   * that the diagnostics of a big file opened come first); an edit before that parses the file whole.
   */
  setOpen(uri: string, open: boolean, restoreNow = true): void {
    const model = this.files.get(uri);
    if (open) {
      this.open.add(uri);
      if (model && restoreNow) restoreDocument(model);
    } else {
      this.open.delete(uri);
      if (model && this.openOnly) this.release(model);
    }
  }

  /** Gives an open file its parsed document back, if it was released (see `setOpen`). */
  restoreDocument(uri: string): void {
    const model = this.files.get(uri);
    if (model && this.open.has(uri)) restoreDocument(model);
  }

  /** Whether the parsed document of a file is kept (every file's, but in the server only the open files'). */
  keepsDocumentOf(uri: string): boolean {
    return !this.openOnly || this.open.has(uri);
  }

  private release(model: FileModel): void {
    partOf(model); // the dialog facts the checks and the graph read from the document, kept per model
    releaseDocument(model);
  }

  get(uri: string): FileModel | undefined {
    return this.files.get(uri);
  }

  allFiles(): IterableIterator<FileModel> {
    return this.files.values();
  }

  allBots(): IterableIterator<Bot> {
    return this.bots.values();
  }

  botOf(uri: string): Bot {
    return this.botOfFile.get(uri) ?? this.bots.get(ORPHANS)!;
  }

  manifestOf(bot: Bot): FileModel | undefined {
    const uri = bot.manifestUri();
    return uri ? this.files.get(uri) : undefined;
  }

  /** Parse and index a file. Returns the uris whose diagnostics may have changed. */
  update(uri: string, text: string, version = 0): Set<string> {
    const old = this.files.get(uri);
    if (old && old.text === text) {
      // The same text (a file opened in the editor after being read from disk): nothing to parse again.
      old.version = version;
      return new Set([uri]);
    }
    // An open file edited before the server gave it its document back (typing at once after opening it): the
    // document of the text before the edit, with the model's intents (documents.ts), then only the edit re-parsed.
    // Parsing the new text whole instead built every intent, and the file's part of the index, anew.
    if (old && !old.manifest && this.open.has(uri) && text.length >= INCREMENTAL_MIN_CHARS) restoreDocument(old);
    const splice = old?.manifest ? undefined : old && reparseIncrementally(old.text, old.parsed, text);
    const model = splice
      ? buildModel(uri, version, text, splice.parsed, [
          ...carryOver(old!.schemaProblems, splice.oldChunk, splice.delta),
          ...validateEntries(splice.parsed.doc!, splice.section, splice.entries),
        ], old)
      : buildModel(uri, version, text, parseText(text), undefined, old);
    this.parseCounts[splice ? 'partial' : 'full']++;
    const affected = this.replace(uri, old, model);
    if (this.openOnly && !this.open.has(uri)) this.release(model);
    return affected;
  }

  remove(uri: string): Set<string> {
    const old = this.files.get(uri);
    return old ? this.replace(uri, old, undefined) : new Set();
  }

  private replace(uri: string, old: FileModel | undefined, model: FileModel | undefined): Set<string> {
    const manifestChanged = !!old?.manifest !== !!model?.manifest;
    if (manifestChanged) {
      // A bot appeared or disappeared: which bot each file belongs to may change. Rare, so re-group everything.
      if (model) this.files.set(uri, model);
      else this.files.delete(uri);
      const before = new Map(this.botOfFile);
      this.regroup();
      const affected = new Set<string>(this.files.keys());
      if (!model) affected.add(uri);
      for (const [file, bot] of before) if (this.botOfFile.get(file) !== bot) affected.add(file);
      return affected;
    }
    const bot = old ? this.botOf(uri) : this.placeOf(uri);
    // Typing changes a window of the file's names at most: the index is patched there (see Bot.patch).
    let changed = old && model ? bot.patch(old, model) : undefined;
    if (changed) this.files.set(uri, model!);
    else {
      if (old) bot.remove(old);
      if (model) {
        this.files.set(uri, model);
        bot.add(model);
        this.botOfFile.set(uri, bot);
      } else {
        this.files.delete(uri);
        this.botOfFile.delete(uri);
      }
      changed = changedKeys(old?.definitions ?? [], model?.definitions ?? []);
    }
    const affected = new Set<string>([uri]);
    // The bot's languages, or the severities its `checks:` give codes, change every file's diagnostics (a severity alone
    // changes no problem, so the bot-wide checks that run next would not send them again).
    if (old?.manifest && model?.manifest && (old.manifest.locales.join() !== model.manifest.locales.join() || !sameChecks(old.manifest.checks, model.manifest.checks))) {
      for (const file of bot.files) affected.add(file);
      return affected;
    }
    for (const key of changed) {
      for (const def of bot.definitions.get(key) ?? []) affected.add(def.uri);
      const colon = key.indexOf(':');
      for (const file of bot.referringFiles(key.slice(0, colon) as Kind, key.slice(colon + 1))) affected.add(file);
    }
    return affected;
  }

  /** The bot a file at this uri belongs to: the deepest manifest folder above it. */
  private placeOf(uri: string): Bot {
    let best: Bot = this.bots.get(ORPHANS)!;
    const folder = folderOf(uri);
    for (const bot of this.bots.values()) {
      if (bot.root === ORPHANS) continue;
      if ((folder === bot.root || folder.startsWith(bot.root + '/')) && bot.root.length > best.root.length) best = bot;
    }
    return best;
  }

  private regroup(): void {
    this.bots.clear();
    this.bots.set(ORPHANS, new Bot(ORPHANS));
    this.botOfFile.clear();
    for (const model of this.files.values()) {
      if (model.manifest && !this.bots.has(folderOf(model.uri))) this.bots.set(folderOf(model.uri), new Bot(folderOf(model.uri)));
    }
    for (const model of this.files.values()) {
      const bot = this.placeOf(model.uri);
      bot.add(model);
      this.botOfFile.set(model.uri, bot);
    }
  }
}

function sameChecks(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [code, level] of a) if (b.get(code) !== level) return false;
  return true;
}

/** Definition keys whose number of definitions differs between two versions of a file (or of a window of it). */
function changedKeys(old: readonly Definition[], now: readonly Definition[]): Set<string> {
  const counts = new Map<string, number>();
  for (const def of old) counts.set(keyOf(def.kind, def.id), (counts.get(keyOf(def.kind, def.id)) ?? 0) + 1);
  for (const def of now) counts.set(keyOf(def.kind, def.id), (counts.get(keyOf(def.kind, def.id)) ?? 0) - 1);
  const changed = new Set<string>();
  for (const [key, count] of counts) if (count !== 0) changed.add(key);
  return changed;
}

/**
 * Where two versions of a list of names differ: the longest run they start with and the longest they end with (by kind
 * and id) leave a window, `start` to `oldEnd` in the old list and `start` to `newEnd` in the new one.
 */
function windowOf(old: readonly { kind: Kind; id: string }[], now: readonly { kind: Kind; id: string }[]): { start: number; oldEnd: number; newEnd: number } {
  const same = (a: { kind: Kind; id: string }, b: { kind: Kind; id: string }) => a.kind === b.kind && a.id === b.id;
  let start = 0;
  while (start < old.length && start < now.length && same(old[start], now[start])) start++;
  let oldEnd = old.length;
  let newEnd = now.length;
  while (oldEnd > start && newEnd > start && same(old[oldEnd - 1], now[newEnd - 1])) {
    oldEnd--;
    newEnd--;
  }
  return { start, oldEnd, newEnd };
}
