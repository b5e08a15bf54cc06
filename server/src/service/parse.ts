/** Reading one file: size and encoding guards, then `yaml` with positions and comments kept. */
import { parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { LineMap } from './lines';
import type { Problem } from './types';

/** Files above this size get a diagnostic instead of an analysis: parsing 20 MB of YAML takes seconds. */
export const MAX_FILE_CHARS = 5_000_000;

export interface ParsedText {
  lines: LineMap;
  doc?: Document.Parsed;
  problems: Problem[];
}

export function parseText(text: string): ParsedText {
  if (text.length > MAX_FILE_CHARS) {
    const mb = (text.length / 1e6).toFixed(1);
    return {
      lines: LineMap.of(text),
      problems: [
        {
          code: 'file-too-large',
          message: `This file is ${mb} MB; Botmaster analyses dialog files up to ${MAX_FILE_CHARS / 1e6} MB. Split it into several files.`,
          span: { start: 0, end: 0 },
        },
      ],
    };
  }
  const junk = findNonText(text);
  if (junk) return { lines: LineMap.of(text), problems: [junk] };

  const deep = findDeepNesting(text);
  if (deep) return { lines: LineMap.of(text), problems: [deep] };

  const doc = parseDocument(text, {
    prettyErrors: false,
    // Duplicate keys are found with a hash map by the workspace index; yaml's own check is quadratic.
    uniqueKeys: false,
    keepSourceTokens: false,
  });
  const problems: Problem[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const [start, end] = error.pos;
    problems.push({ code: 'yaml-syntax', message: yamlMessage(error.message), span: { start, end: Math.max(end, start) } });
  }
  if (!doc.contents && doc.errors.length === 0 && text.trim().replace(/^#.*$/gm, '').trim() === '') {
    problems.push({ code: 'empty-file', message: 'This dialog file is empty.', span: { start: 0, end: 0 } });
  }
  // The line starts from the text itself: yaml's LineCounter misses a line break inside some broken scalars (a plain
  // text going on at column 0), and every position after it was then a line off.
  return { lines: LineMap.of(text), doc, problems };
}

/** yaml's messages end with "at line L, column C" (we show the range instead) and sometimes a source excerpt. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}

/**
 * yaml stops at about a thousand levels with RESOURCE_EXHAUSTION, but only after overflowing the stack, which can take
 * the whole process down when V8 compiles a regular expression at that moment. Refuse such files before parsing.
 */
export const MAX_DEPTH = 500;

export function findDeepNesting(text: string): Problem | undefined {
  let depth = 0;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      // [ {
      if (++depth > MAX_DEPTH) return tooDeep(i);
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    } else if (c === 0x0a) {
      lineStart = i + 1;
      let j = lineStart;
      let levels = 0;
      while (j < text.length && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x2d)) {
        if (text.charCodeAt(j) === 0x2d) levels++;
        j++;
      }
      // Indentation and `- - -` both nest: two columns per level at least.
      if (levels + (j - lineStart) / 2 > MAX_DEPTH) return tooDeep(lineStart);
    }
  }
  return undefined;
}

function tooDeep(offset: number): Problem {
  return { code: 'too-deep', message: `This file nests more than ${MAX_DEPTH} levels deep; a dialog file needs fewer than ten.`, span: { start: offset, end: offset + 1 } };
}

/** NUL bytes or many replacement characters (what invalid UTF-8 decodes to) mean this is not a text file. */
function findNonText(text: string): Problem | undefined {
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    return { code: 'not-text', message: 'This file holds binary data (NUL bytes), not YAML text.', span: { start: nul, end: nul + 1 } };
  }
  const bad = text.indexOf('\uFFFD');
  if (bad !== -1) {
    return {
      code: 'not-text',
      message: 'This file is not valid UTF-8 text: save it as UTF-8.',
      span: { start: bad, end: bad + 1 },
    };
  }
  return undefined;
}
