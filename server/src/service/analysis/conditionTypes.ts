/** Conditions that compare a slot with a value of the wrong kind, or with a value its entity does not have. */
import { parseCondition } from '../conditions';
import type { Literal } from '../conditions';
import { nearest } from '../fuzzy';
import type { FileModel, SlotInfo, Span } from '../types';
import { comparisons } from './conditionFacts';
import type { BotContext, Report } from './context';
import { perFile } from './context';

const TEXT_TYPES = new Set(['text', 'email', 'phone', 'url']);
const ORDERED_TEXT_TYPES = new Set(['date', 'time']); // compared as "YYYY-MM-DD" / "HH:MM" texts

export function checkConditionTypes(context: BotContext, report: Report): void {
  const slotInfo = (id: string): SlotInfo | undefined => {
    for (const def of context.bot.lookup('slot', id)) return context.workspace.get(def.uri)?.slots.get(id);
    return undefined;
  };
  const entityValues = (id: string): string[] | undefined => {
    for (const def of context.bot.lookup('entity', id)) {
      const entity = context.workspace.get(def.uri)?.entities.get(id);
      if (entity && !entity.hasPattern && entity.values.length > 0) return entity.values;
    }
    return undefined;
  };
  for (const model of context.models) {
    for (const { condition, found } of comparisonsOf(model)) {
      const spanOf = (start: number, end: number): Span =>
        condition.contentStart === undefined ? condition.span : { start: condition.contentStart + start, end: condition.contentStart + end };
      for (const comparison of found) {
        const slot = slotInfo(comparison.slot);
        if (!slot) continue; // an unknown slot is reported by unknown-slot
        const kind = slot.entity ? 'entity' : (slot.type ?? 'text');
        for (const { value, start, end } of comparison.values) {
          const problem = typeProblem(comparison.slot, kind, comparison.op, value);
          if (problem) {
            report.add(model.uri, { code: 'condition-type', message: problem, span: spanOf(start, end) });
            continue;
          }
          if (slot.entity && typeof value === 'string') {
            const values = entityValues(slot.entity);
            if (values && !values.includes(value)) {
              const near = nearest(value, values);
              report.add(model.uri, {
                code: 'condition-value',
                message: `The entity \`${slot.entity}\` of \`${comparison.slot}\` has no value "${value}", so this test is never true.` + (near.length ? ` Did you mean "${near[0]}"?` : ` Its values: ${values.slice(0, 8).join(', ')}.`),
                // On the value inside its quotes, where "Change to" writes the nearest one.
                span: spanOf(start + 1, end - 1),
                data: { suggestions: near, kind: 'value', id: `${slot.entity}:${value}` },
              });
            }
          }
        }
      }
    }
  }
}

/**
 * The comparisons of slots with values in a file's conditions, parsed once per version of the file (after an edit of
 * another file the check only looks the slots up again).
 */
export function comparisonsOf(model: FileModel): { condition: FileModel['conditions'][number]; found: ReturnType<typeof comparisons> }[] {
  return perFile('condition-comparisons', model, '', () =>
    model.conditions.flatMap((condition) => {
      const parsed = parseCondition(condition.text);
      return parsed.expr ? [{ condition, found: comparisons(parsed.expr) }] : [];
    }),
  );
}

function typeProblem(slot: string, kind: string, op: string, value: Literal): string | undefined {
  const ordering = op === '<' || op === '<=' || op === '>' || op === '>=';
  const shown = typeof value === 'string' ? `the text "${value}"` : String(value);
  if (kind === 'number') {
    if (typeof value !== 'number') return `\`${slot}\` is a number; comparing it with ${shown} is never true. Write the number without quotes.`;
    return undefined;
  }
  if (kind === 'boolean') {
    if (typeof value !== 'boolean') return `\`${slot}\` is \`true\` or \`false\`; comparing it with ${shown} is never true.`;
    if (ordering) return `\`${slot}\` is \`true\` or \`false\`; it cannot be more or less than a value.`;
    return undefined;
  }
  if (typeof value !== 'string') return `\`${slot}\` holds a text (${kind}); comparing it with ${shown} is never true. Write the value in quotes.`;
  if (ordering && (TEXT_TYPES.has(kind) || kind === 'entity') && !ORDERED_TEXT_TYPES.has(kind)) {
    return `\`${slot}\` holds a text (${kind}); \`${op}\` orders texts alphabetically, which is rarely what is meant.`;
  }
  return undefined;
}
