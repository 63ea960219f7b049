import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser, type SseEventFields } from './sse-parser.js';

interface Seen extends SseEventFields {
  data: string;
}

function read(text: string, chunkSize: number): { events: Seen[]; boundary: boolean } {
  const events: Seen[] = [];
  let data: Buffer[] = [];
  const parser = new SseParser({
    data: (piece) => data.push(Buffer.from(piece)),
    dispatch: (fields) => {
      events.push({ ...fields, data: Buffer.concat(data).toString('utf8') });
      data = [];
    },
  });
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += chunkSize) parser.push(bytes.subarray(i, i + chunkSize));
  return { events, boundary: parser.atBoundary };
}

test('events, their data lines, ids and types, whichever way the bytes are cut', () => {
  const text =
    ': a comment\r\n' +
    'id: 1\r\nevent: message\r\ndata: {"a":\r\ndata:1}\r\n\r\n' +
    'data\n\n' +
    'retry: 10\rdata: é\r\r' +
    'id: 2\n\n';
  const expected: Seen[] = [
    { id: '1', event: 'message', hasData: true, data: '{"a":\n1}' },
    { id: undefined, event: undefined, hasData: true, data: '' },
    { id: undefined, event: undefined, hasData: true, data: 'é' },
    { id: '2', event: undefined, hasData: false, data: '' },
  ];
  for (const size of [1, 2, 3, 5, 1000]) {
    const { events, boundary } = read(text, size);
    assert.deepEqual(events, expected, `cut every ${size} bytes`);
    assert.equal(boundary, true);
  }
});

test('half an event is not a boundary', () => {
  assert.equal(read('data: x\n', 100).boundary, false);
  assert.equal(read('data: x', 100).boundary, false);
  assert.equal(read('data: x\n\n', 100).boundary, true);
});
