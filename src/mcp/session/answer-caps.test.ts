import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { test } from 'node:test';
import { ByteCap, SseEventCap } from './answer-caps.js';

const limit = { bytes: 1024, setting: 'max_probe_response_bytes' };

function through(cap: SseEventCap | ByteCap, text: string, chunkSize: number): Promise<Buffer> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return buffer(Readable.from(chunks).pipe(cap));
}

test('SSE events within the limit pass unchanged; a larger one becomes an error for its request', async () => {
  const small = 'id: 1\nevent: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n: keep-alive\n\n';
  const large = `data: {"jsonrpc":"2.0","id":2,\ndata: "result":{"padding":"${'x'.repeat(4000)}"}}\r\n\r\n`;
  const after = 'data: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\n';
  const replaced =
    'event: message\ndata: {"jsonrpc":"2.0","id":2,"error":{"code":-32099,"message":"the server\'s answer exceeded max_probe_response_bytes (1 KiB)","data":{"limit_bytes":1024}}}\n\n';
  for (const size of [1, 13, 700, 10_000]) {
    const out = await through(new SseEventCap(limit), small + large + after, size);
    assert.equal(out.toString(), small + replaced + after, `cut every ${size} bytes`);
  }
});

test('any other body fails past the limit', async () => {
  assert.equal((await through(new ByteCap(limit), 'x'.repeat(1024), 100)).length, 1024);
  await assert.rejects(through(new ByteCap(limit), 'x'.repeat(1025), 100), {
    name: 'AnswerTooLargeError',
    message: "the server's answer exceeded max_probe_response_bytes (1 KiB)",
  });
});
