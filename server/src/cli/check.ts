/** `botmaster check`: load the bots the given paths belong to, and report the problems of the given files. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-types';
import { fileUri, findBotRoot, findDialogFiles, readText } from '../host/files';
import { bandHelpers } from '../host/bandHelper';
import { createSpellers } from '../host/spelling';
import { createLanguageService, CODES, isDialogFile } from '../service';
import { formatReport } from './format';
import type { FileReport } from './format';

export class CheckUsageError extends Error {
  override name = 'UsageError';
}

interface Options {
  paths: string[];
  format: 'human' | 'json' | 'sarif' | 'github';
  maxWarnings: number;
  color: boolean;
}

function parseArgs(args: string[], isTTY: boolean): Options {
  const options: Options = { paths: [], format: 'human', maxWarnings: Infinity, color: isTTY && !process.env.NO_COLOR };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (v === undefined) throw new CheckUsageError(`${arg.split('=')[0]} needs a value.`);
      return v;
    };
    if (arg === '--format' || arg.startsWith('--format=')) {
      const format = value();
      if (!['human', 'json', 'sarif', 'github'].includes(format)) throw new CheckUsageError(`unknown format \`${format}\`: use human, json, sarif or github.`);
      options.format = format as Options['format'];
    } else if (arg === '--max-warnings' || arg.startsWith('--max-warnings=')) {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new CheckUsageError('--max-warnings needs a whole number, like `--max-warnings 0`.');
      options.maxWarnings = n;
    } else if (arg === '--no-color') options.color = false;
    else if (arg === '--color') options.color = true;
    else if (arg.startsWith('-')) throw new CheckUsageError(`unknown option \`${arg}\`. Run \`botmaster --help\`.`);
    else options.paths.push(arg);
  }
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}

export async function runCheck(args: string[], stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  const options = parseArgs(args, Boolean((stdout as NodeJS.WriteStream).isTTY));
  const requested = new Set<string>();
  const toLoad = new Set<string>();
  for (const p of options.paths) {
    if (!fs.existsSync(p)) throw new CheckUsageError(`no such file or folder: ${p}`);
    const stat = fs.statSync(p);
    if (stat.isFile() && !isDialogFile(p)) throw new CheckUsageError(`${p} is not a dialog file (dialog files end in .bot.yaml or .bot.yml).`);
    const files = stat.isDirectory() ? findDialogFiles(p) : [p];
    for (const f of files) requested.add(path.resolve(f));
    // Load the whole bot of each path, so references to other files resolve.
    const root = findBotRoot(path.resolve(p));
    for (const f of root ? findDialogFiles(root) : files) toLoad.add(path.resolve(f));
  }
  for (const f of requested) toLoad.add(f);
  const service = createLanguageService();
  // No file is open here: each parsed YAML document goes once its file's model is built, as in the server (on the
  // issue-3 bot, keeping all 200 made the garbage collector a fifth of the run and the peak RSS 0.8 GB).
  service.keepDocumentsOfOpenFilesOnly();
  service.setSpellers(createSpellers({ onError: (message) => stderr.write(`botmaster: ${message}\n`) }));
  // A big bot's confusable examples with a helper thread, as in the server.
  service.setBandHelpers(bandHelpers(undefined, (message) => stderr.write(`botmaster: ${message}\n`)));
  for (const file of toLoad) {
    let text: string;
    try {
      text = readText(file).text;
    } catch (e) {
      stderr.write(`botmaster: cannot read ${file}: ${(e as Error).message}\n`);
      continue;
    }
    service.setFile(fileUri(file), text);
  }
  const reports: FileReport[] = [];
  for (const file of [...requested].sort()) {
    const uri = fileUri(file);
    // In the order of the file, as a reviewer reads it (the service lists the file's own problems, then the bot's).
    const diagnostics: Diagnostic[] = service.hasFile(uri) ? [...service.getDiagnostics(uri)].sort(byPosition) : [];
    reports.push({ file: path.relative(process.cwd(), fileURLToPath(uri)) || file, diagnostics });
  }
  const { text, errors, warnings } = formatReport(reports, options.format, options.color, requested.size);
  stdout.write(text);
  if (errors > 0) return 1;
  if (warnings > options.maxWarnings) {
    if (options.format === 'human') stderr.write(`botmaster: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}.\n`);
    return 1;
  }
  return 0;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

export { CODES };
