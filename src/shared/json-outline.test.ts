import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonOutline } from './json-outline.js';

function outline(text: string, chunkSize = Infinity) {
  const o = new JsonOutline();
  const bytes = Buffer.from(text, 'utf8');
  const step = Math.min(chunkSize, bytes.length) || 1;
  for (let i = 0; i < bytes.length; i += step) o.push(bytes.subarray(i, i + step));
  return o.messages;
}

/** The same outline whichever way the bytes are cut. */
function everyCut(text: string) {
  const whole = outline(text);
  for (const size of [1, 2, 3, 7, 64])
    assert.deepEqual(outline(text, size), whole, `cut every ${size} bytes`);
  return whole;
}

test('a result keeps its id and nothing of its bulk', () => {
  const big = {
    tools: Array.from({ length: 500 }, (_, i) => ({ name: `t${i}`, inputSchema: { type: 'object' } })),
  };
  const messages = everyCut(JSON.stringify({ result: big, jsonrpc: '2.0', id: 7 }));
  assert.deepEqual(messages, [{ jsonrpc: '2.0', id: 7, result: { content: [] } }]);
});

test('an error keeps its code and message; a string id stays a string', () => {
  const text = JSON.stringify({
    jsonrpc: '2.0',
    id: 'a"b',
    error: { code: -32602, message: 'bad "x" \u00e9\u{1F600}', data: { huge: 'x'.repeat(5000) } },
  });
  assert.deepEqual(everyCut(text), [
    { jsonrpc: '2.0', id: 'a"b', error: { code: -32602, message: 'bad "x" \u00e9\u{1F600}' } },
  ]);
});

test('a tool error keeps isError (before or after its content) and its texts', () => {
  const content = [
    { type: 'text', text: 'first' },
    { type: 'image', data: 'AAAA', mimeType: 'image/png' },
    { text: 'second', type: 'text' },
  ];
  for (const result of [
    { content, isError: true },
    { isError: true, content },
  ]) {
    assert.deepEqual(everyCut(JSON.stringify({ jsonrpc: '2.0', id: 1, result })), [
      {
        jsonrpc: '2.0',
        id: 1,
        result: {
          content: [
            { type: 'text', text: 'first' },
            { type: 'text', text: 'second' },
          ],
          isError: true,
        },
      },
    ]);
  }
});

test('long texts are cut to the budget, on a character boundary', () => {
  const text = 'é'.repeat(20_000);
  const [message] = outline(
    JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text }], isError: true } }),
  );
  const kept =
    (message as unknown as { result: { content: { text: string }[] } }).result.content[0]?.text ?? '';
  assert.ok(kept.length > 0 && Buffer.byteLength(kept) <= 16 * 1024);
  assert.ok(text.startsWith(kept));
});

test('a batch gives one outline per message; notifications and requests keep their method', () => {
  const text = JSON.stringify([
    { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 5, progress: 1 } },
    { jsonrpc: '2.0', id: 2, method: 'sampling/createMessage', params: { messages: [] } },
    { jsonrpc: '2.0', id: 3, result: { protocolVersion: '2025-11-25', capabilities: {} } },
  ]);
  assert.deepEqual(everyCut(text), [
    { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 5 } },
    { jsonrpc: '2.0', id: 2, method: 'sampling/createMessage' },
    { jsonrpc: '2.0', id: 3, result: { content: [], protocolVersion: '2025-11-25' } },
  ]);
});

test('nested look-alikes are not taken for the message', () => {
  const text = JSON.stringify({
    jsonrpc: '2.0',
    result: {
      content: [{ type: 'text', text: 'ok' }],
      nested: { id: 99, isError: true, error: { code: 1 } },
    },
    id: 4,
  });
  assert.deepEqual(everyCut(text), [
    { jsonrpc: '2.0', id: 4, result: { content: [{ type: 'text', text: 'ok' }] } },
  ]);
});

test('tens of megabytes are read in a bounded time and memory', () => {
  const chunk = Buffer.from(
    `{"name":"tool","description":"${'d'.repeat(200)}","inputSchema":{"type":"object"}},`,
  );
  const o = new JsonOutline();
  o.push(Buffer.from('{"jsonrpc":"2.0","result":{"tools":['));
  const started = performance.now();
  for (let sent = 0; sent < 20 * 1024 * 1024; sent += chunk.length) o.push(chunk);
  o.push(Buffer.from('{}]},"id":9}'));
  const ms = performance.now() - started;
  assert.deepEqual(o.messages, [{ jsonrpc: '2.0', id: 9, result: { content: [] } }]);
  assert.ok(ms < 5000, `20 MB took ${Math.round(ms)} ms`);
});
