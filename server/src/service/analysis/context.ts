/** What every bot-wide check reads: the bot's files, its manifest, and lookups across files. */
import type { FileModel, Kind, ManifestInfo, NodeInfo, Problem } from '../types';
import type { Bot, Workspace } from '../workspace';

export class BotContext {
  readonly models: FileModel[];
  readonly manifest?: ManifestInfo;
  readonly locales: string[];
  readonly defaultLocale?: string;
  private nodeIndex?: Map<string, { node: NodeInfo; model: FileModel }>;

  constructor(
    readonly workspace: Workspace,
    readonly bot: Bot,
  ) {
    this.models = [...bot.files].map((uri) => workspace.get(uri)).filter((m) => m !== undefined);
    this.manifest = workspace.manifestOf(bot)?.manifest;
    this.locales = this.manifest?.locales ?? [];
    this.defaultLocale = this.manifest?.defaultLocale;
  }

  /** Every node of the bot with the file it is in (the first definition when an id is duplicated). */
  nodes(): Map<string, { node: NodeInfo; model: FileModel }> {
    if (!this.nodeIndex) {
      this.nodeIndex = new Map();
      for (const model of this.models) for (const [id, node] of model.nodes) if (!this.nodeIndex.has(id)) this.nodeIndex.set(id, { node, model });
    }
    return this.nodeIndex;
  }

  /** How many times an id is referred to, in any file of the bot. */
  uses(kind: Kind, id: string): number {
    return this.bot.referenceCount(kind, id);
  }

  isDefined(kind: Kind, id: string): boolean {
    return this.bot.defines(kind, id);
  }
}

/** Problems per file, as checks report them. */
export class Report {
  readonly byUri = new Map<string, Problem[]>();

  add(uri: string, problem: Problem): void {
    const list = this.byUri.get(uri);
    if (list) list.push(problem);
    else this.byUri.set(uri, [problem]);
  }
}

/**
 * A check reports problems of a bot. A heavy check may be a generator: it yields now and then, so that the language
 * server can run it in slices between requests (see `analyzeBotInSteps`).
 */
export type Check = (context: BotContext, report: Report) => void | Generator<void, void, void>;

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

/** "French (`fr`)" — a language code in words a content botmaster reads. */
export function languageName(code: string): string {
  let name: string | undefined;
  try {
    name = LANGUAGE_NAMES.of(code);
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${name} (\`${code}\`)` : `\`${code}\``;
}

const memos = new Map<string, WeakMap<FileModel, { key: string; value: unknown }>>();

/**
 * What a check computes from one file alone (and `key`: the manifest settings it depends on), kept per version of the
 * file: after an edit, the unchanged files of a big bot are not recomputed.
 */
export function perFile<T>(check: string, model: FileModel, key: string, compute: () => T): T {
  let cache = memos.get(check);
  if (!cache) memos.set(check, (cache = new WeakMap()));
  const hit = cache.get(model);
  if (hit && hit.key === key) return hit.value as T;
  const value = compute();
  cache.set(model, { key, value });
  return value;
}
