/** Output formats of `botmaster check`: human, JSON, SARIF 2.1.0 and GitHub workflow annotations. */
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Diagnostic } from 'vscode-languageserver-types';
import { CODES } from '../service';
import type { DiagnosticCode } from '../service';

export interface FileReport {
  file: string;
  diagnostics: Diagnostic[];
}

const LEVEL: Record<number, 'error' | 'warning' | 'info'> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'info',
};

export function formatReport(reports: FileReport[], format: string, color: boolean, fileCount: number): { text: string; errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const r of reports) for (const d of r.diagnostics) {
    if (d.severity === DiagnosticSeverity.Error) errors++;
    else if (d.severity === DiagnosticSeverity.Warning) warnings++;
  }
  const text =
    format === 'json' ? json(reports) : format === 'sarif' ? sarif(reports) : format === 'github' ? github(reports) : human(reports, color, fileCount, errors, warnings);
  return { text, errors, warnings };
}

function human(reports: FileReport[], color: boolean, fileCount: number, errors: number, warnings: number): string {
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  for (const r of reports) {
    for (const d of r.diagnostics) {
      const level = LEVEL[d.severity ?? 1];
      const where = `${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
      const tag = level === 'error' ? paint('31', 'error') : level === 'warning' ? paint('33', 'warning') : paint('36', 'info');
      lines.push(`${paint('1', where)} ${tag} ${messageText(d)} ${paint('2', `[${d.code}]`)}`);
    }
  }
  const total = errors + warnings;
  const summary = `${fileCount} file${fileCount === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  lines.push(total === 0 && lines.length === 0 ? `${summary}. All clean.` : `${summary}.`);
  return lines.join('\n') + '\n';
}

function json(reports: FileReport[]): string {
  const problems = reports.flatMap((r) =>
    r.diagnostics.map((d) => ({
      file: r.file,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: LEVEL[d.severity ?? 1],
      code: d.code,
      message: messageText(d),
    })),
  );
  return JSON.stringify({ problems }, null, 2) + '\n';
}

function sarif(reports: FileReport[]): string {
  const used = [...new Set(reports.flatMap((r) => r.diagnostics.map((d) => String(d.code))))].sort();
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'botmaster',
            version: '0.1.0',
            rules: used.map((code) => ({
              id: code,
              shortDescription: { text: CODES[code as DiagnosticCode]?.title ?? code },
              helpUri: `docs/diagnostics.md#${code}`,
              defaultConfiguration: { level: sarifLevel(CODES[code as DiagnosticCode]?.severity ?? 'error') },
            })),
          },
        },
        results: reports.flatMap((r) =>
          r.diagnostics.map((d) => ({
            ruleId: String(d.code),
            level: sarifLevel(LEVEL[d.severity ?? 1]),
            message: { text: messageText(d) },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: r.file.split('\\').join('/') },
                  region: { startLine: d.range.start.line + 1, startColumn: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1 },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function sarifLevel(level: string): 'error' | 'warning' | 'note' {
  return level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'note';
}

/** GitHub workflow commands: `::error file=…,line=…,col=…,title=…::message`. */
function github(reports: FileReport[]): string {
  const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines: string[] = [];
  for (const r of reports) {
    for (const d of r.diagnostics) {
      const level = LEVEL[d.severity ?? 1] === 'info' ? 'notice' : LEVEL[d.severity ?? 1];
      const props = [
        `file=${escapeProperty(r.file)}`,
        `line=${d.range.start.line + 1}`,
        `col=${d.range.start.character + 1}`,
        `endLine=${d.range.end.line + 1}`,
        `endColumn=${d.range.end.character + 1}`,
        `title=${escapeProperty(`botmaster ${d.code}`)}`,
      ];
      lines.push(`::${level} ${props.join(',')}::${escapeData(messageText(d))}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

function messageText(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}
