/**
 * In-process keystrokes in the large file of a generated bot, as the server handles them: the service set up as the
 * server sets it (checks deferred, documents kept for open files only, at most 1,000 problems per file), the bot-wide
 * checks run once, the large file opened, then `--edits` keystrokes at one place of the file (`top`, `middle` or
 * `end`): insert a character in an entity name, delete it. Each keystroke is timed from the new text to the file's
 * diagnostics encoded as JSON, as the server publishes them. Bundled and run by bench/keystrokes.mjs, one process per
 * place, since the first keystrokes of a process are its slowest (V8 has not optimised the code yet).
 *
 * Usage: node keystrokes-bench.js <bot folder> <top|middle|end> <edits>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLanguageService } from '../server/src/service';
import { botFiles } from './botFiles';

const [root, where, count] = [process.argv[2], process.argv[3], Number(process.argv[4] ?? 80)];
const files = botFiles(root);

const service = createLanguageService();
service.deferChecks();
service.setSettings({ maxProblemsPerFile: 1000 });
service.keepDocumentsOfOpenFilesOnly();
for (const file of files) service.setFile('file://' + file, fs.readFileSync(file, 'utf8'), 0);
service.runChecks('checks');
service.runChecks('heavy');
const large = files.reduce((a, b) => (fs.statSync(a).size >= fs.statSync(b).size ? a : b));
const uri = 'file://' + large;
let text = fs.readFileSync(large, 'utf8');
service.setOpen(uri, true);
service.changedDiagnostics([uri]);

// Where an annotation's entity name starts (`](day:`): a character typed there makes an unknown entity.
const marks: number[] = [];
for (let at = text.indexOf(']('); at !== -1; at = text.indexOf('](', at + 1)) marks.push(at + 3);
const from = where === 'top' ? 5 : where === 'middle' ? marks.length >> 1 : marks.length - 45;
const places = marks.slice(from, from + 40);
if (places.length === 0) throw new Error(`no entity annotation in ${large}`);

const times: number[] = [];
for (let k = 0; k < count; k++) {
  const at = places[(k >> 1) % places.length];
  text = k % 2 === 0 ? text.slice(0, at) + 'x' + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
  text.charCodeAt(0); // flat, as the server's text document gives it (the flattening is not the service's)
  const started = performance.now();
  const affected = service.setFile(uri, text, k + 1);
  const published = service.changedDiagnostics([...affected, uri], (u) => u === uri);
  JSON.stringify(published.get(uri));
  times.push(performance.now() - started);
}
const first = times.slice(0, 10);
const rest = times.slice(10).sort((a, b) => a - b);
const ms = (x: number) => `${x.toFixed(1)} ms`;
const name = where === 'top' ? 'near the top' : where === 'middle' ? 'in the middle' : 'near the end';
console.log(`| keystrokes in the large file (${(text.length / 1e6).toFixed(2)} MB, ${path.basename(large)}), ${count} at each place | |`);
console.log('|---|---:|');
console.log(`| ${name}: the first 10, in all | ${ms(first.reduce((a, b) => a + b, 0))} |`);
console.log(`| ${name}: the next ${rest.length}, p50 / p95 | ${ms(rest[rest.length >> 1])} / ${ms(rest[Math.min(rest.length - 1, Math.floor(rest.length * 0.95))])} |`);
console.log(`| ${name}: the next ${rest.length}, mean | ${ms(rest.reduce((a, b) => a + b, 0) / rest.length)} |`);
