/** Diagnostics of one file: its own problems (syntax, schema, conditions) plus what the workspace index tells. */
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { CODES } from './codes';
import type { DiagnosticCode, Severity, SeveritySetting } from './codes';
import { analyzeBot, analyzeBotInSteps, CHECKS, HEAVY_CHECKS } from './analysis';
import { prefetchConfusables } from './analysis/confusables';
import type { BotAnalysis } from './analysis';
import { nearest } from './fuzzy';
import { changedWindow } from './incremental';
import type { Bot, Workspace } from './workspace';
import { ORPHANS } from './workspace';
import type { LineMap } from './lines';
import type { FileModel, Kind, Problem, Span } from './types';
import { KIND_NAMES } from './types';

const UNKNOWN_CODE: Record<Kind, DiagnosticCode> = {
  node: 'unknown-node',
  flow: 'unknown-flow',
  intent: 'unknown-intent',
  entity: 'unknown-entity',
  value: 'unknown-entity-value',
  slot: 'unknown-slot',
  response: 'unknown-response',
  locale: 'unknown-locale',
};


const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** A severity as set in the manifest or the settings; anything else (half-typed, \`of\`) counts as not set. */
function settingIn(value: string | undefined): SeveritySetting | undefined {
  return value === 'off' || value === 'info' || value === 'warning' || value === 'error' ? value : undefined;
}

/** The problems of a file that depend on the rest of its bot. */
export function semanticProblems(workspace: Workspace, model: FileModel): Problem[] {
  const bot = workspace.botOf(model.uri);
  const problems: Problem[] = [];
  const manifest = workspace.manifestOf(bot);
  if (bot.root === ORPHANS && model.hasContent) {
    problems.push({
      code: 'no-manifest',
      message: 'This file belongs to no bot: no file in this folder or above it has a `bot:` manifest, so its references are checked against other such files only.',
      span: { start: 0, end: 0 },
    });
  }
  if (model.manifest && bot.manifests.size > 1) {
    const others = [...bot.manifests].filter((u) => u !== model.uri);
    problems.push({
      code: 'duplicate-manifest',
      message: 'This bot has another manifest: keep one `bot:` section per bot folder.',
      span: model.manifest.span,
      related: others.map((uri) => ({ uri, span: workspace.get(uri)!.manifest!.span, message: 'The other manifest' })),
    });
  }
  for (const def of model.definitions) {
    if (def.kind === 'locale') continue;
    const all = bot.lookup(def.kind, def.id);
    if (all.length < 2) continue;
    const others = all.filter((d) => d !== def);
    problems.push({
      code: 'duplicate-id',
      message: `The ${KIND_NAMES[def.kind]} \`${def.id}\` is defined ${all.length} times; ids must be unique in a bot.`,
      span: def.span,
      related: others.map((d) => ({ uri: d.uri, span: d.span, message: `Also defined here` })),
    });
  }
  // The same unknown id is often referred to many times (a node that was deleted): its nearest ids are found once.
  const nearestIds = new Map<string, string[]>();
  const near = (kind: Kind, id: string): string[] => {
    const key = `${kind}:${id}`;
    let found = nearestIds.get(key);
    // A language is suggested only when it is the same but for case or region (\`fr-FR\` for \`fr\`): by spelling, every
    // two-letter code is near every other.
    const sameLanguage = (l: string) => l.toLowerCase() === id.toLowerCase() || l.split('-')[0].toLowerCase() === id.split('-')[0].toLowerCase();
    if (!found) nearestIds.set(key, (found = kind === 'locale' ? [...bot.ids('locale').keys()].filter(sameLanguage) : nearest(id, bot.ids(kind).keys())));
    return found;
  };
  for (const ref of model.references) {
    if (bot.defines(ref.kind, ref.id)) continue;
    // Nothing to check languages against: no manifest, or one whose \`locales\` is empty or half-typed (reported there).
    if (ref.kind === 'locale' && (!manifest || bot.ids('locale').size === 0)) continue;
    if (ref.kind === 'value') {
      const entity = ref.id.slice(0, ref.id.indexOf(':'));
      if (bot.lookup('entity', entity).length === 0) continue; // the unknown entity is reported already
      const values = [...bot.ids('value').keys()].filter((v) => v.startsWith(entity + ':')).map((v) => v.slice(entity.length + 1));
      const value = ref.id.slice(entity.length + 1);
      const suggestions = nearest(value, values);
      problems.push({
        code: 'unknown-entity-value',
        message: `The entity \`${entity}\` has no value \`${value}\`.` + didYouMean(suggestions) + (values.length && !suggestions.length ? ` Its values: ${values.slice(0, 10).join(', ')}.` : ''),
        span: ref.span,
        data: { suggestions, kind: 'value', id: ref.id },
      });
      continue;
    }
    const suggestions = near(ref.kind, ref.id);
    problems.push({
      code: UNKNOWN_CODE[ref.kind],
      message: unknownMessage(bot, ref.kind, ref.id, suggestions),
      span: ref.span,
      data: { suggestions, kind: ref.kind, id: ref.id },
    });
  }
  return problems;
}

function didYouMean(near: string[]): string {
  if (near.length === 0) return '';
  return ` Did you mean ${near.map((n) => `\`${n}\``).join(near.length > 2 ? ', ' : ' or ').replace(/, ([^,]*)$/, ' or $1')}?`;
}

function unknownMessage(bot: Bot, kind: Kind, id: string, suggestions: string[]): string {
  if (kind === 'locale') {
    const locales = [...bot.ids('locale').keys()];
    return `This bot does not speak \`${id}\`: its languages are ${locales.map((l) => `\`${l}\``).join(', ')} (see \`locales\` in the manifest).` + didYouMean(suggestions);
  }
  return `There is no ${KIND_NAMES[kind]} named \`${id}\`.` + didYouMean(suggestions);
}

/** A problem as an LSP diagnostic. (A field added here must be added to `hashDiagnostic`, or a change to it is not published.) */
export function toDiagnostic(workspace: Workspace, model: FileModel, problem: Problem, severity: Severity = CODES[problem.code].severity): Diagnostic {
  const diagnostic: Diagnostic = {
    range: model.lines.range(problem.span),
    severity: SEVERITY[severity],
    code: problem.code,
    source: 'botmaster',
    message: problem.message,
  };
  if (problem.data) diagnostic.data = problem.data;
  if (problem.related) {
    diagnostic.relatedInformation = problem.related
      .map((r) => {
        const other = workspace.get(r.uri);
        return other ? { location: { uri: r.uri, range: other.lines.range(r.span) }, message: r.message } : undefined;
      })
      .filter((r) => r !== undefined);
  }
  return diagnostic;
}

/** Settings that change diagnostics, from the editor (the manifest's `checks` win over them). */
export interface DiagnosticSettings {
  checks?: Record<string, SeveritySetting>;
  /**
   * At most this many diagnostics per file (the most severe first, then in the order of \`problems\`), one of them a
   * `too-many-problems` at the top of the file that tells how many more there are; none or 0: no limit (the CLI). The language server sets
   * it: VS Code shows at most 1,000 per file anyway, and a bot-wide check can find thousands in one training file,
   * which each keystroke there would otherwise send.
   */
  maxProblemsPerFile?: number;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** A code's severity setting: the manifest's, else the editor's, else the code's own. */
function severitySetting(code: DiagnosticCode, manifest: ReadonlyMap<string, string> | undefined, editor: DiagnosticSettings['checks']): SeveritySetting {
  return settingIn(manifest?.get(code)) ?? settingIn(editor?.[code]) ?? CODES[code].severity;
}

/** Whether a problem is shown: not silenced by a comment above its line (\`botmaster-ignore\`). */
function isShown(model: FileModel, problem: Problem): boolean {
  const silenced = model.suppressions.size > 0 ? model.suppressions.get(model.lines.lineOf(problem.span.start)) : undefined;
  return !silenced || !(silenced.has(problem.code) || silenced.has('*'));
}

/** Which of a file's problems (by their severities) to show when only \`count\` can be: the most severe, in their order. */
function mostSevere(settings: readonly Severity[], count: number): boolean[] {
  const perRank = [0, 0, 0];
  for (const s of settings) perRank[RANK[s]]++;
  // The problems of ranks below \`rank\` all go; of \`rank\` itself, the first \`left\` in order.
  let rank = 0;
  let left = count;
  while (rank < perRank.length && perRank[rank] <= left) left -= perRank[rank++];
  // A loop rather than \`map\` with an arrow (see \`given\`, which this is inlined into).
  const kept: boolean[] = [];
  for (const s of settings) kept.push(RANK[s] < rank || (RANK[s] === rank && left-- > 0));
  return kept;
}

/** The problem that says a file has more problems than the editor is given. */
function tooManyProblems(total: number, limit: number): Problem {
  const shown = limit - 1;
  return {
    code: 'too-many-problems',
    message:
      `This file has ${total.toLocaleString('en-US')} problems: the editor shows ${shown.toLocaleString('en-US')} of them, the most severe first, and not the other ${(total - shown).toLocaleString('en-US')}. ` +
      'Run `botmaster check` on the file to list them all, or turn off the checks you do not need (`checks:` in the manifest).',
    span: { start: 0, end: 0 },
  };
}

/**
 * Diagnostics of files: their own problems, those that need the index, and those of the bot-wide checks (computed
 * once per version of a bot), with severities from the settings and the manifest, and `# botmaster-ignore` comments.
 */
/** The bot-wide checks in two tiers: cheap ones after every pause in typing, heavy ones after a longer pause. */
export type Tier = 'checks' | 'heavy';
const TIERS: Record<Tier, typeof CHECKS> = { checks: CHECKS, heavy: HEAVY_CHECKS };

export class Diagnostician {
  private readonly analyses: Record<Tier, WeakMap<Bot, BotAnalysis>> = { checks: new WeakMap(), heavy: new WeakMap() };
  /**
   * What was last given per file, to tell which files an edit changed: a hash of its diagnostics (a big bot has tens
   * of thousands of them; their text would weigh).
   */
  private readonly published = new Map<string, number>();
  readonly failures: { check: string; error: Error }[] = [];
  private readonly failuresSeen = new Set<string>();
  settings: DiagnosticSettings = {};
  /**
   * When set (the language server), bot-wide checks do not run on the keystroke path: `runChecks` runs them once the
   * user pauses. Until then a file shows the bot-wide problems of its last analysed version only if it did not change
   * since (their places would be wrong otherwise); every other problem is up to date at once.
   */
  deferChecks = false;

  constructor(private readonly workspace: Workspace) {}

  private run(bot: Bot, checks: typeof CHECKS): BotAnalysis {
    const analysis = analyzeBot(this.workspace, bot, checks);
    this.recordFailures(analysis);
    return analysis;
  }

  private analysis(tier: Tier, bot: Bot): BotAnalysis | undefined {
    let analysis = this.analyses[tier].get(bot);
    if (!this.deferChecks && (!analysis || analysis.version !== bot.version)) {
      analysis = this.run(bot, TIERS[tier]);
      this.analyses[tier].set(bot, analysis);
    }
    return analysis;
  }

  /** Bots whose checks of a tier are out of date. */
  staleBots(tier: Tier): Bot[] {
    return [...this.workspace.allBots()].filter((bot) => bot.files.size > 0 && this.analyses[tier].get(bot)?.version !== bot.version);
  }

  /** Runs a tier's checks on the bots that changed; returns their files (whose diagnostics may have changed). */
  runChecks(tier: Tier): string[] {
    const files: string[] = [];
    for (const bot of this.staleBots(tier)) {
      const before = this.analyses[tier].get(bot);
      const after = this.run(bot, TIERS[tier]);
      this.analyses[tier].set(bot, after);
      files.push(...changedProblems(before, after, bot));
    }
    return files;
  }

  /**
   * The analysis under way in each tier, with the bot version it started from. One per tier: the two tiers are stepped
   * in turns by the server, and sharing one slot made each drop the other's work, so on a big bot (where each takes
   * longer than the 600 ms between their starts) neither ever finished.
   */
  private readonly running: Partial<Record<Tier, { bot: Bot; version: number; steps: Generator<void, BotAnalysis, void> }>> = {};

  /**
   * Advances a tier's checks for about \`budgetMs\`, so that the server stays responsive while heavy checks run on a big
   * bot. Returns the files to republish once a bot is done, \`undefined\` while work remains; an analysis whose bot
   * changed meanwhile is dropped (the next pause starts it again).
   */
  stepChecks(tier: Tier, budgetMs: number): { done: boolean; files: string[] } {
    const deadline = Date.now() + budgetMs;
    for (;;) {
      let running = this.running[tier];
      if (running && running.bot.version !== running.version) {
        // Ended, not just dropped: a build stops the helper thread it started (confusables.ts).
        running.steps.return(undefined as unknown as BotAnalysis);
        running = this.running[tier] = undefined;
      }
      if (!running) {
        const bot = this.staleBots(tier)[0];
        if (!bot) return { done: true, files: [] };
        // At the cold start, the confusable examples start in their worker thread (if any) while the cheap checks run.
        if (tier === 'checks') prefetchConfusables(this.workspace, bot, true);
        running = this.running[tier] = { bot, version: bot.version, steps: analyzeBotInSteps(this.workspace, bot, TIERS[tier]) };
      }
      do {
        const step = running.steps.next();
        if (!step.done) continue;
        const { bot } = running;
        this.running[tier] = undefined;
        const before = this.analyses[tier].get(bot);
        this.analyses[tier].set(bot, step.value);
        this.recordFailures(step.value);
        return { done: this.staleBots(tier).length === 0, files: changedProblems(before, step.value, bot) };
      } while (Date.now() < deadline);
      return { done: false, files: [] };
    }
  }


  /** Each failure (a check and its message) goes to \`failures\` once: the server logs it once, not after every edit. */
  private recordFailures(analysis: BotAnalysis): void {
    for (const failure of analysis.failures) {
      const key = `${failure.check}\u0000${failure.error.message}`;
      if (this.failuresSeen.has(key)) continue;
      this.failuresSeen.add(key);
      this.failures.push(failure);
    }
  }

  private botWideProblems(bot: Bot, uri: string): Problem[] {
    const problems: Problem[] = [];
    for (const tier of Object.keys(TIERS) as Tier[]) {
      const analysis = this.analysis(tier, bot);
      if (!analysis) continue;
      const analysed = analysis.models.get(uri);
      const model = this.workspace.get(uri);
      if (analysed === model) problems.push(...(analysis.problems.get(uri) ?? []));
      else if (analysed && model) problems.push(...carriedOver(analysis, analysed, model));
      if (uri === bot.manifestUri()) {
        for (const failure of analysis.failures) {
          problems.push({ code: 'check-failed', message: `The ${failure.check} checks could not run: ${failure.error.message}. The other checks ran.`, span: { start: 0, end: 0 } });
        }
      }
    }
    return problems;
  }

  problems(uri: string): Problem[] {
    const model = this.workspace.get(uri);
    if (!model) return [];
    const bot = this.workspace.botOf(uri);
    // Kept while the bot's index is at the same version: the cold start gives every file up to three times (after the
    // index and after each tier of checks), and the same objects let \`givenOf\` skip them.
    let semantic = semanticOf.get(model);
    if (!semantic || semantic.bot !== bot || semantic.version !== bot.version) {
      semantic = { bot, version: bot.version, problems: semanticProblems(this.workspace, model) };
      semanticOf.set(model, semantic);
    }
    return [...model.problems, ...semantic.problems, ...this.botWideProblems(bot, uri)];
  }

  diagnostics(uri: string): Diagnostic[] {
    return this.diagnosticsOf(this.given(uri));
  }

  /** The diagnostic the last `givenOf` built and did not keep, read at once by `given`. */
  private built: Diagnostic | undefined;

  /** A file's diagnostics, each with its hash (`hashDiagnostic`), and the problems they tell. */
  private given(uri: string): GivenFile {
    const model = this.workspace.get(uri);
    const file: GivenFile = { model, problems: [], given: [], fresh: undefined };
    if (!model) return file;
    const overrides = this.workspace.manifestOf(this.workspace.botOf(uri))?.manifest?.checks;
    const keep = this.workspace.keepsDocumentOf(uri);
    // Functions of the module, not arrows made at each call: V8 optimised \`given\` with the first call's arrows and
    // dropped that code at the next calls ("wrong call target", \`--trace-deopt\`), five times over the first keystrokes.
    const checks = this.settings.checks;
    const problems: Problem[] = [];
    const settings: Severity[] = [];
    for (const problem of this.problems(uri)) {
      const setting = severitySetting(problem.code, overrides, checks);
      if (setting === 'off' || !isShown(model, problem)) continue;
      problems.push(problem);
      settings.push(setting);
    }
    const limit = this.settings.maxProblemsPerFile;
    if (limit !== undefined && limit > 0 && problems.length > limit) {
      const summary = tooManyProblems(problems.length, limit);
      const summarySetting = severitySetting(summary.code, overrides, checks);
      const summed = summarySetting !== 'off' && isShown(model, summary);
      const kept = mostSevere(settings, summed ? limit - 1 : limit);
      // Loops rather than \`filter\` and \`forEach\` with a new arrow at each call: in one run of the in-process bench,
      // V8 dropped the optimised \`given\` there at every keystroke ("wrong call target", \`--trace-deopt\`).
      let n = 0;
      for (let i = 0; i < problems.length; i++) {
        if (!kept[i]) continue;
        problems[n] = problems[i];
        settings[n++] = settings[i];
      }
      problems.length = settings.length = n;
      if (summed) {
        problems.unshift(summary);
        settings.unshift(summarySetting as Severity);
      }
    }
    for (let i = 0; i < problems.length; i++) {
      this.built = undefined;
      const given = this.givenOf(model, problems[i], settings[i], keep);
      if (this.built) (file.fresh ??= new Map()).set(file.given.length, this.built);
      file.problems.push(problems[i]);
      file.given.push(given);
    }
    return file;
  }

  /** The diagnostics of a file's problems: those kept, those built while they were hashed, the others built again. */
  private diagnosticsOf(file: GivenFile): Diagnostic[] {
    const { model, problems, given, fresh } = file;
    if (!model) return [];
    return given.map((g, i) => g.diagnostic ?? fresh?.get(i) ?? toDiagnostic(this.workspace, model, problems[i], g.setting));
  }

  /**
   * A problem's diagnostic: the one given before when it still reads the same (a problem object never changes, so only
   * its severity and where its places fall in their files' current lines can differ), else a new one. A big file's
   * thousands of diagnostics then cost a few lookups when they are given again, not their messages and hashes.
   *
   * The diagnostic itself is kept only for files whose documents are kept (in the server, the open files): a big bot's
   * 70,000 confusable examples made 110 MB of diagnostics, most in files nobody edits. The others keep the hash (to
   * tell a change) and build the diagnostic again when their file is published, which is when one of them changed.
   */
  private givenOf(model: FileModel, problem: Problem, setting: Severity, keep: boolean): Given {
    const known = problem instanceof MovedProblem ? problem.given : givenBefore.get(problem);
    const related = problem.related ?? [];
    // The same line maps as then: the same places (the common case, told without reading the problem again).
    if (known && known.setting === setting && known.lines === model.lines && related.every((r, i) => this.workspace.get(r.uri)?.lines === known.relatedLines?.[i])) {
      if (!keep) known.diagnostic = undefined; // the file was closed
      // The file was opened: its diagnostic again, the same as hashed (the same places, the same severity).
      else known.diagnostic ??= toDiagnostic(this.workspace, model, problem, setting);
      return known;
    }
    if (known?.diagnostic && known.setting === setting && sameRange(known.diagnostic.range, model.lines.range(problem.span))) {
      const before = known.diagnostic.relatedInformation ?? [];
      const same = related.length === before.length && related.every((r, i) => {
        const lines = this.workspace.get(r.uri)?.lines;
        return lines !== undefined && before[i].location.uri === r.uri && sameRange(before[i].location.range, lines.range(r.span));
      });
      if (same) {
        known.lines = model.lines;
        known.relatedLines = this.linesOf(related);
        return known;
      }
    }
    const diagnostic = toDiagnostic(this.workspace, model, problem, setting);
    const hash = hashDiagnostic(diagnostic);
    const given: Given = { diagnostic: keep ? diagnostic : undefined, setting, hash, lines: model.lines, relatedLines: this.linesOf(related) };
    if (problem instanceof MovedProblem) problem.given = given;
    else givenBefore.set(problem, given);
    if (!keep) this.built = diagnostic;
    return given;
  }

  /** The line maps of the files of a problem's related places (none: no array; `map` gives one of the exact size). */
  private linesOf(related: readonly { uri: string }[]): (LineMap | undefined)[] | undefined {
    return related.length === 0 ? undefined : related.map((r) => this.workspace.get(r.uri)?.lines);
  }

  /**
   * Of `known` files (those an edit may have changed, or the files of a bot whose checks just ran), those whose
   * diagnostics differ from the last ones given, and those \`wanted\` (given all the same), with their new diagnostics.
   */
  changedFiles(known: Iterable<string>, wanted?: (uri: string) => boolean): Map<string, Diagnostic[]> {
    const candidates = new Set<string>(known);
    // Checks that run at once can change any file of an edited bot; deferred ones say which files when they run.
    if (!this.deferChecks) for (const uri of [...candidates]) for (const file of this.workspace.botOf(uri).files) candidates.add(file);
    const changed = new Map<string, Diagnostic[]>();
    for (const uri of candidates) {
      const file = this.given(uri);
      const { given } = file;
      // The hashes of the diagnostics, in order, combined (two 26-bit lanes, so the sum stays exact in a double).
      let low = given.length;
      let high = 0;
      for (const g of given) {
        low = (Math.imul(low, 0x2c1b3c6d) + (g.hash % 0x4000000)) & 0x3ffffff;
        high = (Math.imul(high, 0x297a2d39) + Math.floor(g.hash / 0x4000000)) & 0x3ffffff;
      }
      const signature = high * 0x4000000 + low;
      if (this.published.get(uri) !== signature || wanted?.(uri)) changed.set(uri, this.diagnosticsOf(file));
      this.published.set(uri, signature);
      if (!this.workspace.get(uri)) this.published.delete(uri);
    }
    return changed;
  }

  /** Forget the analyses of a tier, so that its checks run again (after a change of dictionaries). */
  forgetAnalyses(tier: Tier): void {
    this.analyses[tier] = new WeakMap();
    this.running[tier] = undefined;
  }

  /** Forget what was given, so that the next `changedFiles` returns every file (after a change of settings). */
  forgetPublished(): void {
    this.published.clear();
  }
}

/** A diagnostic as given for a problem: its severity setting and its hash (and itself, if kept). */
interface Given {
  diagnostic: Diagnostic | undefined;
  setting: Severity;
  hash: number;
  /** The line maps the ranges were read from: the file's, and those of the problem's related places. */
  lines: LineMap;
  relatedLines: (LineMap | undefined)[] | undefined;
}

/** What a file was given: its problems that are not off or silenced, and their `Given`, in order. */
interface GivenFile {
  model: FileModel | undefined;
  problems: Problem[];
  given: Given[];
  /** Diagnostics built while `given` ran and not kept (at their index), so that publishing does not build them twice. */
  fresh: Map<number, Diagnostic> | undefined;
}

const givenBefore = new WeakMap<Problem, Given>();

/**
 * Per analysis, the last version of each file its problems were moved into (\`carriedOver\`): its text, and its
 * model while it is alive (the next version moves them on from there, so each edit is told apart from the others).
 */
const carried = new WeakMap<BotAnalysis, Map<string, { model: WeakRef<FileModel>; text: string; problems: Problem[]; relatesHere: Uint8Array }>>();

/**
 * A problem at another place than the problem it stands for (\`carriedOver\`). The rest is read from that problem when
 * asked: a confusable example builds its message then (confusables.ts).
 */
class MovedProblem implements Problem {
  /**
   * Its \`Given\`, in a field rather than \`givenBefore\`: the one of the problem it was moved from, passed along (that
   * problem is not given again: the next edit moves this one). Copying it into the \`WeakMap\` for each problem after
   * the cursor was 0.9 ms of a keystroke at the top of the issue-3 bot's training file (in-process CPU profile).
   */
  given: Given | undefined = undefined;
  /** A field, not a getter: \`given\` reads the code of every problem of the file at each keystroke. */
  readonly code: Problem['code'];

  constructor(
    readonly original: Problem,
    readonly span: Span,
    /** Its related places, when some of them moved too. */
    private readonly movedRelated: Problem['related'],
    /**
     * The problem it is moved from: its code is read from there when that is a moved problem too (a field of one
     * class), not from the original (problems of many shapes: 0.6 ms of a keystroke in a CPU profile of 150 edits).
     */
    from: Problem,
  ) {
    this.code = from instanceof MovedProblem ? from.code : original.code;
  }

  get message(): string {
    return this.original.message;
  }

  get related(): Problem['related'] {
    return this.movedRelated ?? this.original.related;
  }

  get data(): Problem['data'] {
    return this.original.data;
  }
}

/**
 * A file's problems from an analysis of an older version of it, moved to where their text is now, until the checks
 * run on this version: those in the changed part of the text are dropped, and so are those with a related place there.
 * Without them, typing in a file took its bot-wide warnings away at each keystroke and gave them back once typing
 * paused. A problem before the change is the same object; one after it is a \`MovedProblem\` that takes the
 * problem's \`Given\` along, so its diagnostic is reused when its line and column did not move.
 */
function carriedOver(analysis: BotAnalysis, analysed: FileModel, now: FileModel): Problem[] {
  let files = carried.get(analysis);
  if (!files) carried.set(analysis, (files = new Map()));
  const last = files.get(now.uri);
  if (last?.model.deref() === now) return last.problems;
  const text = last?.text ?? analysed.text;
  const old = last?.problems ?? analysis.problems.get(now.uri) ?? [];
  const problems: Problem[] = [];
  // Whether each problem has a related place in this file, by index: read from the last list rather than looked up
  // per problem (1 ms of each keystroke for the 7,500 problems of the issue-3 bot's training file).
  const oldRelatesHere = last?.relatesHere;
  const relatesHere = new Uint8Array(old.length);
  if (old.length > 0) {
    const { start, oldEnd: end, delta } = changedWindow(text, now.text);
    // Where the line and column of a place stay as they were: before the change, and after the line it ends on when it
    // added or removed no line. There a problem's diagnostic is given again as it is (thousands in a big file).
    const sameLines = countLines(text, start, end) === countLines(now.text, start, end + delta);
    const lineEnd = text.indexOf('\n', end);
    const stays = (span: Span) => span.end < start || (sameLines && lineEnd !== -1 && span.start > lineEnd);
    // Text typed at either end of a span changes what it covers (an example, an id) as much as text inside it.
    const touches = (span: Span) => span.end >= start && span.start <= end;
    const moved = (span: Span) => (span.start > end ? { start: span.start + delta, end: span.end + delta } : span);
    for (let i = 0; i < old.length; i++) {
      const problem = old[i];
      const span = problem.span;
      if (touches(span)) continue;
      const original = problem instanceof MovedProblem ? problem.original : problem;
      const given = problem instanceof MovedProblem ? problem.given : givenBefore.get(problem);
      const here = oldRelatesHere ? oldRelatesHere[i] === 1 : relatesTo(original, now.uri);
      if (!here) {
        // Most problems: their related places, if any, are in other files.
        if (span.end < start) {
          if (given && stays(span)) given.lines = now.lines;
          problems.push(problem);
          continue;
        }
        const copy = new MovedProblem(original, moved(span), undefined, problem);
        if (given) {
          if (stays(span)) given.lines = now.lines;
          copy.given = given;
        }
        problems.push(copy);
        continue;
      }
      const related = problem.related!;
      // Loops, not array methods given arrows (see \`given\`): V8 dropped the optimised \`carriedOver\` there.
      let touched = false;
      let allBefore = true;
      for (const r of related) {
        if (r.uri !== now.uri) continue;
        if (touches(r.span)) touched = true;
        if (r.span.start >= start) allBefore = false;
      }
      if (touched) continue;
      relatesHere[problems.length] = 1;
      if (span.start < start && allBefore) problems.push(problem);
      else {
        // Its diagnostic is given again when its place and related places read the same lines and columns as before
        // (\`givenOf\` compares them): without it, the 86 confusable examples of the training file that relate to an
        // example further down were built, hashed and serialised again at every keystroke.
        const movedRelated: NonNullable<Problem['related']> = [];
        for (const r of related) movedRelated.push(r.uri === now.uri ? { ...r, span: moved(r.span) } : r);
        const copy = new MovedProblem(original, moved(span), movedRelated, problem);
        copy.given = given;
        problems.push(copy);
      }
    }
  }
  files.set(now.uri, { model: new WeakRef(now), text: now.text, problems, relatesHere });
  return problems;
}

/** Whether a problem has a related place in a file (its own, for \`carriedOver\`), read once per problem. */
function relatesTo(problem: Problem, uri: string): boolean {
  let answer = relatedHere.get(problem);
  if (answer === undefined) relatedHere.set(problem, (answer = problem.related?.some((r) => r.uri === uri) ?? false));
  return answer;
}

const relatedHere = new WeakMap<Problem, boolean>();

/** The line breaks in \`text\` from \`start\` to \`end\`. */
function countLines(text: string, start: number, end: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', start); at !== -1 && at < end; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** A file's problems that depend on the rest of its bot, with the bot and version they were read from. */
const semanticOf = new WeakMap<FileModel, { bot: Bot; version: number; problems: Problem[] }>();

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** The files whose problems differ between two analyses of a bot (all its files when there was none before). */
function changedProblems(before: BotAnalysis | undefined, after: BotAnalysis, bot: Bot): string[] {
  if (!before) return [...bot.files];
  return [...bot.files].filter((uri) => before.models.get(uri) !== after.models.get(uri) || !sameProblems(before, before.problems.get(uri), after, after.problems.get(uri)));
}

/**
 * Whether two analyses give a file the same problems, as the editor would show them. Checks keep a problem object
 * while nothing changed, so most are the same object; the others are compared field by field, a related place by its
 * line and column in its file (for each analysis's version of that file): typing in a big file shifts the offsets of
 * everything after it, rarely the lines of other files' related places.
 */
function sameProblems(before: BotAnalysis, old: Problem[] = [], after: BotAnalysis, now: Problem[] = []): boolean {
  if (old.length !== now.length) return false;
  const samePlace = (a: NonNullable<Problem['related']>[number], b: NonNullable<Problem['related']>[number]) => {
    if (a.uri !== b.uri || a.message !== b.message) return false;
    if (a.span.start === b.span.start && before.models.get(a.uri) === after.models.get(b.uri)) return true;
    const [x, y] = [before.models.get(a.uri)?.lines, after.models.get(b.uri)?.lines];
    if (!x || !y) return a.span.start === b.span.start;
    const [p, q] = [x.position(a.span.start), y.position(b.span.start)];
    return p.line === q.line && p.character === q.character;
  };
  for (let i = 0; i < old.length; i++) {
    const [a, b] = [old[i], now[i]];
    if (a === b) continue;
    if (a.code !== b.code || a.span.start !== b.span.start || a.span.end !== b.span.end || a.message !== b.message) return false;
    const [ra, rb] = [a.related ?? [], b.related ?? []];
    if (ra.length !== rb.length || ra.some((r, j) => !samePlace(r, rb[j]))) return false;
  }
  return true;
}

/**
 * A 53-bit hash of what a diagnostic tells (cyrb53's two 32-bit multiplicative lanes, fed field after field, each
 * string followed by its length, so that two diagnostics hash alike only by a one-in-2^53 chance). It reads the fields
 * \`toDiagnostic\` sets; hashing the diagnostic's JSON instead took about 650 ms of \`givenOf\`'s self time over an LSP
 * bench run of the issue-3 bot (72,900 diagnostics, CPU profile) and made as much garbage as the diagnostics.
 */
export function hashDiagnostic(d: Diagnostic): number {
  h1 = 0xdeadbeef;
  h2 = 0x41c6ce57;
  mixNumber(d.severity ?? 0);
  mixString(String(d.code ?? ''));
  mixString(d.source ?? '');
  mixString(typeof d.message === 'string' ? d.message : JSON.stringify(d.message));
  mixRange(d.range);
  for (const r of d.relatedInformation ?? []) {
    mixString(r.location.uri);
    mixRange(r.location.range);
    mixString(r.message);
  }
  mixValue(d.data);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

let h1 = 0;
let h2 = 0;

function mixNumber(n: number): void {
  h1 = Math.imul(h1 ^ n, 2654435761);
  h2 = Math.imul(h2 ^ n, 1597334677);
}

function mixString(text: string): void {
  for (let i = 0; i < text.length; i++) mixNumber(text.charCodeAt(i));
  mixNumber(text.length);
}

/** A JSON value (a diagnostic's \`data\`), walked rather than written out: strings, numbers, arrays, objects by key. */
function mixValue(value: unknown): void {
  if (typeof value === 'string') mixString(value);
  else if (typeof value === 'number') mixString(String(value));
  else if (typeof value === 'boolean') mixNumber(value ? -2 : -3);
  else if (Array.isArray(value)) {
    mixNumber(-4);
    for (const item of value) mixValue(item);
    mixNumber(value.length);
  } else if (value !== null && typeof value === 'object') {
    mixNumber(-5);
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      mixString(key);
      mixValue(item);
    }
    mixNumber(-6);
  } else mixNumber(-1); // null, undefined
}

function mixRange(range: Range): void {
  mixNumber(range.start.line);
  mixNumber(range.start.character);
  mixNumber(range.end.line);
  mixNumber(range.end.character);
}
