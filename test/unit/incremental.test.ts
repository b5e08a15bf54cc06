import * as assert from 'node:assert/strict';
import { fixture, problems } from '../fixture';

describe('incremental index', () => {
  const source = `
//- /bot/bot.bot.yaml
bot: { name: Shop, locales: [en], start: a }
//- /bot/a.bot.yaml
flows: { f: { nodes: { a: { say: hi, goto: b } } } }
//- /bot/b.bot.yaml
flows: { g: { nodes: { b: { say: bye, end: true } } } }
//- /bot/c.bot.yaml
intents: { unrelated: {} }
`;

  it('an edit re-checks the files that refer to what changed, and only those', () => {
    const f = fixture(source);
    const affected = f.service.setFile(f.uris['/bot/b.bot.yaml'], 'flows: { g: { nodes: { b2: { say: bye, end: true } } } }', 2);
    assert.deepEqual([...affected].sort(), [f.uris['/bot/a.bot.yaml'], f.uris['/bot/b.bot.yaml']].sort());
    assert.deepEqual(problems(f.service, f.uris['/bot/a.bot.yaml']), ['1:44 unknown-node']);
    f.service.setFile(f.uris['/bot/b.bot.yaml'], 'flows: { g: { nodes: { b: { say: bye, end: true } } } }', 3);
    assert.deepEqual(problems(f.service, f.uris['/bot/a.bot.yaml']), []);
  });

  it('an edit that changes no definition re-checks that file only', () => {
    const f = fixture(source);
    const affected = f.service.setFile(f.uris['/bot/b.bot.yaml'], 'flows: { g: { nodes: { b: { say: goodbye, end: true } } } }', 2);
    assert.deepEqual([...affected], [f.uris['/bot/b.bot.yaml']]);
  });

  it('a new duplicate re-checks both places', () => {
    const f = fixture(source);
    const affected = f.service.setFile(f.uris['/bot/c.bot.yaml'], 'flows: { h: { nodes: { b: { end: true } } } }', 2);
    assert.ok(affected.has(f.uris['/bot/b.bot.yaml']));
    assert.ok(problems(f.service, f.uris['/bot/b.bot.yaml']).some((p) => p.endsWith('duplicate-id')));
  });

  it('removing the manifest moves every file out of the bot, and back', () => {
    const f = fixture(source);
    f.service.removeFile(f.uris['/bot/bot.bot.yaml']);
    assert.deepEqual(problems(f.service, f.uris['/bot/c.bot.yaml'], ['no-manifest']), ['1:1 no-manifest']);
    const affected = f.service.setFile(f.uris['/bot/bot.bot.yaml'], 'bot: { name: Shop, locales: [en], start: a }', 5);
    assert.ok(affected.has(f.uris['/bot/c.bot.yaml']));
    assert.deepEqual(problems(f.service, f.uris['/bot/c.bot.yaml'], ['no-manifest']), []);
  });

  it('changing the languages of the manifest re-checks every file of the bot', () => {
    const f = fixture(source);
    const affected = f.service.setFile(f.uris['/bot/bot.bot.yaml'], 'bot: { name: Shop, locales: [en, fr], start: a }', 2);
    assert.equal(affected.size, 4);
  });
});
