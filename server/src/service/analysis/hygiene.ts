/** Hygiene: slots, responses and entities that nothing uses. */
import type { BotContext, Report } from './context';

export function checkUnused(context: BotContext, report: Report): void {
  for (const model of context.models) {
    for (const def of model.definitions) {
      if (def.kind !== 'slot' && def.kind !== 'response' && def.kind !== 'entity') continue;
      if (context.uses(def.kind, def.id) > 0) continue;
      const what = def.kind === 'slot' ? 'no node asks, sets or shows it' : def.kind === 'response' ? 'no node says it' : 'no slot is filled from it and no example marks it';
      report.add(model.uri, { code: `unused-${def.kind}`, message: `Nothing uses the ${def.kind} \`${def.id}\`: ${what}.`, span: def.span, data: { kind: def.kind, id: def.id } });
    }
  }
}
