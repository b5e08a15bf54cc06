/**
 * The condition language: a small, safe expression language on slots, parsed with positions.
 *   expr := or;  or := and ('or' and)*;  and := not ('and' not)*;  not := 'not' not | test
 *   test := value (('=='|'!='|'<'|'<='|'>'|'>=') value | 'in' list | 'not' 'in' list | 'is' 'set' | 'is' 'not' 'set')?
 *   value := slot | number | string | 'true' | 'false' | list | '(' expr ')'
 * It is never evaluated with eval or new Function: the engine walks this tree.
 */

export type Literal = string | number | boolean;

export type Expr =
  | { type: 'slot'; name: string; start: number; end: number }
  | { type: 'literal'; value: Literal; start: number; end: number }
  | { type: 'list'; items: Expr[]; start: number; end: number }
  | { type: 'not'; operand: Expr; start: number; end: number }
  | { type: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr; start: number; end: number }
  | { type: 'compare'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr; start: number; end: number }
  | { type: 'in'; negated: boolean; left: Expr; right: Expr; start: number; end: number }
  | { type: 'isSet'; negated: boolean; operand: Expr; start: number; end: number };

export interface ConditionError {
  message: string;
  start: number;
  end: number;
}

export interface ParsedCondition {
  expr?: Expr;
  error?: ConditionError;
  /** Every slot named in the condition, with its position (also when the condition has an error). */
  slots: { name: string; start: number; end: number }[];
}

type Token = { kind: 'id' | 'num' | 'str' | 'op' | 'punct' | 'end'; text: string; value?: Literal; start: number; end: number };

const IDENT = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const NUMBER = /-?\d+(\.\d+)?/y;
const OPERATOR = /==|!=|<=|>=|<|>/y;
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'set', 'true', 'false']);

class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const close = source.indexOf(c, i + 1);
      if (close === -1) throw new ConditionSyntaxError(`This text is not closed: add a ${c} at its end.`, i, source.length);
      tokens.push({ kind: 'str', text: source.slice(i, close + 1), value: source.slice(i + 1, close), start: i, end: close + 1 });
      i = close + 1;
      continue;
    }
    if ('()[],'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    const from = i;
    for (const [re, kind] of [
      [NUMBER, 'num'],
      [OPERATOR, 'op'],
      [IDENT, 'id'],
    ] as const) {
      re.lastIndex = i;
      const m = re.exec(source);
      if (m && m[0].length > 0) {
        const text = m[0];
        tokens.push({ kind, text, value: kind === 'num' ? Number(text) : undefined, start: i, end: i + text.length });
        i += text.length;
        break;
      }
    }
    // Nothing matched here. (Comparing with the last token's end, as this did, let a character that no token starts
    // with, right after a token, loop for ever: `product_choi@ce`.)
    if (i === from) {
      if (c === '=') throw new ConditionSyntaxError('Use `==` to compare (a single `=` is not a comparison).', i, i + 1);
      if (c === '&' || c === '|') throw new ConditionSyntaxError(`Use \`${c === '&' ? 'and' : 'or'}\` instead of \`${c}\`.`, i, i + 1);
      if (c === '!') throw new ConditionSyntaxError('Use `not` or `!=` instead of `!`.', i, i + 1);
      throw new ConditionSyntaxError(`\`${c}\` cannot be used in a condition.`, i, i + 1);
    }
  }
  tokens.push({ kind: 'end', text: '', start: source.length, end: source.length });
  return tokens;
}

export function parseCondition(source: string): ParsedCondition {
  const slots: ParsedCondition['slots'] = [];
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (e) {
    const err = e as ConditionSyntaxError;
    return { error: { message: err.message, start: err.start, end: err.end }, slots };
  }
  for (const t of tokens) if (t.kind === 'id' && !KEYWORDS.has(t.text)) slots.push({ name: t.text, start: t.start, end: t.end });
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (word: string, t = peek()) => t.kind === 'id' && t.text === word;
  const expectWord = (word: string) => {
    const t = peek();
    if (!isWord(word, t)) throw new ConditionSyntaxError(`Expected \`${word}\` here${describe(t)}.`, t.start, t.end);
    pos++;
    return t;
  };
  const describe = (t: Token) => (t.kind === 'end' ? ', but the condition ends' : `, not \`${t.text}\``);

  const parseOr = (): Expr => {
    let left = parseAnd();
    while (isWord('or')) {
      pos++;
      const right = parseAnd();
      left = { type: 'logical', op: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  };
  const parseAnd = (): Expr => {
    let left = parseNot();
    while (isWord('and')) {
      pos++;
      const right = parseNot();
      left = { type: 'logical', op: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  };
  const parseNot = (): Expr => {
    if (isWord('not')) {
      const t = tokens[pos++];
      const operand = parseNot();
      return { type: 'not', operand, start: t.start, end: operand.end };
    }
    return parseTest();
  };
  const parseTest = (): Expr => {
    const left = parseValue();
    const t = peek();
    if (t.kind === 'op') {
      pos++;
      const right = parseValue();
      return { type: 'compare', op: t.text as '==', left, right, start: left.start, end: right.end };
    }
    if (isWord('in') || (isWord('not') && isWord('in', tokens[pos + 1]))) {
      const negated = isWord('not');
      pos += negated ? 2 : 1;
      const right = parseValue();
      if (right.type !== 'list' && right.type !== 'slot') {
        throw new ConditionSyntaxError('After `in`, write a list like `["a", "b"]`.', right.start, right.end);
      }
      return { type: 'in', negated, left, right, start: left.start, end: right.end };
    }
    if (isWord('is')) {
      pos++;
      const negated = isWord('not');
      if (negated) pos++;
      const set = expectWord('set');
      return { type: 'isSet', negated, operand: left, start: left.start, end: set.end };
    }
    return left;
  };
  const parseValue = (): Expr => {
    const t = peek();
    if (t.kind === 'num' || t.kind === 'str') {
      pos++;
      return { type: 'literal', value: t.value as Literal, start: t.start, end: t.end };
    }
    if (t.kind === 'id') {
      if (t.text === 'true' || t.text === 'false') {
        pos++;
        return { type: 'literal', value: t.text === 'true', start: t.start, end: t.end };
      }
      if (KEYWORDS.has(t.text)) throw new ConditionSyntaxError(`Expected a slot or a value before \`${t.text}\`.`, t.start, t.end);
      pos++;
      return { type: 'slot', name: t.text, start: t.start, end: t.end };
    }
    if (t.text === '(') {
      pos++;
      const inner = parseOr();
      const close = peek();
      if (close.text !== ')') throw new ConditionSyntaxError(`Expected \`)\` to close the \`(\`${describe(close)}.`, close.start, close.end);
      pos++;
      return { ...inner, start: t.start, end: close.end };
    }
    if (t.text === '[') {
      pos++;
      const items: Expr[] = [];
      while (peek().text !== ']') {
        const item = parseValue();
        if (item.type !== 'literal') throw new ConditionSyntaxError('A list holds values like `"a"` or `3`.', item.start, item.end);
        items.push(item);
        if (peek().text === ',') pos++;
        else if (peek().text !== ']') throw new ConditionSyntaxError(`Expected \`,\` or \`]\` in the list${describe(peek())}.`, peek().start, peek().end);
      }
      const close = tokens[pos++];
      return { type: 'list', items, start: t.start, end: close.end };
    }
    if (t.kind === 'end') throw new ConditionSyntaxError('The condition is incomplete: a slot or a value is missing at its end.', t.start, t.end);
    throw new ConditionSyntaxError(`Expected a slot or a value${describe(t)}.`, t.start, t.end);
  };

  try {
    if (peek().kind === 'end') throw new ConditionSyntaxError('The condition is empty.', 0, source.length);
    const expr = parseOr();
    const rest = peek();
    if (rest.kind !== 'end') {
      throw new ConditionSyntaxError(`Unexpected \`${rest.text}\`: join tests with \`and\` or \`or\`.`, rest.start, rest.end);
    }
    return { expr, slots };
  } catch (e) {
    if (!(e instanceof ConditionSyntaxError)) throw e;
    return { error: { message: e.message, start: e.start, end: e.end }, slots };
  }
}
