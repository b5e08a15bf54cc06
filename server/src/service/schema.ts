/**
 * Schema validation with ajv against schemas/bot.schema.json, and ajv's errors turned into plain words placed on the
 * exact key or value at fault.
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isNode, isScalar, isSeq } from './yamlNodes';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import schemaJson from '../../../schemas/bot.schema.json';
import { closest } from './fuzzy';
import { duplicateKeysOfEntries, duplicateKeysOfFile } from './duplicateKeys';
import { settle } from './shifts';
import { definitionAt, schemasAt } from './schemaPath';
import type { Problem, Span } from './types';

export const BOT_SCHEMA = schemaJson as unknown as JsonSchema;

export interface JsonSchema {
  $ref?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  enum?: unknown[];
  required?: string[];
  definitions?: Record<string, JsonSchema>;
  'x-botmaster-ref'?: string;
  'x-botmaster-kind'?: string;
  [key: string]: unknown;
}

let validator: ValidateFunction | undefined;
function getValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(BOT_SCHEMA);
  return validator;
}

/** What each definition of the schema is called in messages. */
const THING: Record<string, string> = {
  manifest: 'the bot manifest',
  intent: 'an intent',
  entity: 'an entity',
  slot: 'a slot',
  response: 'a response',
  flow: 'a flow',
  node: 'a node',
  quickReply: 'a quick reply',
  '': 'a dialog file',
};

/** How a value of each definition should look, for oneOf failures. */
const SHAPE: Record<string, string> = {
  message: 'a text or a map of languages, like `en: Hello`',
  target: 'a node id, or `{ flow: id }` for a flow',
  handoff: '`true`, or a `queue` and a `message`',
};

const TYPE_WORDS: Record<string, string> = {
  string: 'a text',
  integer: 'a whole number',
  number: 'a number',
  boolean: '`true` or `false`',
  object: 'a map of settings (`key: value` lines)',
  array: 'a list (lines starting with `- `)',
  null: 'empty',
};

/**
 * Validates only some entries of one section (after an incremental re-parse), as if the file held only them; with the
 * keys written twice inside them.
 */
export function validateEntries(doc: Document.Parsed, section: string, entries: Pair[]): Problem[] {
  const duplicates = duplicateKeysOfEntries(section, entries);
  const data: Record<string, unknown> = {};
  try {
    for (const pair of entries) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      data[key] = isNode(pair.value) ? pair.value.toJS(doc, { maxAliasCount: 100 }) : pair.value;
    }
  } catch {
    return validateSchema(doc);
  }
  const validate = getValidator();
  if (validate({ [section]: data })) return duplicates;
  return [...wordErrors(doc, validate.errors ?? []), ...duplicates];
}

/** Validates a whole document, and finds the keys written twice in one of its maps. */
export function validateSchema(doc: Document.Parsed): Problem[] {
  settle(doc); // the errors are placed on the document's nodes (shifts.ts)
  const duplicates = duplicateKeysOfFile(doc.contents);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const message = (e as Error).message;
    if (/alias/i.test(message)) {
      return [{ code: 'yaml-aliases', message: 'This file uses YAML aliases (`*name`) too many times; write the values out instead.', span: { start: 0, end: 0 } }];
    }
    return [{ code: 'yaml-syntax', message: `YAML: ${message}`, span: { start: 0, end: 0 } }];
  }
  const validate = getValidator();
  if (validate(data)) return duplicates;
  return [...wordErrors(doc, validate.errors ?? []), ...duplicates];
}

function segments(instancePath: string): string[] {
  return instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The YAML node at a JSON path, with the key node of its pair when it is a map entry. */
export function locate(doc: Document.Parsed, path: string[]): { key?: YamlNode; value?: YamlNode | null } {
  let value: unknown = doc.contents;
  let key: YamlNode | undefined;
  for (const segment of path) {
    if (isMap(value)) {
      const pair = value.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) return { key, value: value as YamlNode };
      key = pair.key as YamlNode;
      value = pair.value;
    } else if (isSeq(value)) {
      key = undefined;
      value = value.items[Number(segment)];
    } else break;
  }
  return { key, value: value as YamlNode | null };
}

function spanOfNode(node: YamlNode | null | undefined): Span | undefined {
  return node?.range ? { start: node.range[0], end: node.range[1] } : undefined;
}

/** The definition a schema path is in (`#/definitions/node/properties/say` -> `node`) and the last property name. */
function definitionOf(path: string[]): string {
  return definitionAt(path) ?? '';
}

function wordErrors(doc: Document.Parsed, errors: ErrorObject[]): Problem[] {
  const problems: Problem[] = [];
  // A oneOf failure is reported once, in the words of its definition; the errors of its alternatives are dropped.
  const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath);
  const seen = new Set<string>();
  for (const error of errors) {
    const path = segments(error.instancePath);
    const insideOneOf = oneOfPaths.some((p) => error.keyword !== 'oneOf' && (error.instancePath === p || error.instancePath.startsWith(p + '/')) && /oneOf/.test(error.schemaPath));
    if (insideOneOf) continue;
    const problem = wordError(doc, error, path);
    if (!problem) continue;
    const key = `${problem.span.start}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function wordError(doc: Document.Parsed, error: ErrorObject, path: string[]): Problem | undefined {
  const name = path.length > 0 ? path[path.length - 1] : '';
  const { key, value } = locate(doc, path);
  const valueSpan = spanOfNode(value) ?? spanOfNode(key) ?? { start: 0, end: 0 };
  const keySpan = spanOfNode(key) ?? valueSpan;
  const where = /^\d+$/.test(name) ? `Item ${Number(name) + 1}` : `\`${name}\``;
  const definition = definitionOf(path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const extraKey = locate(doc, [...path, extra]).key;
      const known = [...new Set(schemasAt(path).flatMap((s) => Object.keys(s.properties ?? {})))];
      const suggestion = closest(extra, known);
      const thing = THING[definition] ?? `\`${name}\``;
      return {
        code: 'unknown-key',
        message: `\`${extra}\` is not a setting of ${thing}.` + (suggestion ? ` Did you mean \`${suggestion}\`?` : ` Known settings: ${known.join(', ')}.`),
        span: spanOfNode(extraKey) ?? keySpan,
        ...(suggestion ? { data: { suggestions: [suggestion], id: extra } } : {}),
      };
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const thing = THING[definition] ?? `\`${name}\``;
      return { code: 'missing-key', message: `${capitalize(thing)} needs \`${missing}\`.`, span: path.length ? keySpan : { start: 0, end: 0 } };
    }
    case 'oneOf': {
      const shape = SHAPE[definition] ?? SHAPE[name];
      return { code: 'wrong-type', message: `${where} must be ${shape ?? 'one of the allowed forms'}.`, span: valueSpan };
    }
    case 'type': {
      const types = ([] as string[]).concat((error.params as { type: string | string[] }).type as string);
      const words = types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      return { code: 'wrong-type', message: `${where} must be ${words}${refHint(path)}.`, span: valueSpan };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => `\`${v}\``).join(', ');
      return { code: 'invalid-value', message: `${where} must be one of ${allowed}.`, span: valueSpan };
    }
    case 'propertyNames':
      return undefined; // reported by the `pattern` error it wraps
    case 'pattern': {
      const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
      if (propertyName !== undefined) {
        const badKey = locate(doc, [...path, propertyName]).key;
        const isLocale = /locale/.test(String((error.params as { pattern: string }).pattern)) || /\[a-z\]\{2,3\}/.test(String((error.params as { pattern: string }).pattern));
        return {
          code: isLocale ? 'invalid-value' : 'invalid-id',
          message: isLocale
            ? `\`${propertyName}\` is not a language code: write one like \`en\`, \`fr\` or \`en-GB\`.`
            : `\`${propertyName}\` is not a valid id: use letters, digits, \`_\` and \`-\`, in parts separated by dots, starting with a letter or \`_\`.`,
          span: spanOfNode(badKey) ?? keySpan,
        };
      }
      const isLocale = /\[a-z\]\{2,3\}/.test(String((error.params as { pattern: string }).pattern));
      return {
        code: 'invalid-value',
        message: isLocale ? `${where} is not a language code: write one like \`en\`, \`fr\` or \`en-GB\`.` : `${where} does not have the expected form.`,
        span: valueSpan,
      };
    }
    case 'minimum':
    case 'maximum': {
      const limit = (error.params as { limit: number }).limit;
      return { code: 'invalid-value', message: `${where} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${limit}.`, span: valueSpan };
    }
    case 'minItems':
      return { code: 'invalid-value', message: `${where} must not be an empty list.`, span: valueSpan };
    case 'minProperties':
      return { code: 'invalid-value', message: `${where} must not be empty.`, span: valueSpan };
    case 'minLength':
      return { code: 'invalid-value', message: `${where} must not be empty.`, span: valueSpan };
    case 'uniqueItems':
      return { code: 'invalid-value', message: `${where} lists the same value twice.`, span: valueSpan };
    default:
      return { code: 'invalid-value', message: `${where} ${error.message ?? 'is not valid'}.`, span: valueSpan };
  }
}

function refHint(path: string[]): string {
  const ref = schemasAt(path).map((s) => s['x-botmaster-ref']).find(Boolean);
  return ref ? ` (the id of a ${ref === 'locale' ? 'language' : ref})` : '';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function resolveRef(schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; s.$ref && i < 10; i++) {
    const name = s.$ref.replace('#/definitions/', '');
    const target = BOT_SCHEMA.definitions?.[name] ?? {};
    // Keep the description written at the reference site: it is more specific than the definition's.
    s = { ...target, description: s.description ?? target.description, 'x-botmaster-def': name };
  }
  return s;
}
