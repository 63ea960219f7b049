import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorTracker, maskMessage } from '../src/errors/index.js';
import { requestEvent } from '../src/metrics/ingest/synthetic-traffic.js';
import type { RequestEvent } from '../src/model/request-event.js';

/**
 * Real error texts — of the MCP SDK, Node, fetch, PostgreSQL, servers' own tools — and what
 * masking leaves of them: the words that say what failed, without what varies between occurrences.
 */
const MASKED: [what: string, message: string, masked: string][] = [
  [
    'SDK: unknown tool (quoted name)',
    "MCP error -32602: Tool 'lookup_order' not found",
    'MCP error <n>: Tool <str> not found',
  ],
  [
    'SDK: invalid arguments',
    'Input validation error: Invalid arguments for tool add: expected number, received string',
    'Input validation error: Invalid arguments for tool add: expected number, received string',
  ],
  ['SDK: request timeout', 'MCP error -32001: Request timed out', 'MCP error <n>: Request timed out'],
  ['a timeout in ms', 'Request timed out after 5012ms', 'Request timed out after <n>ms'],
  [
    'Node ENOENT with a quoted path',
    "ENOENT: no such file or directory, open '/srv/data/users/42/profile.json'",
    'ENOENT: no such file or directory, open <str>',
  ],
  ['a bare path', 'cannot read /var/lib/app/cache/9f8e7d6c.bin', 'cannot read <path>'],
  [
    'a Windows path',
    'EACCES: permission denied, C:\\Users\\bob\\report.xlsx',
    'EACCES: permission denied, <path>',
  ],
  ['a relative path', 'missing ./config/tenants/acme.yaml', 'missing <path>'],
  ['a route alone stays', 'HTTP 404 on /mcp', 'HTTP 404 on /mcp'],
  [
    'fetch: connection refused (address and port)',
    'fetch failed: connect ECONNREFUSED 127.0.0.1:8080',
    'fetch failed: connect ECONNREFUSED <ip>',
  ],
  [
    'a URL with a query',
    'request to https://api.example.com/v1/orders/123?expand=items failed, reason: socket hang up',
    'request to <url> failed, reason: socket hang up',
  ],
  ['a resource URI', 'Resource file:///tmp/notes/2026-12-03.md not found', 'Resource <url> not found'],
  ['a UUID', 'Order 7f3a9c01-4b2e-4f11-9a3c-444455556666 not found', 'Order <uuid> not found'],
  [
    'a Mongo ObjectId and a git sha',
    'document 5f2b8c9d1e3a4b6c7d8e9f01 references commit 3f786850e387550fdab836ed7e6dc881de23001b',
    'document <hex> references commit <hex>',
  ],
  ['a pointer', 'segfault at 0x7ffee3b1a8c0', 'segfault at <hex>'],
  ['a short hex id', 'job 7f3a failed', 'job <hex> failed'],
  ['a generated id', 'session sess_8fK2zQ91xY expired', 'session <id> expired'],
  [
    'double-quoted values (JSON in a message)',
    'duplicate key value violates unique constraint "users_email_key" (email)=("bob@example.com")',
    'duplicate key value violates unique constraint <str> (email)=(<str>)',
  ],
  ['an e-mail address', 'no account for bob@example.com', 'no account for <email>'],
  ['backticks', 'column `tenant_42` does not exist', 'column <str> does not exist'],
  [
    'apostrophes are not quotes',
    "Can't reach the database; it doesn't answer",
    "Can't reach the database; it doesn't answer",
  ],
  [
    'ISO timestamps',
    'lease taken at 2026-12-03T13:54:58.123Z expired at 2026-12-03 13:55:00+01:00',
    'lease taken at <time> expired at <time>',
  ],
  ['a date', 'no rates for 2026-12-03', 'no rates for <time>'],
  [
    'numbers and decimals',
    'quota 1500 exceeded by 12.5%, retry in 30 s',
    'quota <n> exceeded by <n>%, retry in <n> s',
  ],
  ['an HTTP status stays', 'HTTP 503: Service Unavailable', 'HTTP 503: Service Unavailable'],
  [
    'digits inside words stay',
    'utf8 decode failed in v2 parser at byte 17',
    'utf8 decode failed in v2 parser at byte <n>',
  ],
  ['words alone stay', 'Unknown method: tools/call', 'Unknown method: tools/call'],
  ['spaces collapse', '  too   many\n\tspaces  ', 'too many spaces'],
];

describe('masking of real error messages', () => {
  for (const [what, message, masked] of MASKED)
    test(what, () => {
      assert.equal(maskMessage(message), masked);
    });

  test('at most 300 characters', () => {
    assert.equal(maskMessage('x '.repeat(1000)).length, 300);
  });
});

/** The fingerprints of failed requests, through the tracker the aggregator uses. */
function groupsOf(events: Partial<RequestEvent>[]): string[][] {
  const tracker = new ErrorTracker();
  for (const e of events) tracker.record(requestEvent({ serverId: 's', startedAt: 1_000, ...e }));
  return [...tracker.take().values()].map((g) => [g.title, g.kind, String(g.code), String(g.count)]);
}

const stack = (fn: string, file: string, line: number) =>
  `Error: boom\n    at ${fn} (/app/${file}:${line}:7)\n    at handle (/app/server.js:${line + 30}:3)`;

describe('fingerprints', () => {
  test('what varies between occurrences does not split a group', () => {
    const groups = groupsOf([
      {
        outcome: 'tool_error',
        endpoint: 'tools/call:get',
        errorMessage: 'Order 7f3a9c01-4b2e-4f11-9a3c-444455556666 not found',
      },
      {
        outcome: 'tool_error',
        endpoint: 'tools/call:get',
        errorMessage: 'Order 09bc4e22-1111-4f11-9a3c-000011112222 not found',
      },
      {
        outcome: 'error',
        errorCode: -32603,
        endpoint: 'tools/call:get',
        errorMessage: 'db timeout after 5012 ms',
      },
      {
        outcome: 'error',
        errorCode: -32603,
        endpoint: 'tools/call:get',
        errorMessage: 'db timeout after 4999 ms',
      },
    ]);
    assert.deepEqual(groups, [
      ['Order <uuid> not found', 'tool_error', 'null', '2'],
      ['db timeout after <n> ms', 'jsonrpc_error', '-32603', '2'],
    ]);
  });

  test('server, endpoint, kind, code and the top stack frames each make a group of their own', () => {
    const base = {
      outcome: 'error' as const,
      errorCode: -32603,
      endpoint: 'tools/call:a',
      errorMessage: 'boom',
    };
    const groups = groupsOf([
      base,
      { ...base, endpoint: 'tools/call:b' },
      { ...base, errorCode: -32000 },
      { ...base, outcome: 'timeout', errorCode: null },
      { ...base, errorData: { stack: stack('readUser', 'users.js', 12) } },
      // the same frames on other lines (a new deployment) are the same group
      { ...base, errorData: { stack: stack('readUser', 'users.js', 40) } },
      { ...base, errorData: { stack: stack('writeUser', 'users.js', 12) } },
    ]);
    assert.equal(groups.length, 6);
    assert.deepEqual(
      groups.map((g) => g[3]),
      ['1', '1', '1', '1', '2', '1'],
    );
    const other = new ErrorTracker();
    other.record(requestEvent({ serverId: 'other', startedAt: 1_000, ...base }));
    const mine = new ErrorTracker();
    mine.record(requestEvent({ serverId: 's', startedAt: 1_000, ...base }));
    assert.notEqual([...other.take().keys()][0], [...mine.take().keys()][0]);
  });

  test('a failed check is an error of kind probe, its method the endpoint', () => {
    const t = new ErrorTracker();
    for (const port of [4001, 4002])
      t.recordProbe({
        serverId: 's',
        method: 'initialize',
        failure: 'connection_refused',
        reason: `connection refused at http://127.0.0.1:${port}/mcp`,
        at: 1_000,
      });
    const [g, ...rest] = [...t.take().values()];
    assert.equal(rest.length, 0);
    assert.deepEqual(
      [g?.kind, g?.type, g?.endpoint, g?.title, g?.count],
      ['probe', 'connection_refused', 'initialize', 'connection refused at <url>', 2],
    );
  });
});
