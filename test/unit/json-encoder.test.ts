import * as assert from 'node:assert/strict';
import type { Message } from 'vscode-jsonrpc';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { diagnosticsCachingEncoder } from '../../server/src/host/jsonEncoder';

const OPEN = 'file:///bot/open.bot.yaml';
const CLOSED = 'file:///bot/closed.bot.yaml';

function diagnostics(count: number): Diagnostic[] {
  return Array.from({ length: count }, (_, i) => ({
    range: { start: { line: i, character: 2 }, end: { line: i, character: 9 + (i % 7) } },
    severity: 2,
    code: 'confusable-examples',
    source: 'botmaster',
    message: `This example is ${80 + (i % 20)}% like "where’s my parcel ${i} 📦" in \`order.where\`: the bot may confuse them.`,
    data: { moveTo: ['order.where'], locale: 'en' },
    relatedInformation: [{ location: { uri: CLOSED, range: { start: { line: i, character: 0 }, end: { line: i, character: 4 } } }, message: 'In `order.where`' }],
  }));
}

const publish = (uri: string, list: Diagnostic[], version?: number): Message =>
  ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, diagnostics: list, version } }) as Message;

describe('the JSON encoder of the stdio transport', () => {
  const encoder = diagnosticsCachingEncoder((uri) => uri === OPEN);
  const encode = async (msg: Message) => Buffer.from(await encoder.encode(msg, { charset: 'utf-8' }));
  const expected = (msg: Message) => Buffer.from(JSON.stringify(msg), 'utf-8');

  it('writes the bytes JSON.stringify writes, for the diagnostics of an open file, again and again', async () => {
    const list = diagnostics(300);
    for (const msg of [publish(OPEN, list, 3), publish(OPEN, list, 4), publish(OPEN, list), publish(OPEN, [...list.slice(100), ...diagnostics(80)], 5)]) {
      assert.ok((await encode(msg)).equals(expected(msg)));
      assert.ok((await encode(msg)).equals(expected(msg)), 'from the kept bytes');
    }
  });

  it('keeps the bytes of a diagnostic object: a second publish reuses them', async () => {
    const list = diagnostics(100);
    await encode(publish(OPEN, list, 1));
    // A diagnostic object never changes once sent (diagnostics.ts builds a new one); were it changed, the kept bytes
    // would be written: this shows that they are.
    const stale = JSON.stringify(list[0]);
    list[0].message = 'changed';
    const written = (await encode(publish(OPEN, list, 2))).toString('utf-8');
    assert.ok(written.includes(stale));
  });

  it('writes a closed file\'s diagnostics, short lists and other messages with JSON.stringify', async () => {
    const list = diagnostics(100);
    await encode(publish(CLOSED, list, 1));
    list[0].message = 'changed';
    const closed = publish(CLOSED, list, 2);
    assert.ok((await encode(closed)).equals(expected(closed)), 'not kept: written as it is now');
    for (const msg of [publish(OPEN, diagnostics(3), 1), { jsonrpc: '2.0', id: 7, result: { items: ['a’', 1] } } as Message, { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'x' } } as Message]) {
      assert.ok((await encode(msg)).equals(expected(msg)));
    }
  });
});
