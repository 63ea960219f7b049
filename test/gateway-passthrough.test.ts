/**
 * The gateway passes Streamable HTTP through at the HTTP level: an upstream's HTTP errors reach
 * the client with their status and headers (a loopback server scripted to answer 401, 403,
 * 404, 5xx), and a GET with Last-Event-ID reaches the upstream, so server-everything's own
 * event store resumes a broken stream through the gateway.
 * Run: node scripts/test.mjs test/gateway-passthrough.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEverythingHttp, type EverythingHttp } from './helpers/everything.js';
import {
  connect,
  disconnect,
  rawPost,
  serverRecord,
  startGateway,
  waitFor,
  type GatewayHarness,
} from './fixtures/gateway/gateway-harness.js';
import { startScriptedHttpServer, type ScriptedHttpServer } from './fixtures/gateway/scripted-http-server.js';
import { httpSpec } from './fixtures/gateway/upstream-fleet.js';

let scripted: ScriptedHttpServer;
let everything: EverythingHttp;
let h: GatewayHarness;

before(async () => {
  [scripted, everything] = await Promise.all([startScriptedHttpServer(), startEverythingHttp()]);
  h = await startGateway([
    serverRecord('scripted', httpSpec(scripted.url)),
    serverRecord('everything', httpSpec(everything.url)),
  ]);
});

after(async () => {
  await h.close();
  await Promise.all([scripted.close(), everything.stop()]);
});

const initialize = (id: number | string): string =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });

test('an upstream HTTP error reaches the client as that HTTP error, with its headers and body', async () => {
  const challenge =
    'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource", scope="mcp:tools"';
  scripted.answer(() => ({
    status: 401,
    headers: { 'content-type': 'application/json', 'www-authenticate': challenge },
    body: JSON.stringify({ error: 'invalid_token' }),
  }));
  const from = h.events.length;
  const reply = await rawPost(h.url('scripted'), initialize(1), { authorization: 'Bearer client-token' });
  assert.equal(reply.status, 401);
  assert.equal(reply.headers.get('www-authenticate'), challenge);
  assert.deepEqual(reply.messages, [{ error: 'invalid_token' }]);
  assert.equal(scripted.requests.at(-1)?.headers.authorization, 'Bearer client-token');
  const event = h.eventsOf('scripted', from)[0];
  assert.equal(event?.outcome, 'transport_error');
  assert.match(event?.errorMessage ?? '', /HTTP 401/);
  await assert.rejects(connect(h.url('scripted')), /401|unauthori[sz]ed/i, 'the SDK client sees a 401');

  const rpcError = JSON.stringify({ jsonrpc: '2.0', id: 2, error: { code: -32099, message: 'overloaded' } });
  for (const [status, headers, body] of [
    [403, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer error="insufficient_scope"' }, 'no'],
    [503, { 'content-type': 'application/json', 'retry-after': '7' }, rpcError],
    [502, { 'content-type': 'text/html' }, '<h1>bad gateway</h1>'],
  ] as const) {
    scripted.answer(() => ({ status, headers, body }));
    const before = h.events.length;
    const response = await fetch(h.url('scripted'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: initialize(2),
    });
    assert.equal(response.status, status);
    assert.equal(await response.text(), body, `${status}: the body came through unchanged`);
    for (const [name, value] of Object.entries(headers))
      assert.equal(response.headers.get(name), value, `${status}: ${name}`);
    const failed = h.eventsOf('scripted', before)[0];
    if (status === 503) {
      assert.equal(failed?.outcome, 'error', 'a JSON-RPC error body is the server answering');
      assert.equal(failed?.errorCode, -32099);
    } else assert.equal(failed?.outcome, 'transport_error');
  }
});

test("the upstream's 404 for its session passes through and ends the gateway session", async () => {
  scripted.answer(({ body }) => {
    if (body.includes('"initialize"'))
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'mcp-session-id': 'upstream-7' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          result: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            serverInfo: { name: 's', version: '1' },
          },
        }),
      };
    return {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32001, message: 'Session not found' },
      }),
    };
  });
  const opened = await rawPost(h.url('scripted'), initialize(1));
  assert.equal(opened.status, 200);
  const sessionId = opened.headers.get('mcp-session-id') ?? '';
  assert.ok(sessionId !== '' && sessionId !== 'upstream-7', 'the client gets the gateway session id');
  const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
  const gone = await rawPost(h.url('scripted'), list, headers);
  assert.equal(gone.status, 404);
  assert.equal(scripted.requests.at(-1)?.headers['mcp-session-id'], 'upstream-7');
  const forwarded = scripted.requests.length;
  await waitFor('the gateway session to end', () => h.gateway.activeConnections('scripted') === 0);
  const again = await rawPost(h.url('scripted'), list, headers);
  assert.equal(again.status, 404);
  assert.equal(scripted.requests.length, forwarded, 'the gateway answered itself: the session is gone');
});

test('a pooled connection the upstream closed is retried once on a fresh one', async () => {
  const pong = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, result: {} });
  scripted.answer(({ body }) => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: pong((JSON.parse(body) as { id: number }).id),
  }));
  const ping = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });
  assert.equal((await rawPost(h.url('scripted'), ping(1))).status, 200, 'a pooled connection now exists');
  scripted.dropReused = true;
  try {
    const reply = await rawPost(h.url('scripted'), ping(2));
    assert.equal(scripted.dropped, 1, 'the request went out on the pooled connection first');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.messages, [JSON.parse(pong(2))]);
  } finally {
    scripted.dropReused = false;
  }
});

test("a POST's SSE answer ends with its last response, even when the upstream leaves the stream open", async () => {
  const sse = (...messages: object[]) =>
    messages.map((m) => `event: message\ndata: ${JSON.stringify(m)}\n\n`).join('');
  scripted.answer(({ body }) => {
    const { id } = JSON.parse(body) as { id: number };
    const progress = {
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { level: 'info', data: 'x' },
    };
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: sse(progress, { jsonrpc: '2.0', id, result: {} }),
      open: true,
    };
  });
  const from = h.events.length;
  const reply = await rawPost(h.url('scripted'), JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping' }));
  assert.equal(reply.status, 200);
  assert.equal(reply.headers.get('content-type'), 'text/event-stream');
  assert.ok(Number(reply.headers.get('content-length')) > 0, 'a whole answer in one chunk is sized');
  assert.deepEqual(
    reply.messages.map(
      (m) => (m as { id?: number; method?: string }).id ?? (m as { method?: string }).method,
    ),
    ['notifications/message', 7],
    'the notification before the response, then the response; the answer then ended',
  );
  await waitFor('the request event', () => h.eventsOf('scripted', from).length === 1);
  assert.equal(h.eventsOf('scripted', from)[0]?.outcome, 'ok');
});

interface SseEvent {
  id: string | undefined;
  data: string;
}

/** Reads SSE events from `body` until `enough` says so (or the stream ends). */
async function readEvents(
  body: ReadableStream<Uint8Array> | null,
  enough: (events: SseEvent[]) => boolean,
): Promise<SseEvent[]> {
  assert.ok(body !== null);
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let text = '';
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) !== -1) {
      const block = text.slice(0, end).split('\n');
      text = text.slice(end + 2);
      const id = block
        .find((l) => l.startsWith('id:'))
        ?.slice(3)
        .trim();
      const data = block
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      events.push({ id, data });
    }
  }
  await reader.cancel().catch(() => undefined);
  return events;
}

const progressOf = (events: SseEvent[]): number[] =>
  events.flatMap((e) => {
    const m = /"method":"notifications\/progress".*"progress":(\d+)/.exec(e.data);
    return m?.[1] === undefined ? [] : [Number(m[1])];
  });

test('Last-Event-ID reaches the upstream: a broken stream resumes through the gateway', async () => {
  const via = await connect(h.url('everything'), {}, { legacy: true });
  try {
    const headers = {
      'mcp-session-id': via.transport.sessionId ?? '',
      'mcp-protocol-version': '2025-11-25',
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const from = h.events.length;
    const call = {
      jsonrpc: '2.0',
      id: 'resume-1',
      method: 'tools/call',
      params: {
        name: 'trigger-long-running-operation',
        arguments: { duration: 0.8, steps: 4 },
        _meta: { progressToken: 'resume-token' },
      },
    };
    const broken = new AbortController();
    const post = await fetch(h.url('everything'), {
      method: 'POST',
      headers,
      body: JSON.stringify(call),
      signal: broken.signal,
    });
    assert.equal(post.status, 200);
    const seen = await readEvents(post.body, (events) => progressOf(events).length >= 1);
    broken.abort();
    const lastEventId = seen.findLast((e) => e.id !== undefined)?.id;
    assert.ok(lastEventId !== undefined, 'server-everything numbers its events (it has an event store)');
    // The answer is stored upstream meanwhile (the gateway sees it go by and records it).
    await waitFor('the call to finish upstream', () =>
      h.eventsOf('everything', from).some((e) => e.endpoint === 'tools/call:trigger-long-running-operation'),
    );
    const resumed = await fetch(h.url('everything'), {
      method: 'GET',
      headers: { ...headers, accept: 'text/event-stream', 'last-event-id': lastEventId },
    });
    assert.equal(resumed.status, 200);
    const rest = await readEvents(resumed.body, (events) =>
      events.some((e) => e.data.includes('"id":"resume-1"') && e.data.includes('"result"')),
    );
    const answer = rest.find((e) => e.data.includes('"id":"resume-1"'));
    assert.match(answer?.data ?? '', /completed/, 'the replayed stream carries the answer');
    const before = progressOf(seen);
    const after = progressOf(rest);
    assert.ok(after.length > 0, 'the progress after the break was replayed');
    assert.ok(Math.min(...after) > Math.max(...before), JSON.stringify({ before, after }));
    const event = h.eventsOf('everything', from).find((e) => e.requestId === 'resume-1');
    assert.equal(event?.outcome, 'ok');
  } finally {
    await disconnect(via);
  }
});
