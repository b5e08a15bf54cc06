import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { createLanguageService } from '../../server/src/service';
import type { LanguageService } from '../../server/src/service';
import { LineMap } from '../../server/src/service/lines';
import { examplesOf } from '../../server/src/service/analysis/intents';
import { cursorContext } from '../../server/src/service/cursor';
import { documentOf, isReleased } from '../../server/src/service/documents';
import { hasPendingShifts } from '../../server/src/service/shifts';
import { isNode, visit } from 'yaml';
import type { Document } from 'yaml';
import { seededRandom } from '../fixture';

/** A deterministic pseudo-random generator (mulberry32), so a failing edit can be replayed. */
function bigFile(): string {
  const lines = ['# A large training-data file', 'intents:'];
  for (let i = 0; i < 400; i++) {
    lines.push(`  topic.intent_${i}:`, `    description: Intent number ${i}`, '    examples:', '      en:');
    for (let j = 0; j < 8; j++) lines.push(`        - "example ${j} of intent ${i} with [a phone](product:phone)"`);
  }
  lines.push('flows:', '  main:', '    nodes:');
  for (let i = 0; i < 100; i++) lines.push(`      node_${i}:`, `        say: "Hello {name} ${i}"`, `        goto: node_${(i + 1) % 100}`);
  return lines.join('\n') + '\n';
}

const BOT = 'file:///ws/bot/bot.bot.yaml';
const BIG = 'file:///ws/bot/big.bot.yaml';
/** Another file defining an intent the edits add to the big file: the index lists both, the other file's first. */
const OTHER = 'file:///ws/bot/other.bot.yaml';
const OTHER_TEXT = 'intents:\n  added.intent:\n    examples:\n      en: [hi there]\n';

function snapshot(service: LanguageService) {
  const model = service.workspace.get(BIG)!;
  return {
    definitions: model.definitions.map((d) => `${d.kind}:${d.id}@${d.span.start}-${d.span.end}/${d.full.start}-${d.full.end}`),
    references: model.references.map((r) => `${r.kind}:${r.id}@${r.span.start}-${r.span.end}`),
    // The file's own problems; the bot-wide checks read only the model compared here.
    problems: model.problems.map((p) => `${p.code}@${p.span.start}-${p.span.end}:${p.message}`).sort(),
    messages: model.messages.map((m) => `${m.role}@${m.keySpan.start}:${m.texts.map((t) => `${t.locale}=${t.text}@${t.span.start}`).join('|')}`),
    intents: [...model.intents].map(([id, i]) => `${id}@${i.span.start}:${i.description}:${[...i.examples].map(([l, e]) => `${l}=${e.map((x) => `${x.text}@${x.span.start}`).join('|')}`).join(';')}`),
    // The examples as the duplicate and confusable checks read them: an example moved by an edit keeps the words the
    // checks normalised before (asked here at every version, so the next edit moves examples that have them).
    examples: [...examplesOf(model)].map(([l, list]) => `${l}=${list.map((e) => `${e.intent}:${e.normalized}@${e.span.start}`).join('|')}`),
    nodes: [...model.nodes].map(([id, n]) => `${id}@${n.span.start}:${JSON.stringify(n.moves)}`),
    suppressions: [...model.suppressions].map(([line, codes]) => `${line}:${[...codes].join(',')}`),
    lineStarts: Array.from(model.parsed.lines.lineStarts),
    length: model.parsed.lines.length,
    // The bot's index, which an edit updates in place when the file names the same things as before.
    index: botIndex(service),
  };
}

function botIndex(service: LanguageService): string[] {
  const bot = service.workspace.botOf(BIG);
  const lines: string[] = [];
  for (const [key, defs] of bot.definitions) lines.push(`def ${key}: ${defs.map((d) => `${d.uri}@${d.span.start}`).join(' ')}`);
  for (const [kind, ids] of bot.idsByKind) for (const [id, defs] of ids) lines.push(`id ${kind}:${id}: ${defs.map((d) => `${d.uri}@${d.span.start}`).join(' ')}`);
  for (const [kind, ids] of bot.referencesByKind) for (const [id, byFile] of ids) for (const [uri, refs] of byFile) lines.push(`ref ${kind}:${id} ${uri}: ${refs.map((r) => `${r.span.start}-${r.span.end}`).join(' ')}`);
  return lines.sort();
}

const EDITS: ((text: string, r: () => number) => string)[] = [
  // type a character inside an example
  (text, r) => {
    const at = text.indexOf('example', Math.floor(r() * text.length * 0.8));
    return at === -1 ? text : text.slice(0, at) + 'x' + text.slice(at);
  },
  // delete a character inside a description
  (text, r) => {
    const at = text.indexOf('description: ', Math.floor(r() * text.length * 0.8));
    return at === -1 ? text : text.slice(0, at + 14) + text.slice(at + 15);
  },
  // break a reference, then the next edit may fix it
  (text, r) => text.replace(`goto: node_${Math.floor(r() * 100)}\n`, 'goto: nowhere\n'),
  // add a new intent after an existing one
  (text, r) => {
    const at = text.indexOf('  topic.intent_', Math.floor(r() * text.length * 0.7));
    return at === -1 ? text : text.slice(0, at) + '  added.intent:\n    examples:\n      en: [hello]\n' + text.slice(at);
  },
  // a schema error inside an entry
  (text, r) => {
    const at = text.indexOf('    description:', Math.floor(r() * text.length * 0.8));
    return at === -1 ? text : text.slice(0, at) + '    descrption: typo\n' + text.slice(at);
  },
  // a syntax error (the incremental path must give the same errors as a full parse)
  (text, r) => {
    const at = text.indexOf('      en:', Math.floor(r() * text.length * 0.8));
    return at === -1 ? text : text.slice(0, at) + '      en: [unclosed\n' + text.slice(at);
  },
  // an edit that spans two entries
  (text, r) => {
    const at = text.indexOf('  topic.intent_', Math.floor(r() * text.length * 0.7));
    return at === -1 ? text : text.slice(0, at - 20) + text.slice(at + 30);
  },
  // placeholder and condition edits in flows
  (text) => text.replace('say: "Hello {name} 5"', 'say: "Hello {nam} 5"'),
  // remove an intent entirely
  (text, r) => {
    const at = text.indexOf('  topic.intent_', Math.floor(r() * text.length * 0.7));
    const next = text.indexOf('  topic.intent_', at + 5);
    return at === -1 || next === -1 ? text : text.slice(0, at) + text.slice(next);
  },
  // a key written twice inside an entry (duplicate-key, found in the re-parsed entry only)
  (text, r) => {
    const at = text.indexOf('    description:', Math.floor(r() * text.length * 0.8));
    return at === -1 ? text : text.slice(0, at) + '    description: twice\n' + text.slice(at);
  },
  // silence a code on an intent's line
  (text, r) => {
    const at = text.indexOf('  topic.intent_', Math.floor(r() * text.length * 0.7));
    return at === -1 ? text : text.slice(0, at) + '  # botmaster-ignore few-examples\n' + text.slice(at);
  },
];

describe('incremental re-parse of large files', () => {
  it('gives the same model and diagnostics as a full parse, edit after edit', function () {
    this.timeout(120_000);
    const r = seededRandom(42);
    const incremental = createLanguageService();
    const manifest = 'bot: { name: Big, locales: [en], start: node_0 }\nslots: { name: {} }\nentities:\n  product: { values: { phone: {} } }\n';
    incremental.setFile(BOT, manifest);
    incremental.setFile(OTHER, OTHER_TEXT);
    let text = bigFile();
    assert.ok(text.length > 50_000, 'the file must be large enough for the incremental path');
    incremental.setFile(BIG, text, 1);
    let version = 1;
    const check = (label: string) => {
      incremental.setFile(BIG, text, ++version);
      const full = createLanguageService();
      full.setFile(BOT, manifest);
      full.setFile(OTHER, OTHER_TEXT);
      full.setFile(BIG, text, version);
      assert.deepEqual(snapshot(incremental), snapshot(full), label);
      sawBoth ||= botIndex(incremental).some((line) => line.startsWith('def intent:added.intent: file:///ws/bot/other') && line.includes(BIG));
      sawSuppression ||= incremental.workspace.get(BIG)!.suppressions.size > 0;
    };
    let sawBoth = false;
    let sawSuppression = false;
    for (let step = 0; step < 40; step++) {
      // Each kind of edit once, then at random.
      const which = step < EDITS.length ? step : Math.floor(r() * EDITS.length);
      const before = text;
      text = EDITS[which](text, r);
      check(`after edit ${step} (kind ${which})`);
      const broken = (incremental.workspace.get(BIG)!.parsed.doc?.errors.length ?? 0) > 0;
      if (r() < 0.3 || broken) {
        // Undo, as users do: the file goes back to a state that a partial re-parse can start from again.
        text = before;
        check(`after undoing edit ${step} (kind ${which})`);
      }
    }
    const counts = incremental.workspace.parseCounts;
    assert.ok(counts.partial >= 20, `most edits were re-parsed in part: ${JSON.stringify(counts)}`);
    assert.ok(sawBoth, 'an intent was defined in both files');
    assert.ok(sawSuppression, 'a suppression comment was typed');
  });

  it('finds a suppression comment typed one character at a time, and loses it when it is deleted', function () {
    this.timeout(60_000);
    const service = createLanguageService();
    const base = bigFile();
    const at = base.indexOf('  topic.intent_7:');
    const comment = '  #   botmaster-ignore few-examples\n';
    const suppressions = () => [...service.workspace.get(BIG)!.suppressions].map(([line, codes]) => `${line}:${[...codes].join(',')}`);
    const fresh = (text: string) => {
      const other = createLanguageService();
      other.setFile(BIG, text);
      return [...other.workspace.get(BIG)!.suppressions].map(([line, codes]) => `${line}:${[...codes].join(',')}`);
    };
    service.setFile(BIG, base, 1);
    let version = 1;
    // Typed in order, then the '#' last (the word is there before it is a comment), then deleted from the front.
    const typed = [...Array(comment.length).keys()].map((n) => comment.slice(0, n + 1));
    const steps = [...typed, ...typed.slice(4).map((t) => t.replace('#', '')).reverse(), comment.slice(1), comment, comment.slice(5), ''];
    for (const part of steps) {
      const text = base.slice(0, at) + part + base.slice(at);
      service.setFile(BIG, text, ++version);
      assert.deepEqual(suppressions(), fresh(text), JSON.stringify(part));
    }
    assert.deepEqual(fresh(base.slice(0, at) + comment + base.slice(at)), [`${base.slice(0, at).split('\n').length}:few-examples`], 'the comment silences the next line');
  });

  it('splices line maps into the same line starts as a map of the new text, edit after edit', () => {
    const next = seededRandom(7);
    let text = bigFile().slice(0, 3000);
    let lines = LineMap.of(text);
    for (let edit = 0; edit < 300; edit++) {
      // A chunk of whole lines (the last one may lack its newline) replaced by 0–3 new lines of 0–20 characters.
      const starts = Array.from(lines.lineStarts);
      const first = Math.floor(next() * starts.length);
      const last = Math.min(starts.length, first + Math.floor(next() * 4));
      const chunk = { start: starts[first], end: last < starts.length ? starts[last] : text.length };
      const added = Array.from({ length: Math.floor(next() * 4) }, () => 'x'.repeat(Math.floor(next() * 20)) + '\n').join('');
      const edited = text.slice(0, chunk.start) + added + text.slice(chunk.end);
      lines = lines.spliced(edited, chunk, added.length - (chunk.end - chunk.start));
      text = edited;
      const fresh = LineMap.of(text);
      assert.deepEqual(Array.from(lines.lineStarts), fresh.lineStarts, `edit ${edit}`);
      assert.equal(lines.length, text.length);
      const offset = Math.floor(next() * (text.length + 1));
      assert.deepEqual(lines.position(offset), fresh.position(offset), `edit ${edit}, offset ${offset}`);
    }
  });

  it("takes yaml's type guards from yamlNodes.ts, not through the bundle's getters at every call", () => {
    const dir = path.resolve(__dirname, '../../../server/src/service');
    const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts') && path.basename(f) !== 'yamlNodes.ts');
    assert.ok(files.length > 20, `${files.length} files read`);
    const fromYaml = files.filter((f) => /import\s*\{[^}]*\bis[A-Z]\w*[^}]*\}\s*from\s*'yaml'/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
    assert.deepEqual(fromYaml, []);
  });

  it('keeps no old version of the file alive through the entries an edit parsed', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const service = createLanguageService();
    service.setFile(BOT, 'bot: { name: Big, locales: [en], start: node_0 }\n');
    // Two bytes per character (a typographic apostrophe), as most real training files: 2 MB a version.
    let text = bigFile().replace('# A large training-data file', '# A large training-data file’s header') + '#' + 'x'.repeat(900_000) + '\n';
    service.setFile(BIG, text, 1);
    gc();
    const before = process.memoryUsage().heapUsed;
    // Each edit changes another intent's description: its new entry is parsed from a slice of that version.
    for (let i = 1; i <= 30; i++) {
      text = text.replace(`description: Intent number ${i * 10}\n`, `description: Intent number ${i * 10} edited\n`);
      service.setFile(BIG, text, i + 1);
    }
    assert.ok(service.workspace.parseCounts.partial >= 30, 'the edits were parsed in part');
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // Kept alive, the 30 versions would take 60 MB; the current one and the models' own data take a few.
    assert.ok(grown < 5 * 2 * text.length, `the heap grew by ${(grown / 1e6).toFixed(1)} MB over 30 edits of a ${((2 * text.length) / 1e6).toFixed(1)} MB text`);
  });
});

/** Every node's range in a document, in document order (`path: start,valueEnd,nodeEnd`). */
function rangesOf(doc: Document | null | undefined): string[] {
  const out: string[] = [];
  visit(doc!, (_key, node, path) => {
    if (isNode(node) && node.range) out.push(`${path.length}:${node.range.join(',')}`);
  });
  return out;
}

describe('positions moved after an edit (shifts.ts)', () => {
  const manifest = 'bot: { name: Big, locales: [en], start: node_0 }\nslots: { name: {} }\nentities:\n  product: { values: { phone: {} } }\n';
  /** Longer than a line's indentation: a position not moved yet falls on another line than its node. */
  const TYPED = ' once more, and again';
  /** A service with the big file after `edits` edits near its top (typing `TYPED`, deleting it), each re-parsed in part. */
  function typedNearTop(edits: number, lean = false): { service: LanguageService; text: string } {
    const service = createLanguageService();
    if (lean) service.keepDocumentsOfOpenFilesOnly();
    service.setFile(BOT, manifest);
    let text = bigFile();
    service.setOpen(BIG, true);
    service.setFile(BIG, text, 1);
    const at = text.indexOf('Intent number 1\n') + 'Intent number'.length;
    for (let i = 0; i < edits; i++) {
      text = i % 2 === 0 ? text.slice(0, at) + TYPED + text.slice(at) : text.slice(0, at) + text.slice(at + TYPED.length);
      service.setFile(BIG, text, i + 2);
    }
    assert.equal(service.workspace.parseCounts.partial, edits, 'every edit was re-parsed in part');
    return { service, text };
  }

  it('moves the insides of the entries after the edit only when they are read, to where a full parse puts them', () => {
    const { service, text } = typedNearTop(5);
    const model = service.workspace.get(BIG)!;
    assert.ok(hasPendingShifts(model.doc), 'the entries after the edits were not moved yet');
    const full = createLanguageService();
    full.setFile(BOT, manifest);
    full.setFile(BIG, text, 1);
    assert.deepEqual(rangesOf(documentOf(model)), rangesOf(full.workspace.get(BIG)!.doc));
    assert.ok(!hasPendingShifts(model.doc), 'documentOf moved them all');
  });

  it('moves sections and entries of every shape after the edits: flow maps, lists, scalars, empty values', () => {
    const service = createLanguageService();
    service.setFile(BOT, manifest);
    const tail = [
      'slots: { name: {}, city: { type: string } }',
      'responses:',
      '  greet: { text: "Hello {name}" }',
      '  bye:',
      '    text:',
      '      - "Bye"',
      '      - "See you"',
      '  empty:',
      '  plain: just a scalar',
      'entities:',
      '  colour:',
      '    values: { red: {}, blue: {} }',
      '  size: [small, large]',
      '',
    ].join('\n');
    let text = bigFile() + tail;
    service.setFile(BIG, text, 1);
    const at = text.indexOf('Intent number 3\n') + 'Intent number'.length;
    for (let i = 0; i < 3; i++) {
      text = text.slice(0, at) + TYPED + text.slice(at);
      service.setFile(BIG, text, i + 2);
    }
    assert.equal(service.workspace.parseCounts.partial, 3);
    const full = createLanguageService();
    full.setFile(BOT, manifest);
    full.setFile(BIG, text, 1);
    assert.deepEqual(rangesOf(documentOf(service.workspace.get(BIG)!)), rangesOf(full.workspace.get(BIG)!.doc));
    assert.deepEqual(snapshot(service).definitions, snapshot(full).definitions);
  });

  it('gives completion, hover and the model of a flow far below the edits as on a fresh parse, moving only what they read', () => {
    const { service, text } = typedNearTop(5);
    const full = createLanguageService();
    full.setFile(BOT, manifest);
    full.setFile(BIG, text, 1);
    const lines = text.split('\n');
    // A node's goto value (completion of node ids), and the line after the last example of an intent far down.
    const gotoLine = lines.findIndex((l) => l.includes('goto: node_42'));
    const exampleLine = lines.findIndex((l) => l.includes('example 7 of intent 390 '));
    const positions = [
      { line: gotoLine, character: lines[gotoLine].indexOf('node_42') + 3 },
      { line: exampleLine, character: lines[exampleLine].indexOf('[a phone]') + 4 },
      { line: lines.findIndex((l) => l.includes('say: "Hello {name} 42"')), character: 10 },
      // Where the cursor's container depends on the keys and items before it: a node's key, an example's dash.
      { line: lines.indexOf('      node_43:'), character: 6 },
      { line: lines.indexOf('      node_43:') + 1, character: 8 },
      { line: exampleLine, character: 8 },
      { line: exampleLine, character: 10 },
    ];
    const model = service.workspace.get(BIG)!;
    const fullModel = full.workspace.get(BIG)!;
    for (const position of positions) {
      const offset = model.lines.offset(position);
      assert.deepEqual(cursorContext(model, offset), cursorContext(fullModel, offset), `cursor context at ${JSON.stringify(position)}`);
      assert.deepEqual(service.getCompletions(BIG, position), full.getCompletions(BIG, position), `completion at ${JSON.stringify(position)}`);
      assert.deepEqual(service.getHover(BIG, position), full.getHover(BIG, position), `hover at ${JSON.stringify(position)}`);
    }
    assert.ok(hasPendingShifts(service.workspace.get(BIG)!.doc), 'the walk to the cursor moved only the entries it went into');
    // The model's flows were read again from the document: their nodes are where a full parse puts them.
    const nodeSpans = (s: LanguageService) => [...s.workspace.get(BIG)!.nodes].map(([id, n]) => `${id}@${n.span.start}`);
    assert.deepEqual(nodeSpans(service), nodeSpans(full));
  });

  it('gives a file opened again the intents its model read, so that its first edit does not build them anew', () => {
    const { service } = typedNearTop(0, true);
    service.setOpen(BIG, false);
    const closed = service.workspace.get(BIG)!;
    assert.ok(isReleased(closed), 'the closed file gave its document up');
    service.setOpen(BIG, true);
    const opened = service.workspace.get(BIG)!;
    assert.ok(!isReleased(opened) && opened.doc, 'the opened file was parsed again');
    const text = opened.text;
    const at = text.indexOf('Intent number 200\n') + 'Intent number'.length;
    const edited = text.slice(0, at) + ' two hundred' + text.slice(at);
    service.setFile(BIG, edited, 2);
    assert.equal(service.workspace.parseCounts.partial, 1);
    const after = service.workspace.get(BIG)!;
    // An intent before the edit is the same object as before (reused, not built anew); one after it has moved.
    assert.equal(after.intents.get('topic.intent_10'), opened.intents.get('topic.intent_10'));
    assert.notEqual(after.intents.get('topic.intent_300'), opened.intents.get('topic.intent_300'));
    assert.equal(after.definitions[10], opened.definitions[10], 'the definitions before the edit are the same objects');
    const full = createLanguageService();
    full.setFile(BOT, manifest);
    full.setFile(BIG, edited, 1);
    assert.deepEqual(snapshot(service).definitions, snapshot(full).definitions);
    assert.deepEqual(snapshot(service).references, snapshot(full).references);
    assert.deepEqual(snapshot(service).intents, snapshot(full).intents);
  });

  it('re-parses in part the first edit of a file opened but not given its document back yet', () => {
    const { service } = typedNearTop(0, true);
    service.setOpen(BIG, false);
    // The server leaves the parse to a quiet moment after the opening; the user types before it.
    service.setOpen(BIG, true, false);
    const opened = service.workspace.get(BIG)!;
    assert.ok(isReleased(opened), 'not parsed yet');
    const at = opened.text.indexOf('Intent number 200\n') + 'Intent number'.length;
    const edited = opened.text.slice(0, at) + 'x' + opened.text.slice(at);
    service.setFile(BIG, edited, 2);
    assert.deepEqual(service.workspace.parseCounts, { full: 2, partial: 1 }, 'the edit was re-parsed in part (the two full parses are the first versions of the two files)');
    const after = service.workspace.get(BIG)!;
    assert.equal(after.intents.get('topic.intent_10'), opened.intents.get('topic.intent_10'), 'an intent before the edit reused');
    const full = createLanguageService();
    full.setFile(BOT, manifest);
    full.setFile(BIG, edited, 1);
    assert.deepEqual(snapshot(service), snapshot(full));
  });
});
