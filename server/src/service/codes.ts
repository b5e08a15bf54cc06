/**
 * The catalogue of diagnostic codes: one place for each code's default severity and short title.
 * Every code has an entry in docs/diagnostics.md (a test checks it) and a file in examples/broken/ that shows it.
 */
export type Severity = 'error' | 'warning' | 'info';
/** What a botmaster may set per code, in the manifest's `checks` or in VS Code's settings. */
export type SeveritySetting = Severity | 'off';

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
  'duplicate-key': { severity: 'error', title: 'The same key written twice in one map' },
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
  // The dialog tree
  'unreachable-node': { severity: 'warning', title: 'A node nothing leads to' },
  'unreachable-flow': { severity: 'warning', title: 'A flow nothing leads to' },
  'dead-end': { severity: 'error', title: 'A node where the conversation gets stuck' },
  'no-fallback': { severity: 'warning', title: 'A node that waits without a fallback in reach' },
  'endless-loop': { severity: 'warning', title: 'Nodes that lead to each other without waiting for the user' },
  'ask-without-prompt': { severity: 'warning', title: 'An ask without a question' },
  'branch-no-else': { severity: 'warning', title: 'A branch without an else case' },
  'branch-never-true': { severity: 'warning', title: 'A branch case that is never taken' },
  // Intents
  'duplicate-example': { severity: 'warning', title: 'The same training example twice' },
  'confusable-examples': { severity: 'warning', title: 'Nearly the same training example in two intents' },
  'few-examples': { severity: 'warning', title: 'An intent with too few training examples' },
  'unused-intent': { severity: 'warning', title: 'An intent nothing uses' },
  // Languages
  'missing-translation': { severity: 'warning', title: 'A message missing in a language of the bot' },
  'missing-examples': { severity: 'warning', title: 'An intent without training examples in a language of the bot' },
  'placeholder-mismatch': { severity: 'warning', title: 'Translations with different placeholders' },
  'spelling': { severity: 'info', title: 'A word that is not in the dictionary of its language' },
  // Wording, channels, conditions
  'message-too-long': { severity: 'warning', title: 'A message longer than a channel allows' },
  'ssml-invalid': { severity: 'error', title: 'Voice text with malformed SSML' },
  'ssml-unsupported': { severity: 'warning', title: 'An SSML tag voice platforms do not support' },
  'voice-too-long': { severity: 'warning', title: 'Voice text too long to speak' },
  'condition-type': { severity: 'error', title: 'A slot compared with a value of the wrong kind' },
  'condition-value': { severity: 'error', title: 'A slot compared with a value its entity does not have' },
  // Privacy and hygiene
  'personal-data': { severity: 'warning', title: 'Personal data in a bot file' },
  'unused-slot': { severity: 'warning', title: 'A slot nothing uses' },
  'unused-response': { severity: 'warning', title: 'A response nothing uses' },
  'unused-entity': { severity: 'warning', title: 'An entity nothing uses' },
  // Robustness
  'check-failed': { severity: 'info', title: 'A check could not run' },
  'too-many-problems': { severity: 'info', title: 'More problems in a file than the editor is given' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type DiagnosticCode = keyof typeof CODES;
