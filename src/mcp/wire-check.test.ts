import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserializeMessage } from '@modelcontextprotocol/client';
import { conformsToSchema } from './wire-check.js';

/** The SDK's own verdict: its schema parse of the line. */
const sdkAccepts = (value: unknown): boolean => {
  try {
    deserializeMessage(JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
};

const cases: unknown[] = [
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { message: 'x' } } },
  { jsonrpc: '2.0', id: 'a', method: 'ping' },
  { jsonrpc: '2.0', id: 1.5, method: 'ping' },
  { jsonrpc: '2.0', id: null, method: 'ping' },
  { jsonrpc: '2.0', id: true, method: 'ping' },
  { jsonrpc: '1.0', id: 1, method: 'ping' },
  { jsonrpc: '2.0', id: 1, method: 'ping', extra: 1 },
  { jsonrpc: '2.0', id: 1, method: 7 },
  { jsonrpc: '2.0', id: 1, method: 'x', params: [1, 2] },
  { jsonrpc: '2.0', id: 1, method: 'x', params: null },
  { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: 3 } } },
  { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: 'p', other: {} } } },
  { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: 1.5 } } },
  { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: null } } },
  { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: 'meta' } },
  { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { 'io.modelcontextprotocol/related-task': {} } } },
  {
    jsonrpc: '2.0',
    id: 1,
    method: 'x',
    params: { _meta: { 'io.modelcontextprotocol/related-task': { taskId: 't', more: 1 } } },
  },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
  { jsonrpc: '2.0', method: 'n', params: 'p' },
  { jsonrpc: '2.0', method: 'n', extra: true },
  { jsonrpc: '2.0', id: 1, result: {} },
  { jsonrpc: '2.0', id: 1, result: { content: [], _meta: { x: 1 } } },
  { jsonrpc: '2.0', id: 1, result: [] },
  { jsonrpc: '2.0', id: 1, result: 'ok' },
  { jsonrpc: '2.0', result: {} },
  { jsonrpc: '2.0', id: 1, result: {}, extra: 1 },
  { jsonrpc: '2.0', id: 1, method: 'x', result: {} },
  { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'nope' } },
  { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'nope', data: { any: 1 }, more: 2 } },
  { jsonrpc: '2.0', error: { code: -32700, message: 'parse' } },
  { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse' } },
  { jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'x' } },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 2 } },
  { jsonrpc: '2.0', id: 1, error: 'boom' },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'x' }, result: {} },
  { jsonrpc: '2.0', id: 1 },
  [],
  'text',
  null,
];

test('conformsToSchema agrees with the SDK’s JSONRPCMessageSchema', () => {
  for (const value of cases)
    assert.equal(conformsToSchema(value), sdkAccepts(value), `for ${JSON.stringify(value)}`);
});
