import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSpellers } from '../../server/src/host/spelling';
import { compileBot } from '../../server/src/engine/program';
import { createLanguageService } from '../../server/src/service';
import type { LanguageService } from '../../server/src/service';
import { isReleased } from '../../server/src/service/documents';

const ROOT = path.resolve(__dirname, '../../..');
const spellers = createSpellers();

/** Every dialog file of the example bots, as uri → text. */
function exampleFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const bot of ['examples/support', 'examples/broken', 'examples/voicebot']) {
    for (const name of fs.readdirSync(path.join(ROOT, bot), { recursive: true }) as string[]) {
      if (name.endsWith('.bot.yaml')) files.set(`file://${path.join(ROOT, bot, name)}`, fs.readFileSync(path.join(ROOT, bot, name), 'latin1'));
    }
  }
  return files;
}

/** A service on the example bots; `lean`: documents kept only for open files, as the server does, with `open` open. */
function load(files: Map<string, string>, lean: boolean, open: string[] = []): LanguageService {
  const service = createLanguageService();
  service.setSpellers(spellers);
  if (lean) service.keepDocumentsOfOpenFilesOnly();
  for (const uri of open) service.setOpen(uri, true);
  for (const [uri, text] of files) service.setFile(uri, text, 1);
  return service;
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? [...v] : v)));

describe('documents of files not open in the editor', () => {
  const files = exampleFiles();
  const uris = [...files.keys()];
  const main = uris.find((u) => u.endsWith('support/flows/main.bot.yaml'))!;
  const full = load(files, false);
  const lean = load(files, true, [main]);

  it('are released, except for open files, and come back when a file is opened', () => {
    const released = uris.filter((u) => isReleased(lean.workspace.get(u)!));
    // Every file with a document, but the open one (files too broken to parse have none).
    const parsed = uris.filter((u) => full.workspace.get(u)!.doc);
    assert.deepEqual(released.sort(), parsed.filter((u) => u !== main).sort());
    assert.ok(lean.workspace.get(main)!.doc, 'the open file keeps its document');
    const orders = uris.find((u) => u.endsWith('support/flows/orders.bot.yaml'))!;
    lean.setOpen(orders, true);
    assert.ok(lean.workspace.get(orders)!.doc && !isReleased(lean.workspace.get(orders)!));
    lean.setOpen(orders, false);
    assert.ok(!lean.workspace.get(orders)!.doc && isReleased(lean.workspace.get(orders)!));
    assert.ok(released.length > 30, `the example bots have many files (${released.length})`);
  });

  it('change no diagnostic, graph, quick fix, completion or hover', function () {
    this.timeout(60_000); // the spelling fixes' suggestions take a while
    let fixes = 0;
    for (const uri of uris) {
      const diagnostics = full.getDiagnostics(uri);
      assert.deepEqual(lean.getDiagnostics(uri), diagnostics, uri);
      assert.deepEqual(plain(lean.getGraph(uri)), plain(full.getGraph(uri)), uri);
      // Quick fixes read documents: of this file, of the file a stub or a moved example goes to, of the manifest.
      const actions = full.getCodeActions(uri, diagnostics);
      fixes += actions.length;
      assert.deepEqual(lean.getCodeActions(uri, diagnostics), actions, uri);
      const text = files.get(uri)!;
      for (const offset of [text.indexOf('goto: ') + 6, text.indexOf('say:'), text.indexOf('  - ') + 4]) {
        if (offset < 6) continue;
        const model = full.workspace.get(uri)!;
        const position = model.lines.position(offset);
        assert.deepEqual(lean.getCompletions(uri, position), full.getCompletions(uri, position), `${uri} at ${offset}`);
        assert.deepEqual(lean.getHover(uri, position), full.getHover(uri, position), `${uri} at ${offset}`);
      }
    }
    assert.ok(fixes > 40, `the broken bot has quick fixes across files (${fixes})`);
  });

  it('publish the same diagnostics when an edit changes closed files (whose diagnostics are not kept)', () => {
    // As in the server: the bot-wide checks run when it says so, and each run tells the files whose problems changed.
    const full = load(files, false);
    const lean = load(files, true, [main]);
    full.deferChecks();
    lean.deferChecks();
    const published = (service: LanguageService, changed: Iterable<string>) =>
      plain([...service.changedDiagnostics([...changed, ...service.runChecks('checks'), ...service.runChecks('heavy')])].sort());
    assert.deepEqual(published(lean, uris), published(full, uris), 'the first publication');
    // The responses file emptied, then given back: every file using a response changes twice, open or closed.
    const responses = uris.find((u) => u.endsWith('support/responses.bot.yaml'))!;
    for (const [text, version] of [['', 2], [files.get(responses)!, 3]] as const) {
      const leanChanged = published(lean, lean.setFile(responses, text, version));
      const fullChanged = published(full, full.setFile(responses, text, version));
      assert.deepEqual(leanChanged, fullChanged, `version ${version}`);
      const files = (leanChanged as [string, unknown][]).map(([uri]) => uri);
      assert.ok(files.includes(main) && files.some((u) => u !== main && u !== responses), `open and closed files changed (${files.length})`);
    }
    for (const uri of uris) assert.deepEqual(lean.getDiagnostics(uri), full.getDiagnostics(uri), uri);
    // A closed file opened: its diagnostics are kept from then on, the same.
    const opened = uris.find((u) => u.endsWith('support/flows/orders.bot.yaml'))!;
    lean.setOpen(opened, true);
    assert.ok(lean.getDiagnostics(opened).length > 0);
    assert.deepEqual(lean.getDiagnostics(opened), full.getDiagnostics(opened));
    assert.deepEqual(published(lean, [opened]), [], 'opening changes nothing to publish');
  });

  it('of a file opened, can come back later (the server parses it once the editor is quiet), or with its first edit', () => {
    const lean = load(files, true);
    const orders = uris.find((u) => u.endsWith('support/flows/orders.bot.yaml'))!;
    const returns = uris.find((u) => u.endsWith('support/flows/returns.bot.yaml'))!;
    lean.setOpen(orders, true, false);
    lean.setOpen(returns, true, false);
    assert.ok(isReleased(lean.workspace.get(orders)!) && isReleased(lean.workspace.get(returns)!), 'not parsed again on opening');
    assert.deepEqual(lean.getDiagnostics(orders), full.getDiagnostics(orders), 'the diagnostics do not need the document');
    lean.restoreDocument(orders);
    assert.ok(lean.workspace.get(orders)!.doc && !isReleased(lean.workspace.get(orders)!), 'parsed again when asked');
    // An edit before that: the file is parsed whole and keeps its document, being open.
    const text = files.get(returns)!.replace(/\n$/, '\n# typed\n');
    lean.setFile(returns, text, 2);
    assert.ok(lean.workspace.get(returns)!.doc && !isReleased(lean.workspace.get(returns)!));
    const reference = load(new Map([...files, [returns, text]]), false);
    assert.deepEqual(lean.getDiagnostics(returns), reference.getDiagnostics(returns));
  });

  it('the simulator reads the same bot from the files parsed again', () => {
    for (const bot of ['support', 'voicebot']) {
      const uri = uris.find((u) => u.includes(`examples/${bot}/`))!;
      const program = plain(compileBot(lean.workspace, uri));
      assert.deepEqual(program, plain(compileBot(full.workspace, uri)), bot);
      assert.ok(program.nodes.length > 10, `${bot} has nodes`);
    }
  });
});
