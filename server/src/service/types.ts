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

/**
 * A training example: its text and place, with its file and intent. The duplicate and confusable checks read the same
 * objects, with their words normalised once (\`examplesOf\` in analysis/intents.ts); an object of its own per example
 * for them took 15 MB on the issue-3 bot.
 */
export interface Example {
  uri: string;
  intent: string;
  text: string;
  span: Span;
  /** Its normalised words, once the checks asked for them (\`undefined\` until then). */
  normalized: string | undefined;
}

export interface IntentInfo {
  description?: string;
  /** The intent's id. */
  span: Span;
  /** Training examples per locale. */
  examples: Map<string, Example[]>;
  /** The locale keys under `examples`. */
  localeSpans: Map<string, Span>;
}

/** Where a message appears: the setting that holds it. */
export type MessageRole = 'say' | 'prompt' | 'retry' | 'voice' | 'label' | 'text' | 'handoff';

/** A user-visible message: one setting (`say`, `prompt`...) with its texts per locale. */
export interface MessageInfo {
  role: MessageRole;
  /** The key of the setting (`say`), where "missing translation" is reported. */
  keySpan: Span;
  /** The whole value. */
  span: Span;
  /** Texts written for a locale; texts written without one are under `undefined`. */
  texts: TextItem[];
  /** The locale keys present, with their spans, when the message is a map of locales. */
  locales: ReadonlyMap<string, Span>;
  /** Where the value ends, for inserting a missing translation (the end of the map's last entry). */
  isMap: boolean;
}

export interface BranchItem {
  /** The condition's source text, undefined for the else case. */
  condition?: string;
  conditionSpan?: Span;
  itemSpan: Span;
}

export interface NodeInfo {
  flow: string;
  /** The node's id, where node problems are reported. */
  span: Span;
  /** The node waits for the user: it asks, offers quick replies or moves on intents. */
  waits: boolean;
  fallback?: string;
  hasPrompt: boolean;
  branch: BranchItem[];
  /** The `branch` key, when the node has one. */
  branchSpan?: Span;
  description?: string;
  /** What the node says (say, prompt or response), per locale, first variant. */
  texts: TextItem[];
  response?: string;
  ask?: string;
  /** Where the node leads: a label (the intent, condition or button) and the target; `auto` when no user input is needed. */
  moves: { via: string; kind: 'node' | 'flow'; id: string; auto: boolean }[];
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
  start?: string;
  fallback?: string;
  channels: { id: string; type: 'chat' | 'voice'; maxLength?: number }[];
  /** The bot's own words, accepted by the spelling check. */
  words: string[];
  /** Severity overrides per diagnostic code. */
  checks: Map<string, string>;
  /** The fewest training examples an intent should have per locale (`nlu.min_examples`). */
  minExamples?: number;
  /** How similar two examples of different intents may be before they are reported (`nlu.confusable_similarity`). */
  confusableSimilarity?: number;
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
  /** What quick fixes need: the nearest existing ids, the missing locales... (sent as the diagnostic's `data`). */
  data?: { suggestions?: string[]; missing?: string[]; kind?: Kind; id?: string; moveTo?: string[]; locale?: string; word?: string };
}

/**
 * Everything the service knows about one file at one version. Built once per text; only `version` may be updated, and
 * `doc` released while the file is not open in the editor (documents.ts: read it with `documentOf`).
 */
export interface FileModel {
  uri: string;
  version: number;
  text: string;
  lines: LineMap;
  /** Undefined when the file could not be parsed at all (too large, binary), or released (see documents.ts). */
  doc?: Document.Parsed;
  /** Whether the file holds any YAML (not empty, not only comments). */
  hasContent: boolean;
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
  flows: Map<string, FlowInfo>;
  responses: Map<string, ResponseInfo>;
  entities: Map<string, EntityInfo>;
  messages: MessageInfo[];
  /** Every condition (`if`, `validate`) with where its text starts in the file when that can be known exactly. */
  conditions: { text: string; span: Span; contentStart?: number }[];
  /** The \`description\` of each node, flow, slot… by \`kind:id\` (an intent's is in its \`IntentInfo\`). */
  descriptions: Map<string, string>;
  /** Lines (0-based) after a `# botmaster-ignore code...` comment, with the codes silenced there. */
  suppressions: ReadonlyMap<number, ReadonlySet<string>>;
}

export interface FlowInfo {
  start?: string;
  fallback?: string;
  /** Intents of the flow's `on`. */
  intents: string[];
}

export interface ResponseInfo {
  texts: TextItem[];
  hasQuickReplies: boolean;
}

export interface EntityInfo {
  values: string[];
  hasPattern: boolean;
}
