/**
 * The workspace index: every dialog file's model, grouped into bots (a bot is the folder of a manifest and everything
 * below it), with definitions and references by `kind:id`. Updating one file re-indexes that file only and tells which
 * files' diagnostics may have changed.
 */
import { carryOver, reparseIncrementally } from './incremental';
import { releaseDocument, restoreDocument } from './documents';
import { buildModel } from './model';
import { partOf } from './reachability';
import { parseText } from './parse';
import { validateEntries } from './schema';
import type { Definition, FileModel, Kind, Reference } from './types';

export const ORPHANS = '';

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
  readonly references = new Map<string, Map<string, Reference[]>>();
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
    for (const ref of model.references) {
      const key = keyOf(ref.kind, ref.id);
      let byFile = this.references.get(key);
      if (!byFile) this.references.set(key, (byFile = new Map()));
      const list = byFile.get(ref.uri);
      if (list) list.push(ref);
      else byFile.set(ref.uri, [ref]);
    }
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
    for (const ref of model.references) {
      const byFile = this.references.get(keyOf(ref.kind, ref.id));
      byFile?.delete(model.uri);
      if (byFile && byFile.size === 0) this.references.delete(keyOf(ref.kind, ref.id));
    }
  }

  /**
   * A new version of a file whose definitions and references name the same things in the same order (what typing
   * inside an entry gives): the new objects take the old ones' places in the lists, without rebuilding them.
   * Returns false, changing nothing, when the two versions differ in what they name.
   */
  swap(old: FileModel, model: FileModel): boolean {
    const oldDefs = old.definitions;
    const newDefs = model.definitions;
    const oldRefs = old.references;
    const newRefs = model.references;
    if (old.uri !== model.uri || !!old.manifest !== !!model.manifest || oldDefs.length !== newDefs.length || oldRefs.length !== newRefs.length) return false;
    for (let i = 0; i < oldDefs.length; i++) if (oldDefs[i].kind !== newDefs[i].kind || oldDefs[i].id !== newDefs[i].id) return false;
    for (let i = 0; i < oldRefs.length; i++) if (oldRefs[i].kind !== newRefs[i].kind || oldRefs[i].id !== newRefs[i].id) return false;
    const defLists: Definition[][] = [];
    for (let i = 0; i < oldDefs.length; i++) {
      if (oldDefs[i] === newDefs[i]) continue;
      const list = this.definitions.get(keyOf(oldDefs[i].kind, oldDefs[i].id));
      if (!list || !list.includes(oldDefs[i])) return false;
      defLists[i] = list;
    }
    // A file's references to one id are listed in the file's order, so each list is searched from where the last
    // one was found.
    const refLists: Reference[][] = [];
    const refAt = new Int32Array(oldRefs.length);
    const cursors = new Map<Reference[], number>();
    for (let i = 0; i < oldRefs.length; i++) {
      if (oldRefs[i] === newRefs[i]) continue;
      const list = this.references.get(keyOf(oldRefs[i].kind, oldRefs[i].id))?.get(model.uri);
      const at = list ? list.indexOf(oldRefs[i], cursors.get(list) ?? 0) : -1;
      if (!list || at === -1) return false;
      cursors.set(list, at + 1);
      refLists[i] = list;
      refAt[i] = at;
    }
    // Everything was found: only now is anything changed.
    this.version++;
    for (let i = 0; i < oldDefs.length; i++) {
      const list = defLists[i];
      if (list) list[list.indexOf(oldDefs[i])] = newDefs[i];
    }
    for (let i = 0; i < oldRefs.length; i++) if (refLists[i]) refLists[i][refAt[i]] = newRefs[i];
    return true;
  }

  lookup(kind: Kind, id: string): Definition[] {
    return this.definitions.get(keyOf(kind, id)) ?? [];
  }

  ids(kind: Kind): Map<string, Definition[]> {
    return this.idsByKind.get(kind) ?? new Map();
  }

  referencesTo(kind: Kind, id: string): Reference[] {
    const byFile = this.references.get(keyOf(kind, id));
    return byFile ? [...byFile.values()].flat() : [];
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

  /** The editor opened or closed a file: an open file keeps its document, so that its edits are re-parsed in part. */
  setOpen(uri: string, open: boolean): void {
    const model = this.files.get(uri);
    if (open) {
      this.open.add(uri);
      if (model) restoreDocument(model);
    } else {
      this.open.delete(uri);
      if (model && this.openOnly) this.release(model);
    }
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
    const splice = old?.manifest ? undefined : old && reparseIncrementally(old.text, old.parsed, text);
    const model = splice
      ? buildModel(uri, version, text, splice.parsed, [
          ...carryOver(old!.schemaProblems, splice.oldChunk, splice.delta),
          ...validateEntries(splice.parsed.doc!, splice.section, splice.entries),
        ])
      : buildModel(uri, version, text, parseText(text));
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
    if (old && model && bot.swap(old, model)) {
      // The same names in the same order: nothing else is affected (the manifest's locales aside).
      this.files.set(uri, model);
      const affected = new Set<string>([uri]);
      if (old.manifest && model.manifest && old.manifest.locales.join() !== model.manifest.locales.join()) for (const file of bot.files) affected.add(file);
      return affected;
    }
    if (old) bot.remove(old);
    if (model) {
      this.files.set(uri, model);
      bot.add(model);
      this.botOfFile.set(uri, bot);
    } else {
      this.files.delete(uri);
      this.botOfFile.delete(uri);
    }
    const affected = new Set<string>([uri]);
    if (old?.manifest && model?.manifest && old.manifest.locales.join() !== model.manifest.locales.join()) {
      for (const file of bot.files) affected.add(file);
      return affected;
    }
    for (const key of changedKeys(old, model)) {
      for (const def of bot.definitions.get(key) ?? []) affected.add(def.uri);
      for (const file of bot.references.get(key)?.keys() ?? []) affected.add(file);
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

/** Definition keys whose number of definitions differs between two versions of a file. */
function changedKeys(old: FileModel | undefined, model: FileModel | undefined): Set<string> {
  const counts = new Map<string, number>();
  for (const def of old?.definitions ?? []) counts.set(keyOf(def.kind, def.id), (counts.get(keyOf(def.kind, def.id)) ?? 0) + 1);
  for (const def of model?.definitions ?? []) counts.set(keyOf(def.kind, def.id), (counts.get(keyOf(def.kind, def.id)) ?? 0) - 1);
  const changed = new Set<string>();
  for (const [key, count] of counts) if (count !== 0) changed.add(key);
  return changed;
}
