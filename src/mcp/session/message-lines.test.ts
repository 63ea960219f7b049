import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageLines } from './message-lines.js';

const limit = { bytes: 1024, setting: 'max_probe_response_bytes' };

function split(text: string, chunkSize: number) {
  const lines: string[] = [];
  const dropped: unknown[] = [];
  const splitter = new MessageLines(
    limit,
    (line) => lines.push(line),
    (answered) => dropped.push(...answered),
  );
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += chunkSize) splitter.write(bytes.subarray(i, i + chunkSize));
  splitter.flush();
  return { lines, dropped };
}

test('a long answer whose id comes first is reported as soon as the limit is crossed, the rest skipped', () => {
  const reported: unknown[] = [];
  let linesSeen = 0;
  const splitter = new MessageLines(
    limit,
    () => linesSeen++,
    (answered) => reported.push(...answered),
  );
  splitter.write(Buffer.from(`{"jsonrpc":"2.0","id":42,"result":{"padding":"${'x'.repeat(2000)}`));
  assert.deepEqual(reported, [42], 'before the line ends');
  splitter.write(Buffer.from(`${'x'.repeat(5000)}"}}\n{"next":1}\n`));
  assert.deepEqual(reported, [42], 'once');
  assert.equal(linesSeen, 1, 'the next line is read as usual');
});

test('lines of any chunking, LF or CRLF, with characters cut between chunks', () => {
  const text = '{"a":"é"}\r\n\n{"b":"😀"}\n{"c":1}';
  for (const size of [1, 2, 5, 100])
    assert.deepEqual(split(text, size), { lines: ['{"a":"é"}', '{"b":"😀"}', '{"c":1}'], dropped: [] });
});

test('a line over the limit is dropped, its id read; the lines around it are intact', () => {
  const long = JSON.stringify({ jsonrpc: '2.0', result: { padding: 'x'.repeat(5000) }, id: 'late-id' });
  const text = `{"before":1}\n${long}\n{"after":2}\n`;
  for (const size of [7, 300, 100_000])
    assert.deepEqual(split(text, size), { lines: ['{"before":1}', '{"after":2}'], dropped: ['late-id'] });
});
