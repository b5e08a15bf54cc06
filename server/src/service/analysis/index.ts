/**
 * The bot-wide checks. Each check reads a `BotContext` and reports problems per file; the result is computed once per
 * version of the bot and kept until one of its files changes. A check that throws is recorded (the server logs it
 * once) and the other checks still run.
 */
import type { FileModel, Problem } from '../types';
import type { Bot, Workspace } from '../workspace';
import { checkConditionTypes } from './conditionTypes';
import { checkConfusables } from './confusables';
import type { Check } from './context';
import { BotContext, Report } from './context';
import { checkDialog } from './dialog';
import { checkUnused } from './hygiene';
import { checkIntents } from './intents';
import { checkLanguages } from './languages';
import { checkPrivacy } from './privacy';
import { checkSpelling } from './spelling';
import { checkWording } from './wording';

/** Checks cheap enough to run after every edit. */
export const CHECKS: Record<string, Check> = {
  dialog: checkDialog,
  conditions: checkConditionTypes,
  intents: checkIntents,
  languages: checkLanguages,
  wording: checkWording,
  spelling: checkSpelling,
  privacy: checkPrivacy,
  unused: checkUnused,
};

/** Checks that take seconds on very big bots: the language server runs them once the user pauses. */
export const HEAVY_CHECKS: Record<string, Check> = {
  confusables: checkConfusables,
};

export interface BotAnalysis {
  version: number;
  /** The model of each file when the analysis ran: its problems are valid for that version of the file. */
  models: Map<string, FileModel>;
  problems: Map<string, Problem[]>;
  /** Checks that threw: their name and error, to be logged once. */
  failures: { check: string; error: Error }[];
}

export function analyzeBot(workspace: Workspace, bot: Bot, checks: Record<string, Check> = CHECKS): BotAnalysis {
  const steps = analyzeBotInSteps(workspace, bot, checks);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same analysis, as a generator that pauses inside heavy checks. The models are those of the start: the caller
 * drops the result if the bot changed meanwhile (`version`).
 */
export function* analyzeBotInSteps(workspace: Workspace, bot: Bot, checks: Record<string, Check> = CHECKS): Generator<void, BotAnalysis, void> {
  const version = bot.version;
  const context = new BotContext(workspace, bot);
  const report = new Report();
  const failures: BotAnalysis['failures'] = [];
  for (const [name, check] of Object.entries(checks)) {
    yield;
    try {
      const run = check(context, report);
      if (run) yield* run;
    } catch (e) {
      failures.push({ check: name, error: e instanceof Error ? e : new Error(String(e)) });
    }
  }
  return { version, models: new Map(context.models.map((m) => [m.uri, m])), problems: report.byUri, failures };
}
