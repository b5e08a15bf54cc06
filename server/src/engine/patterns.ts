/**
 * Running the regular expressions written in bot files, under a time limit. A pattern like `(a+)+$` backtracks for
 * minutes on `aaaa…a!`; run in the main context it would freeze the language server. Patterns run in a separate V8
 * context (node:vm) with `timeout`: V8 interrupts the regular expression when the time is up, and the caller gets a
 * clear error instead of a frozen process. All the patterns of a message run in one call (a call costs about 0.1 ms);
 * when that call times out, each pattern is run alone to find the culprit.
 */
import * as vm from 'node:vm';

/** The time a message's patterns may take, in milliseconds. */
export const PATTERN_TIME_LIMIT_MS = 100;
/** Longer messages are cut before patterns run on them. */
export const MAX_PATTERN_INPUT = 2000;

export interface PatternMatch {
  text: string;
  start: number;
  end: number;
}

export type PatternResult = { matches: PatternMatch[] } | { error: string };

const SCRIPT = new vm.Script(`(() => {
  const results = [];
  for (const source of sources) {
    let re;
    try { re = new RegExp(source, 'gu'); } catch (e) { results.push({ error: String(e && e.message) }); continue; }
    const matches = [];
    let m;
    while ((m = re.exec(input)) !== null && matches.length < 20) {
      if (m[0] === '') { re.lastIndex++; continue; }
      matches.push({ text: m[0], start: m.index, end: m.index + m[0].length });
    }
    results.push({ matches });
  }
  return JSON.stringify(results);
})()`);

let context: vm.Context | undefined;

function run(sources: string[], input: string, timeoutMs: number): PatternResult[] {
  context ??= vm.createContext(Object.create(null));
  context.sources = sources;
  context.input = input;
  // The results cross the context boundary as JSON: plain values of this realm, nothing else.
  return JSON.parse(SCRIPT.runInContext(context, { timeout: timeoutMs }) as string) as PatternResult[];
}

/**
 * Finds every match of each pattern in the text (flags `gu`: case-sensitive, Unicode). Never throws and never takes much
 * more than `timeoutMs` per pattern: a pattern that runs out of time gets an error saying so.
 */
export function matchPatterns(sources: string[], text: string, timeoutMs = PATTERN_TIME_LIMIT_MS): PatternResult[] {
  if (sources.length === 0) return [];
  const input = text.slice(0, MAX_PATTERN_INPUT);
  try {
    return run(sources, input, timeoutMs);
  } catch {
    return sources.map((source) => {
      try {
        return run([source], input, timeoutMs)[0];
      } catch (e) {
        const timedOut = (e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
        return {
          error: timedOut
            ? `The pattern \`${source}\` took more than ${timeoutMs} ms on this message and was stopped: it backtracks too much (nested repetitions like \`(a+)+\`). Simplify it.`
            : `The pattern \`${source}\` failed: ${(e as Error).message}`,
        };
      }
    });
  }
}
