import * as fs from 'node:fs';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import { analyzeBot, analyzeBotInSteps, CHECKS } from '../../server/src/service/analysis';
import { createLanguageService } from '../../server/src/service';
import { ConfusableIndex, filterNeeds, findConfusables, jaccard, trigramTokens } from '../../server/src/service/analysis/confusables';
import type { ExampleText } from '../../server/src/service/analysis/confusables';
import { luhn, validIban, findPersonalData } from '../../server/src/service/analysis/privacy';
import { normalizeExample, WordTable } from '../../server/src/service/analysis/intents';
import { checkSsml } from '../../server/src/service/analysis/wording';
import { stronglyConnected } from '../../server/src/service/analysis/dialog';
import { fixture, problems } from '../fixture';
import type { Problem } from '../../server/src/service/types';
import type { DiagnosticCode } from '../../server/src/service/codes';

const MANIFEST = `
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en, fr]
  start: start
  fallback: start
flows:
  main:
    nodes:
      start:
        say: { en: Hi, fr: Salut }
        on: { greet: start }
intents:
  greet:
    examples:
      en: [hi, hello, hey, good morning, good evening]
      fr: [salut, bonjour, coucou, bonsoir, hello toi]
slots:
  age: { type: number }
  product: { entity: product }
entities:
  product:
    values: { phone: {}, laptop: {} }
`;

function codesIn(source: string, path: string, codes: DiagnosticCode[]): string[] {
  const f = fixture(MANIFEST + source);
  return problems(f.service, f.uris[path], codes);
}

describe('bot-wide checks', () => {
  it('finds dead ends, waits without fallback, endless loops, asks without prompt', () => {
    const file = `
//- /bot/flows.bot.yaml
flows:
  f:
    nodes:
      stuck: { say: { en: a, fr: a } }
      ping: { say: { en: a, fr: a }, goto: pong }
      pong: { say: { en: a, fr: a }, goto: ping }
      asks: { ask: age, goto: start }
      fine: { say: { en: a, fr: a }, end: true }
      waits: { say: { en: a, fr: a }, ask: age, prompt: { en: Age?, fr: Âge ? }, goto: start }
`;
    assert.deepEqual(codesIn(file, '/bot/flows.bot.yaml', ['dead-end', 'endless-loop', 'ask-without-prompt', 'no-fallback']), [
      '4:7 dead-end',
      '7:7 ask-without-prompt',
      '5:7 endless-loop',
      '6:7 endless-loop',
    ]);
    const noFallback = fixture(`
//- /b/bot.bot.yaml
bot: { name: B, locales: [en], start: menu }
flows:
  f:
    nodes:
      menu: { say: Hi, on: { greet: menu } }
      other: { say: Hi, on: { greet: menu }, fallback: menu }
intents: { greet: { examples: { en: [hi, hello, hey, yo, hiya] } } }
`);
    assert.deepEqual(problems(noFallback.service, noFallback.uris['/b/bot.bot.yaml'], ['no-fallback']), ['5:7 no-fallback']);
  });

  it('finds nodes and flows no conversation reaches', () => {
    const f = fixture(`
//- /r/bot.bot.yaml
bot: { name: R, locales: [en], start: start, fallback: start, on: { help: helper } }
intents:
  help: { examples: { en: [help, help me, assist, support, aid] } }
  greet: { examples: { en: [hi, hello, hey, yo, hiya] } }
flows:
  main:
    on: { greet: start }
    nodes:
      start: { say: a, on: { greet: start } }
      helper: { say: a, goto: start }
      orphan: { say: a, end: true }
  lost:
    nodes:
      lost_a: { say: a, goto: lost_b }
      lost_b: { say: a, end: true }
`);
    assert.deepEqual(problems(f.service, f.uris['/r/bot.bot.yaml'], ['unreachable-node', 'unreachable-flow']), ['11:7 unreachable-node', '12:3 unreachable-flow']);
  });

  it('judges branches: no else, contradictions, repeated conditions, cases after the else or hidden by an earlier one', () => {
    const file = `
//- /bot/flows.bot.yaml
flows:
  f:
    nodes:
      no_else:
        branch:
          - if: age > 3
            goto: start
      never:
        branch:
          - if: age > 65 and age < 18
            goto: start
          - if: age == 3 and age == 4
            goto: start
          - if: age >= 18
            goto: start
          - if: age >= 18
            goto: start
          - goto: start
          - if: age == 1
            goto: start
      fine:
        branch:
          - if: age > 18 and age < 65 or age is not set
            goto: start
          - goto: start
      hidden:
        branch:
          - if: age > 10
            goto: start
          - if: age > 20 and name is set
            goto: start
          - if: age >= 5 and age < 10
            goto: start
          - if: age == 30
            goto: start
          - goto: start
      covered:
        branch:
          - if: name is set
            goto: start
          - if: name is not set
            goto: start
      covered_values:
        branch:
          - if: age == 3 or name is set
            goto: start
          - if: age != 3 and not (name is set)
            goto: start
      uncovered:
        branch:
          - if: age == 3
            goto: start
          - if: age != 4
            goto: start
      boolean_covered:
        branch:
          - if: done == true
            goto: start
          - if: done == false
            goto: start
          - if: done is not set
            goto: start
      unset_unequal:
        branch:
          - if: age is not set and age != 3
            goto: start
          - goto: start
      boolean_unset:
        branch:
          - if: done == true
            goto: start
          - if: done == false
            goto: start
slots:
  done: { type: boolean }
`;
    const f = fixture(MANIFEST + file);
    const got = f.service.getDiagnostics(f.uris['/bot/flows.bot.yaml']).filter((d) => ['branch-no-else', 'branch-never-true'].includes(String(d.code)));
    assert.deepEqual(
      got.map((d) => `${d.range.start.line + 1} ${d.code}: ${d.message}`),
      [
        '5 branch-no-else: The branch of `no_else` has no else case: when no condition holds, the conversation stops here. Add a last item with only `goto`.',
        '10 branch-never-true: This condition can never be true: no number is more than 65 and less than 18.',
        '12 branch-never-true: This condition can never be true: `age` cannot equal both 3 and 4.',
        '16 branch-never-true: This condition is the same as case 3\'s, so this case is never taken.',
        '19 branch-never-true: This case comes after the else case, so it is never taken.',
        '30 branch-never-true: Case 1 (`age > 10`) holds whenever this one does and comes first, so this case is never taken.',
        '34 branch-never-true: Case 1 (`age > 10`) holds whenever this one does and comes first, so this case is never taken.',
        '50 branch-no-else: The branch of `uncovered` has no else case: when no condition holds, the conversation stops here. Add a last item with only `goto`.',
        '69 branch-no-else: The branch of `boolean_unset` has no else case: when no condition holds, the conversation stops here. Add a last item with only `goto`.',
      ],
    );
  });

  it('checks the kinds and values compared in conditions', () => {
    const file = `
//- /bot/flows.bot.yaml
flows:
  f:
    nodes:
      n:
        branch:
          - if: age == "18"
            goto: start
          - if: product == "fone" or product in ["laptop", "tablet"]
            goto: start
          - if: age > 17 and product == "phone"
            goto: start
          - goto: start
`;
    const f = fixture(MANIFEST + file);
    const got = f.service.getDiagnostics(f.uris['/bot/flows.bot.yaml']).filter((d) => String(d.code).startsWith('condition-'));
    assert.deepEqual(
      got.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.character + 1} ${d.code}`),
      ['6:24-28 condition-type', '8:29-33 condition-value', '8:61-67 condition-value'],
    );
    assert.match(String(got[1].message), /Did you mean "phone"\?/);

    // The conditions are parsed once per version of their file; the slots and entities are looked up at every run.
    const codes = () =>
      f.service
        .getDiagnostics(f.uris['/bot/flows.bot.yaml'])
        .filter((d) => String(d.code).startsWith('condition-'))
        .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`);
    const manifest = f.uris['/bot/bot.bot.yaml'];
    f.service.setFile(manifest, f.text('/bot/bot.bot.yaml').replace('age: { type: number }', 'age: { type: text }').replace('laptop: {} }', 'laptop: {}, fone: {}, tablet: {} }'), 2);
    assert.deepEqual(codes(), ['10:23 condition-type'], 'age is text now (17 is a number), and the entity has "fone" and "tablet"');
    f.service.setFile(f.uris['/bot/flows.bot.yaml'], f.text('/bot/flows.bot.yaml').replace('age > 17', 'age == "17"').replace('"fone"', '"phon"'), 2);
    assert.deepEqual(codes(), ['8:29 condition-value'], 'the edited conditions, parsed again');
  });

  it('finds missing translations and examples, and translations with other placeholders', () => {
    const file = `
//- /bot/flows.bot.yaml
slots: { name: { type: text } }
flows:
  f:
    nodes:
      a: { say: { en: "Hi {name}", fr: "Salut" }, end: true }
      b: { say: Only in the default language, end: true }
      c:
        say: { en: "Bye {name}", fr: "Au revoir {name}" }
        end: true
intents:
  english: { examples: { en: [a b c, d e f, g h i, j k l, m n o] } }
`;
    const f = fixture(MANIFEST + file);
    const got = f.service.getDiagnostics(f.uris['/bot/flows.bot.yaml']).filter((d) => ['missing-translation', 'missing-examples', 'placeholder-mismatch'].includes(String(d.code)));
    assert.deepEqual(
      got.map((d) => `${d.range.start.line + 1} ${d.code}: ${d.message}`),
      [
        '5 placeholder-mismatch: The French (`fr`) text lacks `{name}`, unlike the English (`en`) text.',
        '6 missing-translation: `say` has no French (`fr`) text; it is written in English (`en`).',
        '11 missing-examples: The intent `english` has no training examples in French (`fr`): the bot will not understand it in that language.',
      ],
    );
  });

  it('finds a missing translation in every text users see: prompts, retries, voice, quick replies, responses, hand-offs', () => {
    const file = `
//- /bot/flows.bot.yaml
slots: { email: { type: text } }
flows:
  f:
    nodes:
      a:
        ask: email
        prompt: { en: Your email?, fr: Votre email ? }
        retry: { en: That is not an email. }
        voice: { fr: Votre adresse }
        quick_replies:
          - { label: { en: Skip }, goto: b }
          - { label: { en: Help, fr: Aide }, goto: b }
        goto: b
      b:
        prompt: { fr: Encore ? }
        handoff: { queue: agents, message: { en: Passing you on. } }
responses:
  bye: { text: { en: Bye, fr: Salut }, voice: { en: Goodbye } }
`;
    const f = fixture(MANIFEST + file);
    const got = f.service.getDiagnostics(f.uris['/bot/flows.bot.yaml']).filter((d) => d.code === 'missing-translation');
    assert.deepEqual(
      got.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`).sort(),
      [
        '8:9 `retry` has no French (`fr`) text; it is written in English (`en`).',
        '9:9 `voice` has no English (`en`) text; it is written in French (`fr`).',
        '11:15 This label has no French (`fr`) text; it is written in English (`en`).',
        '15:9 `prompt` has no English (`en`) text; it is written in French (`fr`).',
        '16:35 The hand-off `message` has no French (`fr`) text; it is written in English (`en`).',
        '18:40 `voice` has no French (`fr`) text; it is written in English (`en`).',
      ].sort(),
    );
  });

  it('finds an intent without examples in a bot of one language', () => {
    const f = fixture(MANIFEST.replace('locales: [en, fr]', 'locales: [en]') + '\n//- /bot/nlu.bot.yaml\nintents:\n  empty: {}\n  listed:\n    examples: {}\n  fine: { examples: { en: [a b c, d e f, g h i, j k l, m n o] } }\n');
    assert.deepEqual(problems(f.service, f.uris['/bot/nlu.bot.yaml'], ['missing-examples']), ['2:3 missing-examples', '3:3 missing-examples']);
  });

  it('finds duplicate examples within and across intents, on every place, whatever the file order', () => {
    const file = `
//- /bot/a.bot.yaml
intents:
  one:
    examples:
      en: [Where is my Parcel?, where is my parcel, track it, find it, locate it]
      fr: [où est mon colis, ou est mon colis !, suivre, trouver, localiser]
//- /bot/b.bot.yaml
intents:
  two:
    examples:
      en: [WHERE is my parcel, a, b, c, d]
`;
    const f = fixture(MANIFEST + file);
    assert.deepEqual(problems(f.service, f.uris['/bot/a.bot.yaml'], ['duplicate-example']), ['4:12 duplicate-example', '4:33 duplicate-example', '5:30 duplicate-example']);
    assert.deepEqual(problems(f.service, f.uris['/bot/b.bot.yaml'], ['duplicate-example']), ['4:12 duplicate-example']);
  });

  it('republishes a file when the related place of its problem moves, not when only its offset does', () => {
    const a = `intents:\n  one:\n    examples:\n      en: [where is my parcel, track it, find it, locate it, chase it]\n`;
    const b = (above: string) => `intents:\n${above}  two:\n    examples:\n      en: [where is my parcel, a1, b1, c1, d1]\n`;
    const zero = (word: string) => `  zero: { examples: { en: [${word}, z2, z3, z4, z5] } }\n`;
    const f = fixture(`${MANIFEST}\n//- /bot/a.bot.yaml\n${a}//- /bot/b.bot.yaml\n${b('')}`);
    f.service.deferChecks();
    const run = (text: string, version: number) => {
      f.service.setFile(f.uris['/bot/b.bot.yaml'], text, version);
      return f.service.changedDiagnostics([f.uris['/bot/b.bot.yaml'], ...f.service.runChecks('checks')]);
    };
    type Sent = Map<string, { code?: unknown; relatedInformation?: { location: { range: { start: { line: number } } } }[] }[]>;
    const relatedLine = (changed: Sent) => changed.get(f.uris['/bot/a.bot.yaml'])?.find((d) => d.code === 'duplicate-example')?.relatedInformation?.[0].location.range.start.line;
    assert.equal(relatedLine(run(b(''), 2)), 3, 'first sent with the place in b.bot.yaml');
    assert.equal(relatedLine(run(b(zero('z1')), 3)), 4, 'a line was added above the place: sent again');
    assert.equal(relatedLine(run(b(zero('z100')), 4)), undefined, 'a longer line above: the offset moved, not the line and column: not sent again');
    assert.equal(relatedLine(new Map([[f.uris['/bot/a.bot.yaml'], f.service.getDiagnostics(f.uris['/bot/a.bot.yaml'])]]) as Sent), 4);
  });

  it("keeps a file's bot-wide problems, moved with its text, until its checks run again", () => {
    const a = `intents:\n  one:\n    examples:\n      en: [where is my parcel, track it, find it, locate it, chase it]\n  lonely:\n    examples:\n      en: [hello there, yo]\n`;
    const b = `intents:\n  two:\n    examples:\n      en: [where is my parcel, a1, b1, c1, d1]\n`;
    const f = fixture(`${MANIFEST}\n//- /bot/a.bot.yaml\n${a}//- /bot/b.bot.yaml\n${b}`);
    const uri = f.uris['/bot/a.bot.yaml'];
    f.service.deferChecks();
    f.service.changedDiagnostics([...f.service.runChecks('checks'), ...f.service.runChecks('heavy')]);
    const shown = () => problems(f.service, uri).sort();
    const before = shown();
    assert.deepEqual(before, ['2:3 missing-examples', '2:3 unused-intent', '4:12 duplicate-example', '5:3 missing-examples', '5:3 unused-intent', '7:7 few-examples'].sort());
    const relatedInB = () => f.service.getDiagnostics(f.uris['/bot/b.bot.yaml']).find((d) => d.code === 'duplicate-example')?.relatedInformation?.[0].location.range.start.line;
    assert.equal(relatedInB(), 3);

    // A line typed above everything: the same problems, a line lower, published at once with the file's own.
    const edited = `# where to find things\n${a}`;
    f.service.setFile(uri, edited, 2);
    const published = f.service.changedDiagnostics([uri]).get(uri)?.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`).sort();
    const lower = before.map((p) => p.replace(/^\d+/, (line) => String(Number(line) + 1))).sort();
    assert.deepEqual(published, lower);
    assert.deepEqual(shown(), lower);

    // Typing inside the duplicated example: its problem waits for the checks; the others stay where they are.
    const typed = edited.replace('where is my parcel,', 'where is my parcels,');
    f.service.setFile(uri, typed, 3);
    assert.deepEqual(shown(), lower.filter((p) => !p.endsWith('duplicate-example')));

    // The checks run again: what a service that never deferred them gives.
    f.service.changedDiagnostics([...f.service.runChecks('checks'), ...f.service.runChecks('heavy')]);
    const fresh = fixture(`${MANIFEST}\n//- /bot/a.bot.yaml\n${typed}//- /bot/b.bot.yaml\n${b}`);
    assert.deepEqual(shown(), problems(fresh.service, fresh.uris['/bot/a.bot.yaml']).sort());
    assert.equal(relatedInB(), undefined, 'the duplicate is gone');

    // Another line above: every problem moves, a confusable example (its message built when read) as the others.
    const full = () => f.service.getDiagnostics(uri).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message} ${JSON.stringify(d.data)}`).sort();
    const checked = full();
    assert.ok(checked.some((d) => d.includes('confusable-examples')), checked.join('\n'));
    f.service.setFile(uri, `# and more\n${typed}`, 4);
    assert.deepEqual(full(), checked.map((p) => p.replace(/^\d+/, (line) => String(Number(line) + 1))).sort());
  });

  it('gives the same diagnostic objects after a keystroke that moved no line, also for problems whose related place is in the file', () => {
    const a = `# notes\nintents:\n  one:\n    examples:\n      en: [where is my parcel, track it, find it, locate it, chase it]\n  two:\n    examples:\n      en: [where is my parcel, a1, b1, c1, d1]\n`;
    const f = fixture(`${MANIFEST}\n//- /bot/a.bot.yaml\n${a}`);
    const uri = f.uris['/bot/a.bot.yaml'];
    f.service.setOpen(uri, true);
    f.service.deferChecks();
    f.service.changedDiagnostics([...f.service.runChecks('checks'), ...f.service.runChecks('heavy')]);
    const duplicates = () => f.service.getDiagnostics(uri).filter((d) => d.code === 'duplicate-example');
    const before = duplicates();
    assert.equal(before.length, 2);
    assert.ok(before.every((d) => d.relatedInformation?.[0].location.uri === uri), 'each relates to the other, in the same file');
    // Two characters typed in the comment above: every offset after it moves, no line or column does.
    f.service.setFile(uri, a.replace('# notes', '# notes!!'), 2);
    const after = duplicates();
    assert.equal(after.length, 2);
    assert.ok(after.every((d, i) => d === before[i]), 'the diagnostics given before, not new ones built and serialised again');
    // A line typed above: they move, and are built again.
    f.service.setFile(uri, `#\n${a.replace('# notes', '# notes!!')}`, 3);
    assert.deepEqual(duplicates().map((d) => [d.range.start.line, d.relatedInformation![0].location.range.start.line]), before.map((d) => [d.range.start.line + 1, d.relatedInformation![0].location.range.start.line + 1]));
  });

  it('moves a problem with its related place in the same file edit after edit, and drops it when that place is edited', () => {
    // Both examples of the duplicate are in one file: each problem's related place is the other one.
    const text = `intents:\n  one:\n    examples:\n      en: [where is my parcel, a1, b1, c1, d1]\n  two:\n    examples:\n      en: [where is my parcel, a2, b2, c2, d2]\n`;
    const f = fixture(`${MANIFEST}\n//- /bot/a.bot.yaml\n${text}`);
    const uri = f.uris['/bot/a.bot.yaml'];
    f.service.deferChecks();
    f.service.changedDiagnostics([...f.service.runChecks('checks'), ...f.service.runChecks('heavy')]);
    const duplicates = () =>
      f.service.getDiagnostics(uri).filter((d) => d.code === 'duplicate-example').map((d) => `${d.range.start.line + 1} -> ${d.relatedInformation?.map((r) => r.location.range.start.line + 1).join()}`).sort();
    assert.deepEqual(duplicates(), ['4 -> 7', '7 -> 4']);
    // Three edits without the checks running: each moves the problems on from the last edit's list.
    let now = text;
    for (const [version, line] of [[2, '# one\n'], [3, '# two\n'], [4, '# three\n']] as const) {
      now = line + now;
      f.service.setFile(uri, now, version);
      const down = version - 1;
      assert.deepEqual(duplicates(), [`${4 + down} -> ${7 + down}`, `${7 + down} -> ${4 + down}`].sort(), `after edit ${version}`);
    }
    // Typing in the second example: its own problem goes, and so does the first's, whose related place it is.
    f.service.setFile(uri, now.replace('en: [where is my parcel, a2', 'en: [where is my parcels, a2'), 5);
    assert.deepEqual(duplicates(), []);
  });

  it('walks a long dialog in steps: loops and reachability pause, and find what one go finds', function () {
    this.timeout(20_000);
    // A chain of 5,000 nodes, then a loop that never waits and a node nothing leads to.
    const chain = Array.from({ length: 5000 }, (_, i) => `      n${i}: { say: { en: Hi, fr: Salut }, goto: n${i + 1} }\n`).join('');
    const text = `bot: { name: Long, locales: [en, fr], start: n0, fallback: n0 }\nflows:\n  long:\n    nodes:\n${chain}      n5000: { say: { en: Hi, fr: Salut }, goto: spin }\n      spin: { say: { en: Hi, fr: Salut }, goto: n5000 }\n      alone: { say: { en: Hi, fr: Salut }, end: true }\n`;
    const f = fixture(text);
    const bot = f.service.workspace.botOf(f.uris['/bot/main.bot.yaml']);
    let steps = 0;
    const run = analyzeBotInSteps(f.service.workspace, bot, { dialog: CHECKS.dialog });
    let step = run.next();
    for (; !step.done; step = run.next()) steps++;
    // Before the check, the file, before the loops, a pause in the 5,003 nodes' walk for loops, before reachability,
    // after the dialog is put together, after the walk, the file again (in one go, it was two steps).
    assert.ok(steps >= 8, `${steps} steps`);
    const found = [...step.value.problems.values()].flat().map((p) => p.code).sort();
    assert.deepEqual(found, ['endless-loop', 'endless-loop', 'unreachable-node']);
  });

  it('finds the strongly connected components that comparing what reaches what finds, in a deep chain too', () => {
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const run = (count: number, next: (node: number) => readonly number[]) => {
      const steps = stronglyConnected(count, next);
      let step = steps.next();
      while (!step.done) step = steps.next();
      return step.value;
    };
    for (let round = 0; round < 40; round++) {
      const count = 1 + Math.floor(random() * 60);
      const density = random() * 2.5;
      const edges = Array.from({ length: count }, () => Array.from({ length: Math.floor(random() * density * 2) }, () => Math.floor(random() * count)));
      // What each node reaches (itself included), then: two nodes are in one component when each reaches the other.
      const reaches = edges.map((_, from) => {
        const seen = new Set([from]);
        const queue = [from];
        while (queue.length > 0) for (const to of edges[queue.pop()!]) if (!seen.has(to)) queue.push(to), seen.add(to);
        return seen;
      });
      const expected = new Set(edges.map((_, a) => edges.map((_, b) => b).filter((b) => reaches[a].has(b) && reaches[b].has(a)).join(',')));
      const components = run(count, (node) => edges[node]);
      assert.equal(components.flat().length, count, `round ${round}: every node in one component`);
      assert.deepEqual(new Set(components.map((c) => [...c].sort((a, b) => a - b).join(','))), expected, `round ${round}`);
    }
    // 200,000 nodes in a chain back to the first: one component, found without recursion.
    const components = run(200_000, (node) => [(node + 1) % 200_000]);
    assert.equal(components.length, 1);
    assert.equal(components[0].length, 200_000);
  });

  it('normalises plain ASCII examples as the full Unicode path does', () => {
    const full = (text: string) =>
      text.replace(/\[([^\]\n]*)\]\([^)\n]*\)/g, '$1').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'aZ 9.,!?\'-_[]()@#:;/~ xQ  AMz0`{|}^';
    for (let i = 0; i < 4000; i++) {
      const text = Array.from({ length: Math.floor(random() * 30) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      assert.equal(normalizeExample(text), full(text), JSON.stringify(text));
    }
    const long = 'Where Is My Order, Please? '.repeat(100);
    for (const text of ['Où est mon colis ?', 'book [tomorrow](day:tomorrow) please', 'Ça   VA', 'naïve café', 'already normal', ' x', 'x ', '', long, long.toLowerCase()]) {
      assert.equal(normalizeExample(text), full(text), JSON.stringify(text.slice(0, 40)));
    }
  });

  it('groups examples by their words through adds and removes as a plain map does, past its first room', () => {
    // A pseudo-random run of adds and removes over 300 words, from a table made for 4 entries (so it grows and its
    // chains are rebuilt), compared after every step with a map from words to the entries that have them.
    let seed = 7;
    const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const table = new WordTable(4);
    const model = new Map<number, ExampleText>();
    const example = (words: string): ExampleText => ({ uri: 'file:///a', intent: 'i', span: { start: 0, end: 0 }, text: words, normalized: words });
    for (let step = 0; step < 4000; step++) {
      if (model.size > 0 && random(3) === 0) {
        const ids = [...model.keys()];
        const id = ids[random(ids.length)];
        table.remove(id);
        model.delete(id);
      } else {
        const added = example(`words ${random(300)}`);
        const id = table.add(added);
        assert.ok(!model.has(id), `entry ${id} is given to one example at a time`);
        model.set(id, added);
      }
      if (step % 97 !== 0 && step < 3990) continue;
      const byWords = new Map<string, ExampleText[]>();
      for (const e of model.values()) byWords.set(e.normalized, [...(byWords.get(e.normalized) ?? []), e]);
      assert.equal(table.size, model.size);
      assert.deepEqual([...table.duplicated].sort(), [...byWords].filter(([, list]) => list.length > 1).map(([words]) => words).sort(), `duplicated words at step ${step}`);
      for (const [words, list] of byWords) assert.equal(new Set(table.withWords(words)).size === list.length && list.every((e) => table.withWords(words).includes(e)), true, `${words} at step ${step}`);
    }
  });

  it('keeps duplicate examples right through edits, as a fresh analysis finds them', () => {
    const a = `intents:\n  one:\n    examples:\n      en: [where is my parcel, track it, find it, locate it, chase it]\n`;
    const b = (examples: string) => `intents:\n  two:\n    examples:\n      en: [${examples}]\n`;
    const f = fixture(`${MANIFEST}\n//- /bot/a.bot.yaml\n${a}//- /bot/b.bot.yaml\n${b('a1, b1, c1, d1, e1')}`);
    const all = (service: typeof f.service) => ['/bot/a.bot.yaml', '/bot/b.bot.yaml'].flatMap((path) => service.getDiagnostics(f.uris[path]).filter((d) => d.code === 'duplicate-example').map((d) => `${path}:${d.range.start.line}:${d.range.start.character} ${d.message}`));
    const versions = ['Where is my parcel?, b1, c1, d1, e1', 'a1, b1, c1, d1, e1', 'track it, TRACK IT, find it, c1, d1', 'x, b1, c1, d1, e1'];
    let count = 0;
    versions.forEach((examples, i) => {
      f.service.setFile(f.uris['/bot/b.bot.yaml'], b(examples), i + 2);
      const fresh = fixture(`${MANIFEST}\n//- /bot/a.bot.yaml\n${a}//- /bot/b.bot.yaml\n${b(examples)}`);
      assert.deepEqual(all(f.service), all(fresh.service), `after edit ${i}`);
      count += all(f.service).length;
    });
    assert.equal(count, 2 + 0 + 5 + 0, 'the edits made and removed duplicates');
  });

  it('reports too few examples (with the manifest setting) and unused intents, slots, responses, entities', () => {
    const file = `
//- /bot/x.bot.yaml
intents:
  lonely: { examples: { en: [a, b], fr: [c, d, e, f, g] } }
slots: { unused_slot: {} }
responses: { unused_response: { text: { en: x, fr: y } } }
entities: { unused_entity: { pattern: "x" } }
`;
    assert.deepEqual(codesIn(file, '/bot/x.bot.yaml', ['few-examples', 'unused-intent', 'unused-slot', 'unused-response', 'unused-entity']), [
      '2:3 unused-intent',
      '2:25 few-examples',
      '3:10 unused-slot',
      '4:14 unused-response',
      '5:13 unused-entity',
    ]);
    const relaxed = fixture(MANIFEST.replace('  fallback: start', '  fallback: start\n  nlu: { min_examples: 2 }') + file);
    assert.deepEqual(problems(relaxed.service, relaxed.uris['/bot/x.bot.yaml'], ['few-examples']), []);
  });

  it('checks message length per channel, SSML and voice length', () => {
    const f = fixture(`
//- /v/bot.bot.yaml
bot:
  name: V
  locales: [en]
  start: a
  fallback: a
  channels: { web: { type: chat, max_length: 20 }, phone: { type: voice } }
flows:
  f:
    nodes:
      a:
        say: This message is longer than twenty characters
        voice: "<speak><emphasis>Hi</speak>"
        end: true
      b:
        say: ok
        voice: "${'Long sentence to say. '.repeat(25)}"
        end: true
`);
    assert.deepEqual(problems(f.service, f.uris['/v/bot.bot.yaml'], ['message-too-long', 'ssml-invalid', 'voice-too-long']), ['11:14 message-too-long', '12:36 ssml-invalid', '16:16 voice-too-long']);
    assert.equal(checkSsml('<speak>Hello <break time="300ms"/> there &amp; <say-as interpret-as="digits">12</say-as></speak>'), undefined);
    assert.equal(checkSsml('<speak><whisper>x</whisper></speak>')?.code, 'ssml-unsupported');
    assert.equal(checkSsml('<speak>Fish & chips</speak>')?.code, 'ssml-invalid');
    assert.equal(checkSsml('<speak><p>a</s></p></speak>')?.code, 'ssml-invalid');
  });

  it('finds personal data, with check digits for cards and IBANs', () => {
    assert.ok(luhn('4111111111111111'));
    assert.ok(!luhn('4111111111111112'));
    assert.ok(validIban('FR76 3000 6000 0112 3456 7890 189'));
    assert.ok(!validIban('FR76 3000 6000 0112 3456 7890 188'));
    const kinds = (text: string) => findPersonalData(text).map((h) => h.what);
    assert.deepEqual(kinds('mail me at jane.doe@gmail.com'), ['an email address']);
    assert.deepEqual(kinds('write to someone@example.com'), []);
    assert.deepEqual(kinds('my card is 4111 1111 1111 1111'), ['a payment card number']);
    assert.deepEqual(kinds('order 4111 1111 1111 1112'), []);
    assert.deepEqual(kinds('iban FR76 3000 6000 0112 3456 7890 189 thanks'), ['an IBAN']);
    assert.deepEqual(kinds('call +33 6 12 34 56 78'), ['a phone number']);
    assert.deepEqual(kinds('call 06 12 34 56 78'), ['a phone number']);
    assert.deepEqual(kinds('order number 12345'), []);
    // In a bot: on the address or number itself in one-line texts (plain and quoted) and in a message's block text;
    // on the whole text of a training example over several lines (an ignore comment covers only its first line).
    const f = fixture(`${MANIFEST}
//- /bot/nlu.bot.yaml
intents:
  contact:
    examples:
      en: [mail jane.doe@gmail.com please, "call +33 6 12 34 56 78", b, c, d]
      fr:
        - |
          a
          écrire à jean.dupont@orange.fr
        - b
        - c
        - d
        - e
responses:
  card:
    text:
      en: |
        Your card 4111 1111 1111 1111
        is saved.
      fr: 'Carte FR76 3000 6000 0112 3456 7890 189'
`);
    const uri = f.uris['/bot/nlu.bot.yaml'];
    const lines = f.service.workspace.get(uri)!.text.split('\n');
    const shown = f.service.getDiagnostics(uri).filter((d) => d.code === 'personal-data').map((d) => `${d.range.start.line + 1}: ${lines[d.range.start.line].slice(d.range.start.character, d.range.end.line === d.range.start.line ? d.range.end.character : undefined)}`);
    assert.deepEqual(shown, ['4: jane.doe@gmail.com', '4: +33 6 12 34 56 78', '6: |', '17: 4111 1111 1111 1111', '19: FR76 3000 6000 0112 3456 7890 189']);
  });

  it("reports confusable examples from the manifest's threshold, and again when it changes", () => {
    const pairs = [
      ['I want to cancel my order', 'I want to cancel my orders'],
      ['please cancel the order now', 'please cancel that order'],
    ];
    const trigrams = (text: string) => Int32Array.from(new Set(trigramTokens(normalizeExample(text)))).sort();
    const [high, low] = pairs.map(([a, b]) => jaccard(trigrams(a), trigrams(b)));
    assert.ok(0.5 < low && low + 0.1 < high && high < 1, `similarities ${low} and ${high}`);
    const manifest = (threshold: number) => `bot: { name: Shop, locales: [en], start: s, nlu: { confusable_similarity: ${threshold} } }
flows: { f: { nodes: { s: { say: Hi, on: { track: s, cancel: s } } } } }
`;
    const f = fixture(`//- /bot/bot.bot.yaml
${manifest(0.85)}
//- /bot/nlu.bot.yaml
intents:
  track: { examples: { en: ["${pairs[0][0]}", "${pairs[1][0]}", where is my parcel, track it, follow my order] } }
  cancel: { examples: { en: ["${pairs[0][1]}", "${pairs[1][1]}", stop it, no more, drop it] } }
`);
    const nlu = f.uris['/bot/nlu.bot.yaml'];
    const reported = () =>
      f.service
        .getDiagnostics(nlu)
        .filter((d) => d.code === 'confusable-examples')
        .map((d) => `${d.range.start.line}: ${d.message}`);
    const percent = (x: number) => `${Math.round(x * 100)}%`;
    const expected = (...which: number[]) =>
      which.flatMap((i) => [
        `1: This example is ${percent(i === 0 ? high : low)} like "${pairs[i][1]}" in \`cancel\`: the bot may confuse \`track\` and \`cancel\`.`,
        `2: This example is ${percent(i === 0 ? high : low)} like "${pairs[i][0]}" in \`track\`: the bot may confuse \`cancel\` and \`track\`.`,
      ]).sort();
    const at = (threshold: number) => {
      f.service.setFile(f.uris['/bot/bot.bot.yaml'], manifest(threshold), threshold * 100);
      return reported().sort();
    };
    assert.deepEqual(at((low + high) / 2), expected(0));
    assert.deepEqual(at(low - 0.01), expected(0, 1));
    assert.deepEqual(at(Math.min(0.99, high + 0.01)), []);
    assert.deepEqual(at((low + high) / 2), expected(0));
  });

  it('finds confusable pairs like comparing every pair does: exact similarities, nearly all of them', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // Letters, digits, Latin-1 and other characters: trigrams take two ways to their numbers (confusables.ts).
    const words = ['cancel', 'my', 'order', 'orders', 'the', 'please', 'refund', 'track', 'parcel', 'where', 'is', 'où', 'm1', 'ёж'];
    const texts = Array.from({ length: 800 }, () => Array.from({ length: 1 + Math.floor(random() * 6) }, () => words[Math.floor(random() * words.length)]).join(' '));
    const examples: ExampleText[] = texts.map((text, i) => ({ uri: 'u', intent: `i${i % 7}`, span: { start: i, end: i }, text, normalized: text }));
    const sets = new Map(examples.map((e) => [e, Int32Array.from(new Set(trigramTokens(e.normalized))).sort()]));
    for (const threshold of [0.7, 0.85]) {
      const fast = findConfusables(examples, threshold);
      let brute = 0;
      for (const x of examples) {
        const best = Math.max(
          0,
          ...examples
            .filter((y) => y.intent !== x.intent && y.normalized !== x.normalized && sets.get(x)!.length >= 3 && sets.get(y)!.length >= 3)
            .map((y) => jaccard(sets.get(x)!, sets.get(y)!)),
        );
        const found = fast.get(x);
        if (best < threshold) {
          assert.equal(found, undefined, `no false match for "${x.text}"`);
          continue;
        }
        brute++;
        if (found) {
          assert.ok(found.similarity >= threshold && found.similarity <= best, `the match of "${x.text}"`);
          assert.equal(found.similarity, jaccard(sets.get(x)!, sets.get(found.other)!), 'the similarity is exact');
          assert.notEqual(found.other.intent, x.intent);
        }
      }
      assert.ok(brute > 50, `the data has confusable pairs (${brute} at ${threshold})`);
      // A pair at the threshold is a candidate with probability 0.84 (0.7) or 0.997 (0.85); an example usually has several.
      assert.ok(fast.size / brute >= (threshold < 0.8 ? 0.85 : 0.97), `recall ${fast.size}/${brute} at ${threshold}`);
    }
  });

  it('drops a candidate pair unverified only when too few sketch values agree for the threshold', () => {
    // P(X < k) for X ~ Binomial(n, p), summed term by term.
    const below = (n: number, p: number, k: number) => {
      let sum = 0;
      for (let i = 0; i < k; i++) {
        let choose = 1;
        for (let j = 0; j < i; j++) choose = (choose * (n - j)) / (j + 1);
        sum += choose * p ** i * (1 - p) ** (n - i);
      }
      return sum;
    };
    for (const t of [0.5, 0.7, 0.85, 0.95]) {
      for (const free of [14, 15]) {
        const needed = filterNeeds(free, t);
        const p = t + (1 - t) / 16;
        assert.ok(below(free, p, needed) <= 1e-3, `at most 1 in 1,000 pairs at ${t} dropped (${free} values, ${needed} needed)`);
        assert.ok(below(free, p, needed + 1) > 1e-3, `the strictest such count (${t}, ${free})`);
      }
    }
    assert.equal(filterNeeds(14, 0.85), 7);
    assert.equal(filterNeeds(15, 1), 15);
  });

  it('finds confusable pairs among examples with more than 65,536 different trigrams', () => {
    let seed = 11;
    const random = () => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const word = () => Array.from({ length: 35 }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 20000))).join('');
    const texts = Array.from({ length: 2500 }, word);
    const examples: ExampleText[] = texts.map((text, i) => ({ uri: 'u', intent: `i${i % 5}`, span: { start: i, end: i }, text, normalized: text }));
    // Near-twins in other intents of a few of them, added last (after the index went past 65,536 trigrams).
    const twins = [3, 700, 1999].map((i, n) => {
      const text = texts[i].slice(0, 34) + 'x';
      return { uri: 'u', intent: `twin${n}`, span: { start: 10_000 + n, end: 10_000 + n }, text, normalized: text };
    });
    const found = findConfusables([...examples, ...twins], 0.85);
    const trigrams = new Set(texts.flatMap((t) => [...trigramTokens(t)]));
    assert.ok(trigrams.size > 65_536, `the examples have ${trigrams.size} different trigrams`);
    // The pool of trigram numbers went from 16 to 32 bits on the way (16-bit numbers would alias other trigrams).
    const index = new ConfusableIndex(0.85);
    const steps = index.build(new Map([['u', [...examples, ...twins]]]));
    while (!steps.next().done);
    assert.ok((index as unknown as { pool: unknown }).pool instanceof Int32Array, 'a 32-bit pool');
    assert.equal([...index.matches()].length, 6);
    for (const twin of twins) {
      const match = found.get(twin);
      assert.ok(match, `the twin of "${twin.text.slice(0, 5)}…" is found`);
      const set = (t: string) => Int32Array.from(new Set(trigramTokens(t))).sort();
      assert.equal(match.similarity, jaccard(set(twin.normalized), set(match.other.normalized)));
      assert.equal(match.other.normalized.slice(0, 34), twin.text.slice(0, 34));
    }
    assert.equal(found.size, 6, 'the three pairs, each from both sides');
  });

  it('updates the confusable index after edits as building it again would', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const words = ['cancel', 'my', 'order', 'orders', 'the', 'please', 'refund', 'track', 'parcel', 'where', 'is'];
    const sentence = () => Array.from({ length: 2 + Math.floor(random() * 5) }, () => words[Math.floor(random() * words.length)]).join(' ');
    const files = new Map<string, ExampleText[]>();
    // 1,200 examples: the index is built with room for exactly these, so the first example added grows it.
    const file = (uri: string) => Array.from({ length: 300 }, (_, i) => {
      const text = sentence();
      return { uri, intent: `i${i % 4}`, span: { start: i, end: i }, text, normalized: text };
    });
    for (const uri of ['f1', 'f2', 'f3', 'f4']) files.set(uri, file(uri));
    const index = new ConfusableIndex(0.7);
    const steps = index.build(files);
    while (!steps.next().done);
    const summary = (ix: ConfusableIndex) => [...ix.matches()].map((m) => `${m.example.uri}:${m.example.span.start}:${m.example.text}=${m.similarity.toFixed(6)}`).sort();
    for (let round = 0; round < 30; round++) {
      const uri = `f${1 + Math.floor(random() * 4)}`;
      const list = [...files.get(uri)!];
      const at = Math.floor(random() * list.length);
      const text = sentence();
      if (random() < 0.5) list[at] = { ...list[at], text, normalized: text }; // an example edited
      else if (random() < 0.5) list.splice(at, 1); // removed
      else list.splice(at, 0, { uri, intent: list[at].intent, span: { start: 100 + round, end: 100 + round }, text, normalized: text }); // added
      files.set(uri, list);
      index.update(uri, list);
      const fresh = new ConfusableIndex(0.7);
      const build = fresh.build(files);
      while (!build.next().done);
      assert.deepEqual(summary(index), summary(fresh), `after edit ${round}`);
    }
    index.update('f2', undefined);
    files.delete('f2');
    const fresh = new ConfusableIndex(0.7);
    const build = fresh.build(files);
    while (!build.next().done);
    assert.deepEqual(summary(index), summary(fresh), 'after a file left the bot');
    assert.ok(summary(fresh).length > 10, 'the data has confusable pairs');
  });

  it('grows the confusable index by an eighth when edits add examples, and still finds what a build finds', () => {
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const words = ['book', 'a', 'table', 'flight', 'for', 'two', 'tonight', 'cancel', 'my', 'hotel', 'change', 'seat'];
    const sentence = () => Array.from({ length: 3 + Math.floor(random() * 5) }, () => words[Math.floor(random() * words.length)]).join(' ');
    const examples = (uri: string, count: number) =>
      Array.from({ length: count }, (_, i) => {
        const text = `${sentence()} ${i % 97}`;
        return { uri, intent: `${uri}-i${i % 40}`, span: { start: i, end: i }, text, normalized: text };
      });
    const files = new Map<string, ExampleText[]>([['f1', examples('f1', 16_000)]]);
    const index = new ConfusableIndex(0.8);
    const steps = index.build(files);
    while (!steps.next().done);
    const room = () => (index as unknown as { capacity: number }).capacity;
    assert.equal(room(), 16_000, 'a build makes room for its examples only');
    // 4,500 examples added by edits: three times more room, each time an eighth more (doubling held twice the memory).
    files.set('f2', examples('f2', 4_500));
    index.update('f2', files.get('f2'));
    assert.equal(index.size, 20_500);
    assert.ok(room() >= 20_500 && room() <= 20_500 * 1.125 + 1024, `room for ${room()} entries`);
    const fresh = new ConfusableIndex(0.8);
    const build = fresh.build(files);
    while (!build.next().done);
    // Each example's best similarity (of equally similar examples, either may be named).
    const summary = (ix: ConfusableIndex) => [...ix.matches()].map((m) => `${m.example.uri}:${m.example.span.start}=${m.similarity.toFixed(6)}`).sort();
    const found = summary(index);
    assert.ok(found.some((m) => m.startsWith('f2:')) && found.length > 1000, `${found.length} matches, some in the added file`);
    assert.deepEqual(found, summary(fresh));
  });

  it('severities follow the manifest, then the settings; off hides; a comment silences the next line', () => {
    const file = `
//- /bot/x.bot.yaml
intents:
  lonely: { examples: { en: [a, b], fr: [c, d, e, f, g] } }
  # botmaster-ignore unused-intent
  quiet: { examples: { en: [a1, b1, c1, d1, e1], fr: [c1, d1, e1, f1, g1] } }
`;
    const f = fixture(MANIFEST.replace('  fallback: start', '  fallback: start\n  checks: { few-examples: error, unused-intent: info }') + file);
    const severity = (code: string) => f.service.getDiagnostics(f.uris['/bot/x.bot.yaml']).filter((d) => d.code === code).map((d) => `${d.range.start.line + 1}:${d.severity}`);
    assert.deepEqual(severity('few-examples'), ['2:1']);
    assert.deepEqual(severity('unused-intent'), ['2:3'], 'info, and silenced on line 4');
    f.service.setSettings({ checks: { 'unused-intent': 'off', 'few-examples': 'warning' } });
    assert.deepEqual(severity('few-examples'), ['2:1'], 'the manifest wins over the settings');
    assert.deepEqual(severity('unused-intent'), ['2:3']);
    const g = fixture(MANIFEST + file);
    g.service.setSettings({ checks: { 'unused-intent': 'off' } });
    assert.deepEqual(problems(g.service, g.uris['/bot/x.bot.yaml'], ['unused-intent']), []);
    // Half-typed severities count as not set: the code keeps its own (few-examples: warning, 2).
    const h = fixture(MANIFEST.replace('  fallback: start', '  fallback: start\n  checks: { few-examples: of }') + file);
    h.service.setSettings({ checks: { 'few-examples': 'err' as 'error' } });
    assert.deepEqual(h.service.getDiagnostics(h.uris['/bot/x.bot.yaml']).filter((d) => d.code === 'few-examples').map((d) => d.severity), [2]);
  });

  it('a manifest with no languages yet (half-typed locales) reports that, not every text as another language', () => {
    for (const locales of ['locales:', 'locales: []', 'locales: [', 'locales: en']) {
      const f = fixture(MANIFEST.replace('locales: [en, fr]', locales));
      const codes = Object.values(f.uris).flatMap((uri) => f.service.getDiagnostics(uri).map((d) => String(d.code)));
      assert.ok(!codes.includes('unknown-locale'), `${locales}: ${codes.join(', ')}`);
      assert.ok(codes.some((c) => ['wrong-type', 'yaml-syntax', 'missing-key', 'invalid-value'].includes(c)), `${locales}: the manifest's problem is reported (${codes.join(', ')})`);
    }
  });

  it('gives at most maxProblemsPerFile diagnostics per file, the most severe first, with a note of how many more', () => {
    // Four errors (unknown nodes), then warnings (few examples, unused intents) and infos (spelling is off here).
    const f = fixture(`${MANIFEST}
//- /bot/x.bot.yaml
intents:
  a1: { examples: { en: [a], fr: [b] } }
  a2: { examples: { en: [a2], fr: [b2] } }
flows:
  extra:
    nodes:
      n1: { goto: nowhere1 }
      n2: { goto: nowhere2 }
      n3: { goto: nowhere3 }
      n4: { goto: nowhere4 }
`);
    const uri = f.uris['/bot/x.bot.yaml'];
    const all = f.service.getDiagnostics(uri);
    const errors = all.filter((d) => d.severity === 1);
    const warnings = all.filter((d) => d.severity === 2);
    assert.equal(errors.length, 4, all.map((d) => d.code).join());
    assert.ok(warnings.length >= 4, all.map((d) => d.code).join());
    const key = (d: { code?: unknown; range: { start: { line: number; character: number } } }) => `${d.code}@${d.range.start.line}:${d.range.start.character}`;
    const capped = (max: number) => {
      f.service.setSettings({ maxProblemsPerFile: max });
      return f.service.getDiagnostics(uri);
    };

    const three = capped(3);
    assert.equal(three.length, 3);
    assert.equal(three[0].code, 'too-many-problems');
    assert.deepEqual(three[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    assert.equal(three[0].message, `This file has ${all.length} problems: the editor shows 2 of them, the most severe first, and not the other ${all.length - 2}. Run \`botmaster check\` on the file to list them all, or turn off the checks you do not need (\`checks:\` in the manifest).`);
    assert.deepEqual(three.slice(1).map(key), errors.slice(0, 2).map(key), 'the first two errors, in order');

    const seven = capped(7);
    assert.equal(seven.length, 7);
    assert.deepEqual(new Set(seven.slice(1).map(key)), new Set([...errors, ...warnings.slice(0, 2)].map(key)), 'every error, then the first warnings');
    assert.deepEqual(seven.slice(1).map(key), all.map(key).filter((k) => seven.slice(1).map(key).includes(k)), 'in the order of the whole list');

    assert.deepEqual(capped(all.length).map(key), all.map(key), 'a file within the limit gives them all');
    assert.deepEqual(capped(0).map(key), all.map(key), '0: no limit');

    f.service.setSettings({ maxProblemsPerFile: 3, checks: { 'too-many-problems': 'off' } });
    assert.deepEqual(f.service.getDiagnostics(uri).map(key), errors.slice(0, 3).map(key), 'the note turned off: three problems');

    // What the server publishes goes through changedDiagnostics: the same limit, and a change of it is a change.
    f.service.setSettings({ maxProblemsPerFile: 5 });
    assert.equal(f.service.changedDiagnostics([uri]).get(uri)?.length, 5);
    assert.equal(f.service.changedDiagnostics([uri]).get(uri), undefined, 'nothing changed');
  });

  it('a check that throws is reported once and the others still run', () => {
    const f = fixture(MANIFEST);
    const bot = f.service.workspace.botOf(f.uris['/bot/bot.bot.yaml']);
    const analysis = analyzeBot(f.service.workspace, bot, {
      broken: () => {
        throw new Error('boom');
      },
      fine: (_context, report) => report.add(f.uris['/bot/bot.bot.yaml'], { code: 'unused-slot', message: 'ran', span: { start: 0, end: 1 } }),
    });
    assert.deepEqual(analysis.failures.map((x) => `${x.check}: ${x.error.message}`), ['broken: boom']);
    assert.equal(analysis.problems.get(f.uris['/bot/bot.bot.yaml'])?.[0].message, 'ran');
  });

  it("gives the dialog checks' problems again after an edit outside the dialog, and checks again after one inside", () => {
    const f = fixture(`${MANIFEST}
//- /bot/flows.bot.yaml
flows:
  f:
    nodes:
      lost: { say: { en: a, fr: a }, end: true }
      ping: { say: { en: a, fr: a }, goto: pong }
      pong: { say: { en: a, fr: a }, goto: ping }
//- /bot/nlu.bot.yaml
intents:
  bye: { examples: { en: [bye, ciao, see you, later, farewell], fr: [salut, adieu, ciao, a plus, bye] } }
`);
    const bot = f.service.workspace.botOf(f.uris['/bot/bot.bot.yaml']);
    const dialog = () => analyzeBot(f.service.workspace, bot, { dialog: CHECKS.dialog }).problems;
    const codes = (problems: Map<string, Problem[]>) => [...problems].flatMap(([uri, list]) => list.map((p) => `${uri.slice(uri.lastIndexOf('/') + 1)} ${p.code}`)).sort();
    const first = dialog();
    assert.deepEqual(codes(first), ['flows.bot.yaml endless-loop', 'flows.bot.yaml endless-loop', 'flows.bot.yaml unreachable-flow']);

    const nlu = f.uris['/bot/nlu.bot.yaml'];
    f.service.setFile(nlu, f.text('/bot/nlu.bot.yaml').replace('farewell', 'farewell my friend'), 2);
    const again = dialog();
    assert.deepEqual(codes(again), codes(first));
    assert.equal(again.get(f.uris['/bot/flows.bot.yaml'])![0], first.get(f.uris['/bot/flows.bot.yaml'])![0], 'the same problem objects: not computed again');

    // The training file now adds a flow: the dialog changed, and the new flow is unreachable.
    f.service.setFile(nlu, `${f.text('/bot/nlu.bot.yaml')}flows: { g: { nodes: { far: { say: { en: a, fr: a }, end: true } } } }\n`, 3);
    assert.deepEqual(codes(dialog()), ['flows.bot.yaml endless-loop', 'flows.bot.yaml endless-loop', 'flows.bot.yaml unreachable-flow', 'nlu.bot.yaml unreachable-flow']);
    // And back: the flow goes, and so does its problem.
    f.service.setFile(nlu, f.text('/bot/nlu.bot.yaml'), 4);
    assert.deepEqual(codes(dialog()), codes(first));

    // An edit of the flow file is checked again: the loop is broken.
    f.service.setFile(f.uris['/bot/flows.bot.yaml'], f.text('/bot/flows.bot.yaml').replace('goto: ping', 'end: true'), 2);
    assert.deepEqual(codes(dialog()), ['flows.bot.yaml unreachable-flow']);

    // A manifest of its own (no flow, node or response in it) is part of the dialog: its fallback, here.
    const g = fixture(`
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en], start: hello, fallback: hello }
//- /bot/flows.bot.yaml
flows: { main: { nodes: { hello: { say: { en: Hi }, ask: age, prompt: { en: Age? }, goto: hello } } } }
slots: { age: { type: number } }
`);
    const gBot = g.service.workspace.botOf(g.uris['/bot/bot.bot.yaml']);
    const gDialog = () => codes(analyzeBot(g.service.workspace, gBot, { dialog: CHECKS.dialog }).problems);
    assert.deepEqual(gDialog(), []);
    g.service.setFile(g.uris['/bot/bot.bot.yaml'], 'bot: { name: Shop, locales: [en], start: hello }\n', 2);
    assert.deepEqual(gDialog(), ['flows.bot.yaml no-fallback']);

    // A slot's type, in a file outside the dialog, decides whether a branch on it needs an else.
    const h = fixture(`
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en], start: hello, fallback: hello }
//- /bot/flows.bot.yaml
flows:
  main:
    nodes:
      hello:
        branch: [{ if: done == true, goto: hello }, { if: done == false, goto: hello }, { if: done is not set, goto: hello }]
//- /bot/slots.bot.yaml
slots: { done: { type: boolean } }
`);
    const hBot = h.service.workspace.botOf(h.uris['/bot/bot.bot.yaml']);
    const hDialog = () => codes(analyzeBot(h.service.workspace, hBot, { dialog: CHECKS.dialog }).problems).filter((c) => c.includes('branch'));
    assert.deepEqual(hDialog(), []);
    h.service.setFile(h.uris['/bot/slots.bot.yaml'], 'slots: { done: { type: text } }\n', 2);
    assert.deepEqual(hDialog(), ['flows.bot.yaml branch-no-else']);
  });

  it('an edit republishes only the files whose diagnostics changed', () => {
    const f = fixture(`${MANIFEST}
//- /bot/a.bot.yaml
responses: { r: { text: { en: x, fr: y } } }
//- /bot/b.bot.yaml
flows: { g: { nodes: { n: { response: r, end: true } } } }
//- /bot/c.bot.yaml
slots: { s: { type: text } }
`);
    f.service.changedDiagnostics(Object.values(f.uris));
    const changed = f.service.changedDiagnostics(f.service.setFile(f.uris['/bot/b.bot.yaml'], 'flows: { g: { nodes: { n: { say: { en: x, fr: y }, end: true } } } }', 2));
    assert.deepEqual([...changed.keys()].sort(), [f.uris['/bot/a.bot.yaml']], 'only a.bot.yaml: its response became unused');
    // The server asks for a new version's diagnostics even when they did not change: the editor waits for them.
    const b = f.uris['/bot/b.bot.yaml'];
    const again = f.service.changedDiagnostics(f.service.setFile(b, 'flows: { g: { nodes: { n: { say: { en: x, fr: y }, end: true } } } }\n', 3), (uri) => uri === b);
    assert.deepEqual([...again.keys()], [b]);
    assert.deepEqual(again.get(b), f.service.getDiagnostics(b));
  });
});

describe('checks run in slices by the language server', () => {
  const file = `
//- /bot/a.bot.yaml
intents:
  one: { examples: { en: [I want to cancel my order, b1, c1, d1, e1], fr: [a, b, c, d, e] } }
  two: { examples: { en: [I want to cancel my orders, b2, c2, d2, e2], fr: [f, g, h, i, j] } }
`;
  /** The file's problems when every check runs at once. */
  const allAtOnce = () => {
    const once = fixture(MANIFEST + file);
    return once.service.getDiagnostics(once.uris['/bot/a.bot.yaml']).map((d) => `${d.code}@${d.range.start.line}`);
  };

  it('give the same problems as running them at once, and restart when the bot changes meanwhile', () => {
    const expected = allAtOnce();
    assert.ok(expected.includes('confusable-examples@1') && expected.includes('confusable-examples@2'));

    const sliced = fixture(MANIFEST + file);
    sliced.service.deferChecks();
    assert.deepEqual(
      sliced.service.getDiagnostics(sliced.uris['/bot/a.bot.yaml']).filter((d) => d.code === 'confusable-examples'),
      [],
      'nothing bot-wide before the checks ran',
    );
    let steps = 0;
    for (const tier of ['checks', 'heavy'] as const) {
      let result = sliced.service.stepChecks(tier, 0);
      if (tier === 'heavy') {
        // An edit while the heavy checks run: the analysis of the old version is dropped.
        sliced.service.setFile(sliced.uris['/bot/a.bot.yaml'], sliced.text('/bot/a.bot.yaml') + '\n', 2);
        sliced.service.runChecks('checks');
      }
      while (!result.done) {
        result = sliced.service.stepChecks(tier, 0);
        steps++;
      }
    }
    assert.ok(steps > 2, `ran in several steps (${steps})`);
    assert.deepEqual(sliced.service.getDiagnostics(sliced.uris['/bot/a.bot.yaml']).map((d) => `${d.code}@${d.range.start.line}`), expected);
  });

  it('finish when the two tiers are stepped in turns, as the server does on a big bot', () => {
    const expected = allAtOnce();
    const turns = fixture(MANIFEST + file);
    turns.service.deferChecks();
    const done = { checks: false, heavy: false };
    const published = new Set<string>();
    for (let step = 0; step < 10_000 && !(done.checks && done.heavy); step++) {
      // One slice of each in turn (no tier finishes within one slice: each runs several checks or several steps).
      for (const tier of ['checks', 'heavy'] as const) {
        if (done[tier]) continue;
        const result = turns.service.stepChecks(tier, 0);
        result.files.forEach((f) => published.add(f));
        done[tier] = result.done;
      }
    }
    assert.deepEqual(done, { checks: true, heavy: true }, 'both tiers finished');
    assert.ok(published.has(turns.uris['/bot/a.bot.yaml']));
    assert.deepEqual(turns.service.getDiagnostics(turns.uris['/bot/a.bot.yaml']).map((d) => `${d.code}@${d.range.start.line}`), expected);
  });
});

describe('checks on half-typed files', () => {
  it('run on what a file holds while it is typed, without throwing', () => {
    const text = `bot:\n  name: Shop\n  locales: [en, fr]\n  start: a\nflows:\n  f:\n    nodes:\n      a:\n        say: { en: "Hi {na`;
    for (let cut = 1; cut <= text.length; cut += 3) {
      const f = fixture(`//- /bot/bot.bot.yaml\n${text.slice(0, cut)}\n`);
      f.service.getDiagnostics(f.uris['/bot/bot.bot.yaml']);
      assert.deepEqual(f.service.checkFailures(), [], `at ${cut} characters`);
    }
  });

  it('run on every file of the example bots cut short, with a line dropped or its indentation lost, none failing', function () {
    this.timeout(120_000);
    const root = path.resolve(__dirname, '../../..');
    let variants = 0;
    for (const bot of ['examples/support', 'examples/voicebot']) {
      const service = createLanguageService();
      const files = new Map<string, string>();
      for (const name of fs.readdirSync(path.join(root, bot), { recursive: true }) as string[]) {
        if (!name.endsWith('.bot.yaml')) continue;
        const uri = `file://${path.join(root, bot, name)}`;
        files.set(uri, fs.readFileSync(path.join(root, bot, name), 'utf8'));
        service.setFile(uri, files.get(uri)!, 1);
      }
      let version = 1;
      const check = (uri: string, text: string, what: string) => {
        service.setFile(uri, text, ++version);
        for (const other of files.keys()) service.getDiagnostics(other);
        assert.deepEqual(service.checkFailures(), [], `${uri.slice(uri.lastIndexOf('/') + 1)}: ${what}`);
        variants++;
      };
      for (const [uri, text] of files) {
        const lines = text.split('\n');
        // Cut at 12 places (mid-word, mid-line), one line dropped and one line's indentation lost at 6 places each.
        for (let i = 1; i <= 12; i++) check(uri, text.slice(0, Math.floor((text.length * i) / 13) + (i % 5)), `cut at ${i}/13`);
        for (let i = 1; i <= 6; i++) {
          const at = Math.floor((lines.length * i) / 7);
          check(uri, [...lines.slice(0, at), ...lines.slice(at + 1)].join('\n'), `line ${at + 1} dropped`);
          check(uri, [...lines.slice(0, at), lines[at].trimStart(), ...lines.slice(at + 1)].join('\n'), `line ${at + 1} unindented`);
        }
        service.setFile(uri, text, ++version);
      }
    }
    assert.ok(variants >= 300, `${variants} variants`);
  });
});
