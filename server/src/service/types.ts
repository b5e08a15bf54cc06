/** Shared types of the language service. Offsets are UTF-16 offsets into a file's text (what `yaml` ranges use). */
import type { Document } from 'yaml';
import type { LineMap } from './lines';
import type { DiagnosticCode } from './codes';

/** The kinds of things a bot defines and refers to. `value` is an entity value, with id `entity:value`. */
export type Kind = 'node' | 'flow' | 'intent' | 'entity' | 'value' | 'slot' | 'response' | 'locale';

export const KIND_NAMES: Record<Kind, string> = {
  node: 'node',
  flow: 'flow',
  intent: 'intent',
  entity: 'entity',
  value: 'entity value',
  slot: 'slot',
  response: 'response',
  locale: 'language',
};

export interface Span {
  start: number;
  end: number;
}

export interface Definition {
  kind: Kind;
  id: string;
  uri: string;
  /** The id itself (the key), where rename and go-to-definition land. */
  span: Span;
  /** The whole entry: key and value. */
  full: Span;
  /** For nodes: the flow they belong to. */
  flow?: string;
}

export interface Reference {
  kind: Kind;
  id: string;
  uri: string;
  span: Span;
}

/** A piece of user-visible text (a message or one of its variants). */
export interface TextItem {
  span: Span;
  text: string;
  /** The locale, or undefined when written without one (then it is the default locale). */
  locale?: string;
}

export interface IntentInfo {
  description?: string;
  /** Training examples per locale. */
  examples: Map<string, { text: string; span: Span }[]>;
}

export interface NodeInfo {
  flow: string;
  description?: string;
  /** What the node says (say, prompt or response), per locale, first variant. */
  texts: TextItem[];
  response?: string;
  ask?: string;
  /** Where the node leads: a label (the intent, condition or button) and the target. */
  moves: { via: string; kind: 'node' | 'flow'; id: string }[];
  end: boolean;
  handoff: boolean;
}

export interface SlotInfo {
  description?: string;
  type?: string;
  entity?: string;
}

export interface ManifestInfo {
  name?: string;
  locales: string[];
  defaultLocale?: string;
  /** The span of the `bot` key. */
  span: Span;
}

/** A problem found in a file, before it is turned into an LSP diagnostic. */
export interface Problem {
  code: DiagnosticCode;
  message: string;
  span: Span;
  /** Other places that explain the problem (the other definition of a duplicate...). */
  related?: { uri: string; span: Span; message: string }[];
}

/** Everything the service knows about one file at one version. Built once per version, never mutated. */
export interface FileModel {
  uri: string;
  version: number;
  text: string;
  lines: LineMap;
  /** Undefined when the file could not be parsed at all (too large, binary). */
  doc?: Document.Parsed;
  /** Problems found while reading the file alone: syntax, schema, conditions, placeholders. */
  problems: Problem[];
  /** The parse result and the schema's part of `problems`, kept so that the next version can be re-parsed in part. */
  parsed: import('./parse').ParsedText;
  schemaProblems: Problem[];
  manifest?: ManifestInfo;
  definitions: Definition[];
  references: Reference[];
  intents: Map<string, IntentInfo>;
  nodes: Map<string, NodeInfo>;
  slots: Map<string, SlotInfo>;
  descriptions: Map<string, string>;
}
