/**
 * The MCP gateway against real servers: server-everything (Streamable HTTP, stdio, SSE), the
 * v2-SDK modern fixtures (HTTP and stdio), a pid-reporting stdio fixture and a header-recording
 * HTTP fixture, driven by the official SDK client. No mocks.
 * Run: node scripts/test.mjs test/gateway.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  connect,
  countByEndpoint,
  disconnect,
  errorOf,
  isAlive,
  rawPost,
  serverRecord,
  startGateway,
  textOf,
  waitFor,
  type Connected,
  type GatewayHarness,
} from './fixtures/gateway/gateway-harness.js';
import { httpSpec, startUpstreamFleet, type UpstreamFleet } from './fixtures/gateway/upstream-fleet.js';

let fleet: UpstreamFleet;
let h: GatewayHarness;

before(async () => {
  fleet = await startUpstreamFleet();
  h = await startGateway(fleet.records, { maxStdioSessionsPerServer: 2 });
});

after(async () => {
  await h.close();
  await fleet.stop();
});

const CALLS = [
  'echo',
  'get-sum',
  'trigger-long-running-operation',
  'trigger-sampling-request',
  'trigger-elicitation-request',
];

test('server-everything over Streamable HTTP: the gateway is invisible, every message type flows', async () => {
  const from = h.events.length;
  const direct = await connect(fleet.everything.url);
  const via = await connect(h.url('everything'));
  try {
    assert.equal(via.client.getProtocolEra(), 'legacy');
    assert.ok(h.gateway.activeConnections('everything') >= 1, 'the session is an active connection');
    const [directTools, viaTools] = await Promise.all([direct.client.listTools(), via.client.listTools()]);
    assert.deepEqual(viaTools, directTools);
    const names = viaTools.tools.map((t) => t.name);
    for (const name of CALLS) assert.ok(names.includes(name), `server-everything offers ${name}`);
    for (const call of [
      { name: 'echo', arguments: { message: 'hello gateway' } },
      { name: 'get-sum', arguments: { a: 2, b: 40 } },
    ])
      assert.deepEqual(await via.client.callTool(call), await direct.client.callTool(call));
    const progress: number[] = [];
    const long = await via.client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 0.6, steps: 3 } },
      { onprogress: (p) => progress.push(p.progress) },
    );
    assert.deepEqual(progress, [1, 2, 3], 'every progress notification came through');
    assert.match(textOf(long), /completed/);
    const sampled = await via.client.callTool({
      name: 'trigger-sampling-request',
      arguments: { prompt: 'ping' },
    });
    assert.match(textOf(sampled), /sampled: .*ping/, "the client's sampling handler answered");
    const elicited = await via.client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
    assert.match(textOf(elicited), /Ada Lovelace/, "the client's elicitation handler answered");
  } finally {
    await disconnect(direct);
    await disconnect(via);
  }
  const events = h.eventsOf('everything', from);
  const session = events.filter((e) => e.method !== 'server/discover');
  const endpoints = ['initialize', 'tools/list', ...CALLS.map((c) => `tools/call:${c}`)];
  assert.deepEqual(countByEndpoint(session), Object.fromEntries(endpoints.map((e) => [e, 1])));
  assert.deepEqual(new Set(session.map((e) => e.outcome)), new Set(['ok']));
  const sessionIds = new Set(session.map((e) => e.sessionId));
  assert.equal(sessionIds.size, 1);
  assert.notEqual([...sessionIds][0], null);
  for (const e of session) {
    assert.equal(e.clientName, 'gateway-test-client');
    assert.equal(e.clientVersion, '9.9.9');
    assert.equal(e.protocolVersion, '2025-11-25');
    assert.ok(e.bytesIn > 0 && e.bytesOut > 0 && e.latencyMs >= 0 && e.requestId !== null);
  }
  const long = events.find((e) => e.endpoint === 'tools/call:trigger-long-running-operation');
  assert.ok(long !== undefined && long.latencyMs >= 550, 'latency spans the whole request');
  await waitFor('no active connections', () => h.gateway.activeConnections('everything') === 0);
});

test('tool errors, JSON-RPC errors and unknown methods become their own outcomes', async () => {
  const from = h.events.length;
  const via = await connect(h.url('everything'));
  try {
    const bad = await via.client.callTool({ name: 'get-sum', arguments: { a: 'not a number', b: 1 } });
    assert.equal(bad.isError, true);
    const headers = { 'mcp-session-id': via.transport.sessionId ?? '', 'mcp-protocol-version': '2025-11-25' };
    const unknown = JSON.stringify({ jsonrpc: '2.0', id: 'raw-1', method: 'no/such-method' });
    const reply = await rawPost(h.url('everything'), unknown, headers);
    assert.equal(reply.status, 200);
    assert.equal(errorOf(reply).code, -32601);
  } finally {
    await disconnect(via);
  }
  const events = h.eventsOf('everything', from);
  const toolError = events.find((e) => e.endpoint === 'tools/call:get-sum');
  assert.equal(toolError?.outcome, 'tool_error');
  assert.ok((toolError?.errorMessage ?? '').length > 0 && (toolError?.errorMessage ?? '').length <= 1024);
  const unknown = events.find((e) => e.endpoint === 'no/such-method');
  assert.equal(unknown?.outcome, 'error');
  assert.equal(unknown?.errorCode, -32601);
  assert.equal(unknown?.requestId, 'raw-1');
});

test('bad input gets a clear answer and the gateway keeps serving', async () => {
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
  const missing = await rawPost(h.url('no-such-server'), ping);
  assert.equal(missing.status, 404);
  assert.equal(errorOf(missing).code, 'not_found');
  const paused = await rawPost(h.url('paused'), ping);
  assert.equal(paused.status, 503);
  assert.match(errorOf(paused).message, /disabled until .*maintenance/);
  const pad = 'x'.repeat(2 * 1024 * 1024);
  const huge = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping', params: { pad } });
  for (const chunked of [false, true]) {
    const reply = await rawPost(h.url('everything'), huge, {}, { chunked });
    assert.equal(reply.status, 413, `oversized body (chunked: ${chunked})`);
    assert.match(errorOf(reply).message, /too large/);
  }
  const garbled = await rawPost(h.url('everything'), '{"jsonrpc": "2.0", "id": ');
  assert.equal(garbled.status, 400);
  assert.equal(errorOf(garbled).code, -32700);
  const notRpc = await rawPost(h.url('everything'), JSON.stringify({ hello: 'world', id: 7 }));
  assert.equal(notRpc.status, 400);
  assert.equal(errorOf(notRpc).code, -32600);
  const unknownSession = await rawPost(h.url('everything'), ping, { 'mcp-session-id': 'nope' });
  assert.equal(unknownSession.status, 404);
  const outside = await fetch(h.url('everything').replace('/mcp/', '/elsewhere/'));
  assert.equal(await outside.text(), 'not the gateway', 'paths outside /mcp/ are left to the host');
  const via = await connect(h.url('everything'));
  assert.ok((await via.client.listTools()).tools.length > 0, 'the next client is served');
  await disconnect(via);
});

test('stdio: a child per client session, a bounded pool (the least recently used idle session makes room), DELETE stops the child, a dead child fails its request', async () => {
  const legacy = { legacy: true } as const;
  const whoami = async (c: Connected) => Number(textOf(await c.client.callTool({ name: 'whoami' })));
  const a = await connect(h.url('pids'), {}, legacy);
  const b = await connect(h.url('pids'), {}, legacy);
  const [pidA, pidB] = [await whoami(a), await whoami(b)];
  assert.notEqual(pidA, pidB, 'two sessions, two processes');
  assert.ok(isAlive(pidA) && isAlive(pidB) && pidA !== process.pid);
  // The pool (2) is full and both are idle: a third client ends the least recently used one (a).
  const c = await connect(h.url('pids'), {}, legacy);
  const pidC = await whoami(c);
  await waitFor('the evicted session’s child gone', () => !isAlive(pidA));
  assert.ok(isAlive(pidB) && isAlive(pidC));
  await assert.rejects(a.client.callTool({ name: 'whoami' }), 'the evicted session is gone');
  await a.client.close().catch(() => undefined);
  // Both busy: a fourth is refused, and the refused initialize is still a request event.
  const busy = [b, c].map((x) => x.client.callTool({ name: 'sleep', arguments: { ms: 1500 } }));
  await new Promise((r) => setTimeout(r, 200));
  const from = h.events.length;
  await assert.rejects(connect(h.url('pids'), {}, legacy), /503|sessions/, 'no idle session to end: refused');
  const refused = h.eventsOf('pids', from).find((e) => e.method === 'initialize');
  assert.equal(refused?.outcome, 'transport_error');
  await Promise.all(busy);
  await disconnect(c);
  assert.equal(isAlive(pidC), false, 'DELETE stopped the child');
  const crashFrom = h.events.length;
  await assert.rejects(b.client.callTool({ name: 'crash', arguments: { code: 3 } }), /exit|code 3/);
  const crash = h.eventsOf('pids', crashFrom).find((e) => e.endpoint === 'tools/call:crash');
  assert.equal(crash?.outcome, 'transport_error');
  assert.match(crash?.errorMessage ?? '', /code 3/);
  await waitFor('the dead session to end', () => !isAlive(pidB));
  await assert.rejects(b.client.callTool({ name: 'whoami' }), 'the session died with its child');
  await disconnect(b).catch(() => undefined);
  const idle = await startGateway(fleet.records, { idleSessionTimeoutMs: 300 });
  const gone = await connect(idle.url('pids'), {}, legacy);
  const pid = await whoami(gone);
  await gone.client.close(); // no DELETE: the client just goes away
  await waitFor('the idle session to stop its child', () => !isAlive(pid));
  await idle.close();
});

test('server-everything over stdio and legacy SSE: tools, progress and sampling through the gateway', async () => {
  for (const id of ['everything-stdio', 'everything-sse']) {
    const via = await connect(h.url(id));
    try {
      assert.equal(via.client.getProtocolEra(), 'legacy');
      const names = (await via.client.listTools()).tools.map((t) => t.name);
      assert.ok(names.includes('get-sum'), `${id} lists its tools`);
      assert.match(textOf(await via.client.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } })), /3/);
      const progress: number[] = [];
      await via.client.callTool(
        { name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 2 } },
        { onprogress: (p) => progress.push(p.progress) },
      );
      assert.deepEqual(progress, [1, 2], `${id}: progress came through`);
      const sampled = await via.client.callTool({
        name: 'trigger-sampling-request',
        arguments: { prompt: 'hi' },
      });
      assert.match(textOf(sampled), /sampled/);
    } finally {
      await disconnect(via);
    }
  }
});

test('modern era (2026-07-28) through the gateway, over HTTP and stdio', async () => {
  const from = h.events.length;
  const direct = await connect(fleet.modern.url);
  for (const id of ['modern', 'modern-stdio']) {
    const via = await connect(h.url(id));
    try {
      assert.equal(via.client.getProtocolEra(), 'modern', `${id} negotiated the modern era`);
      // The stdio fixture names itself differently in `_meta`; what it serves is the same.
      assert.deepEqual((await via.client.listTools()).tools, (await direct.client.listTools()).tools);
      const add = { name: 'add', arguments: { a: 20, b: 22 } };
      assert.deepEqual((await via.client.callTool(add)).content, (await direct.client.callTool(add)).content);
    } finally {
      await disconnect(via);
    }
  }
  await disconnect(direct);
  for (const id of ['modern', 'modern-stdio']) {
    const events = h.eventsOf(id, from);
    assert.deepEqual(countByEndpoint(events.filter((e) => e.method !== 'server/discover')), {
      'tools/list': 1,
      'tools/call:add': 1,
    });
    for (const e of events) {
      assert.equal(e.outcome, 'ok');
      assert.equal(e.sessionId, null, 'modern requests have no session');
      assert.equal(e.protocolVersion, '2026-07-28');
      assert.equal(e.clientName, 'gateway-test-client');
    }
  }
});

test('timeouts, cancellations and unreachable upstreams', async () => {
  const short = await startGateway([serverRecord('slow', httpSpec(fleet.everything.url))], {
    requestTimeoutMs: 300,
  });
  try {
    const via = await connect(short.url('slow'));
    await assert.rejects(
      via.client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 1 } }),
      /timed out/i,
    );
    const timedOut = short.events.find((e) => e.endpoint === 'tools/call:trigger-long-running-operation');
    assert.equal(timedOut?.outcome, 'timeout');
    await disconnect(via);
  } finally {
    await short.close();
  }
  const from = h.events.length;
  const via = await connect(h.url('everything'));
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 200);
  const call = { name: 'trigger-long-running-operation', arguments: { duration: 2, steps: 2 } };
  await assert.rejects(via.client.callTool(call, { signal: abort.signal }));
  await waitFor('the cancelled event', () =>
    h.eventsOf('everything', from).some((e) => e.outcome === 'cancelled'),
  );
  await disconnect(via);
  // server-everything (legacy) refuses the modern client's `server/discover` probe: negotiation, not an error.
  assert.ok(!h.eventsOf('everything', 0).some((e) => e.method === 'server/discover'));
  await assert.rejects(connect(h.url('dead')));
  await assert.rejects(connect(h.url('missing')), /command not found: mcp-health-no-such-command/);
  for (const id of ['dead', 'missing']) {
    const failed = h.eventsOf(id, from);
    assert.deepEqual(new Set(failed.map((e) => e.outcome)), new Set(['transport_error']));
    assert.match(
      failed[0]?.errorMessage ?? '',
      /^upstream server unavailable: (connection refused|command not)/,
    );
  }
  // The legacy fixture exits on the `server/discover` probe: the client falls back to `initialize`.
  const legacy = await connect(h.url('legacy-stdio'));
  assert.equal(legacy.client.getProtocolEra(), 'legacy');
  assert.equal(h.eventsOf('legacy-stdio', from)[0]?.outcome, 'transport_error');
  await disconnect(legacy);
});

test("upstream headers: the configured Authorization wins; the client's is forwarded only when none is configured", async () => {
  for (const [id, expected] of [
    ['with-auth', 'Bearer configured'],
    ['no-auth', 'Bearer from-client'],
  ] as const) {
    const from = fleet.recorder.authorizations.length;
    const via = await connect(h.url(id), { authorization: 'Bearer from-client' });
    await via.client.listTools();
    await disconnect(via);
    const seen = fleet.recorder.authorizations.slice(from);
    assert.ok(seen.length > 0);
    assert.deepEqual(new Set(seen), new Set([expected]), `${id}: ${JSON.stringify(seen)}`);
  }
});
