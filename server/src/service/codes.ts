/**
 * The catalogue of diagnostic codes: one place for each code's default severity and short title.
 * Every code has an entry in docs/diagnostics.md (a test checks it) and a file in examples/broken/ that shows it.
 */
export type Severity = 'error' | 'warning' | 'info';

export const CODES = {
  'yaml-syntax': { severity: 'error', title: 'The file is not valid YAML' },
  'yaml-aliases': { severity: 'error', title: 'Too many YAML aliases' },
  'too-deep': { severity: 'error', title: 'The file nests too deep' },
  'file-too-large': { severity: 'error', title: 'The file is too large to analyse' },
  'not-text': { severity: 'error', title: 'The file is not UTF-8 text' },
  'empty-file': { severity: 'info', title: 'The dialog file is empty' },
  'unknown-key': { severity: 'error', title: 'Unknown setting' },
  'wrong-type': { severity: 'error', title: 'A value of the wrong kind' },
  'missing-key': { severity: 'error', title: 'A required setting is missing' },
  'invalid-value': { severity: 'error', title: 'A value that is not allowed' },
  'invalid-id': { severity: 'error', title: 'An id with characters that are not allowed' },
  'duplicate-id': { severity: 'error', title: 'The same id is defined twice' },
  'no-manifest': { severity: 'warning', title: 'The file belongs to no bot' },
  'duplicate-manifest': { severity: 'error', title: 'Two bot manifests in one bot' },
  'unknown-node': { severity: 'error', title: 'Reference to a node that does not exist' },
  'unknown-flow': { severity: 'error', title: 'Reference to a flow that does not exist' },
  'unknown-intent': { severity: 'error', title: 'Reference to an intent that does not exist' },
  'unknown-entity': { severity: 'error', title: 'Reference to an entity that does not exist' },
  'unknown-entity-value': { severity: 'error', title: 'Reference to an entity value that does not exist' },
  'unknown-slot': { severity: 'error', title: 'Reference to a slot that does not exist' },
  'unknown-response': { severity: 'error', title: 'Reference to a response that does not exist' },
  'unknown-locale': { severity: 'error', title: 'A language the bot does not speak' },
  'condition-syntax': { severity: 'error', title: 'A condition that cannot be read' },
  'placeholder-syntax': { severity: 'warning', title: 'A placeholder that is not closed' },
  'invalid-pattern': { severity: 'error', title: 'An entity pattern that is not a valid regular expression' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type DiagnosticCode = keyof typeof CODES;

/** Where each code is documented: the anchor of its entry in docs/diagnostics.md. */
export function codeDocsAnchor(code: DiagnosticCode): string {
  return `docs/diagnostics.md#${code}`;
}
