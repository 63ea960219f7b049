/**
 * Issue 10, point 8: a hostile server must not be able to fill the monitor's memory, stall its
 * event loop or reach every dashboard through its answers. Real hostile servers (HTTP and stdio,
 * test/fixtures/hostile/) answer with 50 MB bodies, SSE events and lines, a 10 MB serverInfo and
 * 100,000 tools; checks and the gateway are watched with the event loop's delay, the memory
 * still held and the bytes the server got to write.
 * Run: node scripts/test.mjs test/attacks/hostile-upstream.test.ts
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { RequestEvent } from '../../src/model/request-event.js';
import { serverRecord, startGateway } from '../fixtures/gateway/gateway-harness.js';
import { httpSpec } from '../fixtures/gateway/upstream-fleet.js';
import { startHostileServer, type HostileOptions } from '../fixtures/hostile/hostile-http-server.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { digestOf, postStreamed, watchEventLoop, watchHeldMemory } from '../helpers/resources.js';
import { storeKinds } from '../helpers/stores.js';

const MB = 1024 * 1024;
const LIMIT_REASON = "the server's answer exceeded max_probe_response_bytes (1 MiB)";
const stdioFixture = fileURLToPath(new URL('../fixtures/hostile/hostile-stdio-server.mjs', import.meta.url));
const kinds = await storeKinds();

interface Checked {
  check: { ok: boolean; error: string | null };
  server: {
    server_info: { name: string; version: string } | null;
    capabilities: unknown;
    tool_count: number | null;
  };
}

for (const kind of kinds) {
  describe(`hostile upstreams (${kind})`, () => {
    let h: Harness;
    const closers: (() => Promise<void>)[] = [];
    const events: RequestEvent[] = [];

    before(async () => {
      h = await startHarness({ kind, listen: true, settings: { gateway_request_timeout: 30 } });
      const sink = h.monitor.sink;
      const record = sink.record.bind(sink);
      sink.record = (event) => {
        events.push(event);
        record(event);
      };
    });
    after(async () => {
      await h.destroy();
      for (const close of closers) await close();
    });

    const hostile = async (options: HostileOptions) => {
      const server = await startHostileServer(options);
      closers.push(() => server.close());
      return server;
    };
    const add = async (body: Record<string, unknown>): Promise<string> => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        // A generous timeout: the reason asserted is the limit's, whatever the machine's load.
        payload: { health_check_interval: 3600, health_check_timeout: 15, ...body },
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ id: string }>().id;
    };
    const addHttp = async (name: string, options: HostileOptions) =>
      add({ name, transport: 'streamable-http', url: (await hostile(options)).url });
    const check = async (id: string): Promise<Checked> => {
      const res = await h.app.inject({ method: 'POST', url: `/api/v1/servers/${id}/check` });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };

    test('a 50 MB answer to ping fails the check with the limit as its reason, and is not read', async () => {
      const server = await hostile({ answerBytes: 50 * MB });
      const id = await add({ name: 'huge ping', transport: 'streamable-http', url: server.url });
      const loop = watchEventLoop();
      const { check: c } = await check(id);
      assert.equal(c.ok, false);
      assert.equal(c.error, LIMIT_REASON);
      assert.ok(loop() < 1000, 'the event loop kept turning');
      // The server got to write what the socket buffers held when the check let go, not 50 MB.
      assert.ok(server.bytesWritten() < 20 * MB, `${server.bytesWritten()} bytes written`);
    });

    test('a 50 MB SSE event fails the check the same way, without being held', async () => {
      const id = await addHttp('huge sse ping', { answerBytes: 50 * MB, sse: true });
      const loop = watchEventLoop();
      const held = watchHeldMemory();
      const { check: c } = await check(id);
      assert.equal(c.ok, false);
      assert.equal(c.error, LIMIT_REASON);
      const heldMb = held() / MB;
      assert.ok(heldMb < 30, `the event was read past, not gathered: ${heldMb.toFixed(1)} MB held`);
      assert.ok(loop() < 1000, 'the event loop kept turning');
    });

    test('a 10 MB serverInfo fails the check; a 100 KB one is cut, in the store and on the live feed', async () => {
      const huge = await addHttp('huge info', { serverInfoChars: 10 * MB });
      assert.equal((await check(huge)).check.error, LIMIT_REASON);

      const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/live`);
      const sizes: number[] = [];
      ws.on('message', (data: Buffer) => sizes.push(data.length));
      await waitFor('snapshot', () => sizes.length > 0);
      const id = await addHttp('long info', { serverInfoChars: 100_000, capabilitiesBytes: 100_000 });
      const { check: c, server } = await check(id);
      assert.equal(c.ok, true, c.error ?? '');
      const info = server.server_info;
      assert.equal(info?.name.length, 200);
      assert.ok(info.name.endsWith('…') && info.version.endsWith('…'));
      assert.deepEqual(server.capabilities, { tools: {}, experimental: {} }, 'over 16 KiB: only their names');
      const row = await h.monitor.store.db
        .selectFrom('servers')
        .select(['server_info', 'capabilities'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.ok(
        (row.server_info ?? '').length < 1024 && (row.capabilities ?? '').length < 1024,
        'stored small',
      );
      await waitFor('the server on the live feed', () => sizes.length > 2);
      ws.close();
      assert.ok(Math.max(...sizes) < 64 * 1024, `live messages of ${Math.max(...sizes)} bytes`);
    });

    test('100,000 tools are counted up to 10,000, without stalling the event loop', async () => {
      const paged = await addHttp('many tools paged', { tools: 100_000, pageSize: 5_000 });
      const onePage = await addHttp('many tools one page', { tools: 100_000 });
      const loop = watchEventLoop();
      const a = await check(paged);
      const b = await check(onePage);
      assert.ok(loop() < 1000, 'the event loop kept turning');
      assert.equal(a.check.ok, true, a.check.error ?? '');
      assert.equal(a.server.tool_count, 10_000);
      // Its one page is over the limit: the server is healthy, its tools uncounted, and the log says why.
      assert.equal(b.check.ok, true, b.check.error ?? '');
      assert.equal(b.server.tool_count, null);
      assert.ok(
        h.monitor.checker.recentLogs(onePage).some((l) => l.line === `tools not counted: ${LIMIT_REASON}`),
      );
    });

    test('a stdio server printing a 50 MB line fails the check at once with the limit as its reason', async () => {
      const id = await add({
        name: 'huge stdio line',
        transport: 'stdio',
        command: process.execPath,
        args: [stdioFixture, '--line-bytes', String(50 * MB)],
      });
      const held = watchHeldMemory();
      const { check: c } = await check(id);
      assert.equal(c.ok, false);
      assert.equal(c.error, LIMIT_REASON, 'the line is refused, not waited for until the timeout');
      const heldMb = held() / MB;
      assert.ok(heldMb < 30, `the line was read past, not gathered: ${heldMb.toFixed(1)} MB held`);
    });

    test('the gateway streams a 50 MB answer to its client intact, without holding it', async () => {
      const server = await hostile({ answerBytes: 50 * MB });
      const id = await add({ name: 'huge tool', transport: 'streamable-http', url: server.url });
      const call = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'big' } });
      const from = events.length;
      let writtenAtFirstByte = 0;
      const held = watchHeldMemory();
      const loop = watchEventLoop();
      const reply = await postStreamed(
        `${h.url}/mcp/${id}`,
        call,
        () => (writtenAtFirstByte = server.bytesWritten()),
      );
      assert.ok(loop() < 1000, 'the event loop kept turning');
      const heldMb = held() / MB;
      assert.ok(heldMb < 30, `the answer was not gathered: ${heldMb.toFixed(1)} MB held`);
      assert.equal(reply.status, 200);
      const expected = digestOf([
        '{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"',
        50 * MB,
        '"}],"isError":false}}',
      ]);
      assert.deepEqual({ sha256: reply.sha256, bytes: reply.bytes }, expected, 'the answer arrived intact');
      assert.ok(writtenAtFirstByte < 25 * MB, 'its first bytes left before the server had written it all');
      const event = await waitFor('the request event', () =>
        events.slice(from).find((e) => e.serverId === id),
      );
      assert.equal(event.outcome, 'ok');
      assert.equal(event.bytesOut, expected.bytes);
    });

    test('a 20 MB SSE tool error through the gateway arrives intact and is classified as one', async () => {
      const id = await addHttp('huge tool error', { answerBytes: 20 * MB, sse: true, toolError: true });
      const call = JSON.stringify({
        jsonrpc: '2.0',
        id: 'c1',
        method: 'tools/call',
        params: { name: 'big' },
      });
      const from = events.length;
      const held = watchHeldMemory();
      const reply = await postStreamed(`${h.url}/mcp/${id}`, call);
      const heldMb = held() / MB;
      assert.ok(heldMb < 30, `the event was not gathered: ${heldMb.toFixed(1)} MB held`);
      const expected = digestOf([
        'event: message\ndata: {"jsonrpc":"2.0","id":"c1","result":{"content":[{"type":"text","text":"',
        20 * MB,
        '"}],"isError":true}}\n\n',
      ]);
      assert.deepEqual({ sha256: reply.sha256, bytes: reply.bytes }, expected);
      const event = await waitFor('the request event', () =>
        events.slice(from).find((e) => e.serverId === id),
      );
      assert.equal(event.outcome, 'tool_error');
      assert.equal(event.errorMessage, 'x'.repeat(1024), 'its text, cut as any tool error text is');
    });

    test("a stdio server's 50 MB line through the gateway: the client gets a JSON-RPC error naming the limit", async () => {
      const id = await add({
        name: 'huge stdio tool',
        transport: 'stdio',
        command: process.execPath,
        args: [stdioFixture, '--line-bytes', String(50 * MB)],
      });
      const call = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'big' } });
      const held = watchHeldMemory();
      const reply = await postStreamed(`${h.url}/mcp/${id}`, call);
      const heldMb = held() / MB;
      assert.ok(heldMb < 30, `the line was read past, not gathered: ${heldMb.toFixed(1)} MB held`);
      assert.ok(reply.bytes < 4096, `${reply.bytes} bytes answered`);
      const data =
        reply.head
          .split('\n')
          .find((l) => l.startsWith('data: '))
          ?.slice(6) ?? reply.head;
      const answer = JSON.parse(data) as { id: number; error?: { message: string } };
      assert.equal(answer.id, 3);
      assert.equal(answer.error?.message, "the server's answer exceeded gateway_max_message_bytes (16 MiB)");
    });
  });
}

test('a gateway timeout: before the body, the client gets a timeout error; mid-body, its connection is dropped', async () => {
  const before = await startHostileServer({ stall: 'before-body' });
  const mid = await startHostileServer({ stall: 'mid-body' });
  const g = await startGateway(
    [serverRecord('stalls-before', httpSpec(before.url)), serverRecord('stalls-mid', httpSpec(mid.url))],
    { requestTimeoutMs: 300 },
  );
  const call = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'big' } });
  const post = (id: string) =>
    new Promise<{ body: string; dropped: boolean }>((resolve) => {
      const req = request(g.url(id), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      });
      let body = '';
      req.once('error', () => resolve({ body, dropped: true }));
      req.once('response', (res) => {
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.once('end', () => resolve({ body, dropped: false }));
        res.once('error', () => resolve({ body, dropped: true }));
        res.once('aborted', () => resolve({ body, dropped: true }));
      });
      req.end(call);
    });
  try {
    const early = await post('stalls-before');
    assert.equal(early.dropped, false);
    assert.match(
      early.body,
      /"code":-32001,"message":"Request timed out: the upstream server did not answer tools\/call/,
    );
    const late = await post('stalls-mid');
    assert.equal(late.dropped, true, 'a body cut short must not look whole');
    assert.equal(g.eventsOf('stalls-mid')[0]?.outcome, 'timeout');
  } finally {
    await g.close();
    await Promise.all([before.close(), mid.close()]);
  }
});
