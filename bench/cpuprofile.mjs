#!/usr/bin/env node
/**
 * Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`), with bundle positions mapped back to the
 * TypeScript sources through the bundle's source map when there is one (dist/server/server.js.map).
 *
 * Usage: node bench/cpuprofile.mjs <file.cpuprofile> [--top N]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Decodes a source map's `mappings` into, per generated line, sorted [column, source, line, column] segments. */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  let srcLine = 0;
  let srcCol = 0;
  for (const lineText of mappings.split(';')) {
    const segments = [];
    let genCol = 0;
    if (lineText) {
      for (const segText of lineText.split(',')) {
        const values = [];
        let value = 0;
        let shift = 0;
        for (const ch of segText) {
          const digit = B64_INDEX.get(ch);
          value += (digit & 31) << shift;
          if (digit & 32) shift += 5;
          else {
            values.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        genCol += values[0];
        if (values.length >= 4) {
          source += values[1];
          srcLine += values[2];
          srcCol += values[3];
          segments.push([genCol, source, srcLine, srcCol]);
        }
      }
    }
    lines.push(segments);
  }
  return lines;
}

const mapCache = new Map();
function sourceMapFor(file) {
  if (mapCache.has(file)) return mapCache.get(file);
  let result;
  try {
    const map = JSON.parse(fs.readFileSync(file + '.map', 'utf8'));
    result = { sources: map.sources.map((s) => path.normalize(path.join(path.dirname(file), map.sourceRoot ?? '', s))), lines: decodeMappings(map.mappings) };
  } catch {
    result = undefined;
  }
  mapCache.set(file, result);
  return result;
}

/** `file:line` of a profile call frame (0-based line/column), in the original sources when a map says so. */
export function locate(url, line, column) {
  if (!url) return '(native)';
  let file = url;
  try {
    if (url.startsWith('file:')) file = fileURLToPath(url);
  } catch {
    // keep as is
  }
  const map = file.endsWith('.js') ? sourceMapFor(file) : undefined;
  if (map && map.lines[line]) {
    let best;
    for (const seg of map.lines[line]) {
      if (seg[0] <= column) best = seg;
      else break;
    }
    if (best) return `${shorten(map.sources[best[1]])}:${best[2] + 1}`;
  }
  return `${shorten(file)}:${line + 1}`;
}

function shorten(file) {
  const cwd = process.cwd() + path.sep;
  let f = file.startsWith(cwd) ? file.slice(cwd.length) : file;
  const nm = f.lastIndexOf('node_modules' + path.sep);
  if (nm !== -1) f = f.slice(nm);
  return f;
}

/**
 * The top functions by self time: [{ selfMs, pct, name, where }]. `window` ([from, to] in microseconds of the
 * monotonic clock, as `process.hrtime.bigint() / 1000n`, which is V8's profile clock on Linux) keeps only the samples
 * taken in it.
 */
export function summarize(profileFile, top = 25, window = undefined) {
  const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const { samples, timeDeltas } = profile;
  let total = 0;
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i];
    if (window && (t < window[0] || t > window[1])) continue;
    // timeDeltas[i] is the time before sample i; attribute the next delta to sample i (V8's convention).
    const dt = (timeDeltas[i + 1] ?? 0) / 1000;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
    total += dt;
  }
  const byFunction = new Map();
  for (const [id, ms] of self) {
    const node = byId.get(id);
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const name = functionName || (url ? '(anonymous)' : `(${node.callFrame.functionName || 'program'})`);
    const where = url ? locate(url, lineNumber, columnNumber) : '';
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, selfMs: 0 };
    entry.selfMs += ms;
    byFunction.set(key, entry);
  }
  const list = [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  for (const e of list) e.pct = total ? (100 * e.selfMs) / total : 0;
  return { totalMs: total, top: list };
}

export function formatSummary({ totalMs, top }, title = 'profile') {
  const rows = [`${title}: ${(totalMs / 1000).toFixed(2)} s of samples`, '', '| self ms | % | function | where |', '|---:|---:|---|---|'];
  for (const e of top) rows.push(`| ${e.selfMs.toFixed(0)} | ${e.pct.toFixed(1)} | \`${e.name}\` | ${e.where} |`);
  return rows.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/cpuprofile.mjs <file.cpuprofile> [--top N]');
    process.exit(2);
  }
  const topIndex = process.argv.indexOf('--top');
  console.log(formatSummary(summarize(file, topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25)));
}
