/** What the schema says about a place in a file: the alternatives that apply at a YAML path. */
import { BOT_SCHEMA, resolveRef } from './schema';
import type { JsonSchema } from './schema';

/** The schemas (resolved, oneOf alternatives spread) that apply to the value at `path`. */
export function schemasAt(path: readonly string[], spreadLast = true): JsonSchema[] {
  let current = spread(BOT_SCHEMA);
  path.forEach((segment, i) => {
    const step = spreadLast || i < path.length - 1 ? spread : (s: JsonSchema) => [resolveRef(s)];
    const next: JsonSchema[] = [];
    for (const schema of current) {
      if (schema.properties?.[segment]) next.push(...step(schema.properties[segment]));
      else if (typeof schema.additionalProperties === 'object' && isObjectSchema(schema)) next.push(...step(schema.additionalProperties));
      else if (schema.items && /^\d+$/.test(segment)) next.push(...step(schema.items));
    }
    current = next;
  });
  return current;
}

/** The name of the schema definition that applies at `path` (`node`, `message`...), when there is one. */
export function definitionAt(path: readonly string[]): string | undefined {
  if (path.length === 0) return '';
  return schemasAt(path, false).map((s) => s['x-botmaster-def'] as string | undefined).find(Boolean);
}

/** The schema of the map entry `key` of the value at `path` (a property, or the schema of any key of a map of ids). */
export function spread(schema: JsonSchema): JsonSchema[] {
  const resolved = resolveRef(schema);
  if (resolved.oneOf) return resolved.oneOf.flatMap((alt) => spread({ ...alt, description: alt.description ?? resolved.description }));
  return [resolved];
}

export function isObjectSchema(schema: JsonSchema): boolean {
  const type = schema.type;
  return type === 'object' || (Array.isArray(type) && type.includes('object')) || (!type && !!schema.properties);
}
