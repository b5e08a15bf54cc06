/**
 * How the server's messages are written over stdio: as vscode-jsonrpc writes them (the same bytes), except that the
 * diagnostics of an open file are serialised once each and kept as bytes. Each edit publishes all of a file's
 * diagnostics, its bot-wide ones included, and those of an open file are the same objects from one publish to the
 * next (diagnostics.ts keeps them): the issue-3 bench's training file has 7,503, 4.9 MB of JSON, which took 52 ms to
 * serialise at each keystroke against 5 ms from the kept bytes (medians of 9, in-process). A closed file's diagnostics
 * are built again for each publish: serialising them one by one would cost more (78 ms for the same list), so they go
 * through `JSON.stringify` as before.
 */
import type { Message, NotificationMessage } from 'vscode-jsonrpc';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

/** What vscode-jsonrpc's stream writer asks of a content type encoder (`MessageWriterOptions.contentTypeEncoder`). */
export interface JsonEncoder {
  name: string;
  encode(msg: Message, options: { charset: BufferEncoding }): Promise<Uint8Array>;
}

const PUBLISH = 'textDocument/publishDiagnostics';
/** Below this many diagnostics, a message is simply serialised. */
const FEW = 64;
const COMMA = Buffer.from(',');

/** An encoder that keeps the bytes of each diagnostic of the files \`keeps\` says (the open ones). */
export function diagnosticsCachingEncoder(keeps: (uri: string) => boolean): JsonEncoder {
  const bytes = new WeakMap<object, Buffer>();
  const encode = (msg: Message, charset: BufferEncoding): Buffer => {
    const { method, params } = msg as NotificationMessage;
    const publish = params as PublishDiagnosticsParams | undefined;
    if (method !== PUBLISH || charset !== 'utf-8' || !publish || !Array.isArray(publish.diagnostics) || publish.diagnostics.length < FEW || !keeps(publish.uri)) {
      return Buffer.from(JSON.stringify(msg, undefined, 0), charset);
    }
    // The message with an empty list, cut where the list goes: the same keys in the same order as the message.
    const frame = JSON.stringify({ ...msg, params: { ...publish, diagnostics: [] } });
    const at = frame.lastIndexOf('"diagnostics":[]') + '"diagnostics":['.length;
    const parts: Buffer[] = [Buffer.from(frame.slice(0, at), charset)];
    publish.diagnostics.forEach((diagnostic, i) => {
      let kept = bytes.get(diagnostic);
      if (!kept) bytes.set(diagnostic, (kept = Buffer.from(JSON.stringify(diagnostic), charset)));
      if (i > 0) parts.push(COMMA);
      parts.push(kept);
    });
    parts.push(Buffer.from(frame.slice(at), charset));
    return Buffer.concat(parts);
  };
  return {
    name: 'application/json',
    encode: (msg, options) => {
      try {
        return Promise.resolve(encode(msg, options.charset));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}
