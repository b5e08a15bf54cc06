/**
 * What can be said about a condition without running it: whether it can ever be true (contradictory tests on the same
 * slot), and the slot/value pairs it compares (for the type checks).
 */
import type { Expr, Literal } from '../conditions';

interface SlotFacts {
  equals?: Literal;
  notEquals: Literal[];
  min?: { value: number; inclusive: boolean };
  max?: { value: number; inclusive: boolean };
  set?: boolean;
}

/** The slots whose values are \`true\` or \`false\` only (type \`boolean\`), which some judgements need. */
export type BooleanSlots = ReadonlySet<string>;
const NO_BOOLEANS: BooleanSlots = new Set();

/**
 * Why the condition can never be true, or undefined when it may be. Only \`and\` chains of simple tests are judged.
 * \`booleans\` are the slots known to hold \`true\` or \`false\` when set.
 */
export function neverTrue(expr: Expr, booleans: BooleanSlots = NO_BOOLEANS): string | undefined {
  if (expr.type === 'logical' && expr.op === 'or') {
    const left = neverTrue(expr.left, booleans);
    const right = left && neverTrue(expr.right, booleans);
    return left && right ? `${left}, and ${right}` : undefined;
  }
  const facts = new Map<string, SlotFacts>();
  const tests: Expr[] = [];
  const flatten = (e: Expr): void => {
    if (e.type === 'logical' && e.op === 'and') {
      flatten(e.left);
      flatten(e.right);
    } else tests.push(e);
  };
  flatten(expr);
  for (const test of tests) {
    const reason = addFact(facts, test);
    if (reason) return reason;
  }
  for (const [slot, f] of facts) {
    if (booleans.has(slot) && f.set === true && f.notEquals.includes(true) && f.notEquals.includes(false)) return `\`${slot}\` is set, so it is \`true\` or \`false\``;
  }
  return undefined;
}

function factsOf(facts: Map<string, SlotFacts>, slot: string): SlotFacts {
  let f = facts.get(slot);
  if (!f) facts.set(slot, (f = { notEquals: [] }));
  return f;
}

const show = (v: Literal) => (typeof v === 'string' ? `"${v}"` : String(v));

function addFact(facts: Map<string, SlotFacts>, test: Expr): string | undefined {
  if (test.type === 'isSet' && test.operand.type === 'slot') {
    const f = factsOf(facts, test.operand.name);
    const set = !test.negated;
    if (f.set !== undefined && f.set !== set) return `\`${test.operand.name}\` cannot be set and not set at once`;
    if (!set && (f.equals !== undefined || f.min || f.max)) return `\`${test.operand.name}\` is compared with a value and must not be set`;
    f.set = set;
    return undefined;
  }
  if (test.type !== 'compare') return undefined;
  let { left, right, op } = test;
  if (left.type === 'literal' && right.type === 'slot') {
    [left, right] = [right, left];
    op = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as Record<string, typeof op>)[op] ?? op;
  }
  if (left.type !== 'slot' || right.type !== 'literal') return undefined;
  const slot = left.name;
  const value = right.value;
  const f = factsOf(facts, slot);
  // A slot that is not set equals nothing and is neither less nor more than anything, but it is unequal to everything.
  if (f.set === false && op !== '!=') return `\`${slot}\` must not be set, so it cannot be compared with ${show(value)}`;
  const fits = (v: Literal): boolean => {
    if (typeof v !== 'number') return true;
    if (f.min && (v < f.min.value || (v === f.min.value && !f.min.inclusive))) return false;
    if (f.max && (v > f.max.value || (v === f.max.value && !f.max.inclusive))) return false;
    return true;
  };
  switch (op) {
    case '==':
      if (f.equals !== undefined && f.equals !== value) return `\`${slot}\` cannot equal both ${show(f.equals)} and ${show(value)}`;
      if (f.notEquals.includes(value)) return `\`${slot}\` is both equal and not equal to ${show(value)}`;
      if (!fits(value)) return `\`${slot}\` == ${show(value)} is outside the range the other tests allow`;
      f.equals = value;
      return undefined;
    case '!=':
      if (f.equals === value) return `\`${slot}\` is both equal and not equal to ${show(value)}`;
      f.notEquals.push(value);
      return undefined;
    default: {
      if (typeof value !== 'number') return undefined;
      const inclusive = op === '<=' || op === '>=';
      if (op === '>' || op === '>=') {
        if (!f.min || value > f.min.value || (value === f.min.value && !inclusive)) f.min = { value, inclusive };
      } else if (!f.max || value < f.max.value || (value === f.max.value && !inclusive)) f.max = { value, inclusive };
      if (f.min && f.max && (f.min.value > f.max.value || (f.min.value === f.max.value && !(f.min.inclusive && f.max.inclusive)))) {
        return `no number is ${f.min.inclusive ? 'at least' : 'more than'} ${f.min.value} and ${f.max.inclusive ? 'at most' : 'less than'} ${f.max.value}`;
      }
      if (f.equals !== undefined && !fits(f.equals)) return `\`${slot}\` == ${show(f.equals)} is outside the range the other tests allow`;
      return undefined;
    }
  }
}

const AND = (left: Expr, right: Expr): Expr => ({ type: 'logical', op: 'and', left, right, start: left.start, end: right.end });
const FLIPPED = { '==': '!=', '!=': '==', '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const;

/** The tests of an \`and\` chain. */
function andTests(expr: Expr): Expr[] {
  return expr.type === 'logical' && expr.op === 'and' ? [...andTests(expr.left), ...andTests(expr.right)] : [expr];
}

/**
 * The negation of a condition, when it can be written exactly (a slot that is not set equals nothing, is unequal to
 * everything and is neither less nor more than anything, so \`not (x > 3)\` is not \`x <= 3\`): \`==\` and \`!=\`,
 * \`is set\` and \`is not set\`, \`not\`, and \`or\` / \`and\` of those.
 */
function negation(expr: Expr): Expr | undefined {
  switch (expr.type) {
    case 'not':
      return expr.operand;
    case 'isSet':
      return { ...expr, negated: !expr.negated };
    case 'compare':
      return expr.op === '==' || expr.op === '!=' ? { ...expr, op: FLIPPED[expr.op] } : undefined;
    case 'logical': {
      const left = negation(expr.left);
      const right = left && negation(expr.right);
      if (!left || !right) return undefined;
      return expr.op === 'or' ? AND(left, right) : { ...expr, op: 'or', left, right };
    }
    default:
      return undefined;
  }
}

/** How many \`and\` chains \`neverHolds\` expands a condition into, at most. */
const MAX_TERMS = 64;

/** A condition as \`or\` of \`and\` chains (\`not\` pushed in where exact), or undefined past \`MAX_TERMS\` chains. */
function chains(expr: Expr): Expr[][] | undefined {
  if (expr.type === 'logical') {
    const left = chains(expr.left);
    const right = left && chains(expr.right);
    if (!left || !right) return undefined;
    if (expr.op === 'or') return left.length + right.length > MAX_TERMS ? undefined : [...left, ...right];
    if (left.length * right.length > MAX_TERMS) return undefined;
    return left.flatMap((l) => right.map((r) => [...l, ...r]));
  }
  if (expr.type === 'not') {
    const inner = negation(expr.operand);
    if (inner && inner.type !== 'not') return chains(inner);
  }
  return [[expr]];
}

/** Whether a condition can never be true: each of its \`and\` chains has contradictory tests. */
function neverHolds(expr: Expr, booleans: BooleanSlots): boolean {
  const found = chains(expr);
  return found !== undefined && found.every((chain) => neverTrue(chain.reduce(AND), booleans) !== undefined);
}

/**
 * Whether \`b\` holds whenever \`a\` does (so a branch case \`a\` after a case \`b\` is never taken). \`b\` must be an \`and\`
 * chain of simple tests; each must be contradicted by \`a\` with its negation (for \`x > 3\`: with \`x <= 3\` and with
 * \`x is not set\`).
 */
export function implies(a: Expr, b: Expr, booleans: BooleanSlots = NO_BOOLEANS): boolean {
  return andTests(b).every((test) => {
    if (test.type === 'isSet' || (test.type === 'compare' && (test.op === '==' || test.op === '!='))) return neverHolds(AND(a, negation(test)!), booleans);
    if (test.type !== 'compare') return false;
    const slot = test.left.type === 'slot' ? test.left : test.right.type === 'slot' ? test.right : undefined;
    if (!slot || (test.left.type !== 'literal' && test.right.type !== 'literal')) return false;
    const unset: Expr = { type: 'isSet', negated: true, operand: slot, start: test.start, end: test.end };
    return neverHolds(AND(a, { ...test, op: FLIPPED[test.op] }), booleans) && neverHolds(AND(a, unset), booleans);
  });
}

/** Whether one of the conditions holds whatever the slots (the negations of all of them can never hold together). */
export function oneAlwaysHolds(conditions: Expr[], booleans: BooleanSlots = NO_BOOLEANS): boolean {
  const negations = conditions.map(negation);
  if (negations.length === 0 || negations.some((n) => n === undefined)) return false;
  return neverHolds((negations as Expr[]).reduce(AND), booleans);
}

/** Every comparison of a slot with literal values in a condition: `slot == "x"`, `slot in ["a", "b"]`, `slot > 3`. */
export function comparisons(expr: Expr): { slot: string; values: { value: Literal; start: number; end: number }[]; op: string }[] {
  const found: ReturnType<typeof comparisons> = [];
  const walk = (e: Expr): void => {
    switch (e.type) {
      case 'logical':
        walk(e.left);
        walk(e.right);
        break;
      case 'not':
        walk(e.operand);
        break;
      case 'compare': {
        const [slot, literal] = e.left.type === 'slot' ? [e.left, e.right] : [e.right, e.left];
        if (slot.type === 'slot' && literal.type === 'literal') found.push({ slot: slot.name, op: e.op, values: [{ value: literal.value, start: literal.start, end: literal.end }] });
        break;
      }
      case 'in':
        if (e.left.type === 'slot' && e.right.type === 'list') {
          const values = e.right.items.filter((i) => i.type === 'literal').map((i) => ({ value: (i as { value: Literal }).value, start: i.start, end: i.end }));
          found.push({ slot: e.left.name, op: 'in', values });
        }
        break;
    }
  };
  walk(expr);
  return found;
}
