/**
 * Evaluating conditions: a walk over the tree that server/src/service/conditions.ts parses. Never eval, never
 * new Function. A condition is true, false, or broken (a syntax error): the caller decides what a broken one means.
 *
 * Values: a slot that is not set is "nothing": equal only to another unset slot, never less or greater than anything.
 * A number and a text that spells a number compare as numbers (`"12" == 12`); `true`/`false` and the texts "true"/
 * "false" are equal; other texts compare as texts (which orders "HH:MM" times and "YYYY-MM-DD" dates correctly).
 */
import { parseCondition } from '../service/conditions';
import type { Expr } from '../service/conditions';
import type { Value } from './program';

export type Lookup = (slot: string) => Value | undefined;
type Operand = Value | undefined | Value[];

export type ConditionResult = { value: boolean } | { error: string };

const parsed = new Map<string, ReturnType<typeof parseCondition>>();

export function evaluateCondition(source: string, slot: Lookup): ConditionResult {
  let condition = parsed.get(source);
  if (!condition) {
    condition = parseCondition(source);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(source, condition);
  }
  if (!condition.expr) return { error: condition.error?.message ?? 'The condition is empty.' };
  return { value: truthy(evaluate(condition.expr, slot)) };
}

function truthy(v: Operand): boolean {
  return v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'string' && v !== '') || (Array.isArray(v) && v.length > 0);
}

function evaluate(expr: Expr, slot: Lookup): Operand {
  switch (expr.type) {
    case 'slot':
      return slot(expr.name);
    case 'literal':
      return expr.value;
    case 'list':
      return expr.items.map((item) => evaluate(item, slot)).filter((v): v is Value => v !== undefined && !Array.isArray(v));
    case 'not':
      return !truthy(evaluate(expr.operand, slot));
    case 'logical':
      return expr.op === 'and'
        ? truthy(evaluate(expr.left, slot)) && truthy(evaluate(expr.right, slot))
        : truthy(evaluate(expr.left, slot)) || truthy(evaluate(expr.right, slot));
    case 'isSet':
      return (evaluate(expr.operand, slot) !== undefined) !== expr.negated;
    case 'in': {
      const left = evaluate(expr.left, slot);
      const right = evaluate(expr.right, slot);
      const found = Array.isArray(right) && left !== undefined && !Array.isArray(left) && right.some((item) => equal(left, item));
      return found !== expr.negated;
    }
    case 'compare': {
      const left = evaluate(expr.left, slot);
      const right = evaluate(expr.right, slot);
      if (Array.isArray(left) || Array.isArray(right)) return false;
      if (expr.op === '==') return equal(left, right);
      if (expr.op === '!=') return !equal(left, right);
      const order = compare(left, right);
      if (order === undefined) return false;
      return expr.op === '<' ? order < 0 : expr.op === '<=' ? order <= 0 : expr.op === '>' ? order > 0 : order >= 0;
    }
  }
}

function asNumber(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

function equal(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === typeof b) return a === b;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x === y;
  return String(a) === String(b);
}

function compare(a: Value | undefined, b: Value | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}
