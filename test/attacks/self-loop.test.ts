/**
 * Issue 10, point 10: a server whose URL points back at the monitor's own gateway made every
 * request forward itself again (19,000 sockets, EMFILE). Every request the monitor sends
 * upstream carries its Via entry; the gateway answers one that comes back with HTTP 508 at once,
 * and the check records why.
 * Run: node scripts/test.mjs test/attacks/self-loop.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startHeaderRecordingServer } from '../fixtures/gateway/header-recording-server.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { openSockets } from '../helpers/resources.js';
import { storeKinds } from '../helpers/stores.js';

const kinds = await storeKinds();

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'loop-test', version: '1' },
  },
});

const loopMessage = (from: string, to: string): string =>
  `this request already passed through this monitor: server ${from}'s URL points back at the monitor's own gateway (/mcp/${to})`;

for (const kind of kinds) {
  describe(`self-loops (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ kind, listen: true, settings: { gateway_request_timeout: 10 } });
    });
    after(async () => {
      await h.destroy();
    });

    const add = async (name: string, url: string): Promise<string> => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: { name, transport: 'streamable-http', url, health_check_interval: 3600 },
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ id: string }>().id;
    };
    const check = async (id: string) => {
      const res = await h.app.inject({ method: 'POST', url: `/api/v1/servers/${id}/check` });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{
        check: { ok: boolean; error: string | null };
        server: { last_error: string | null };
      }>();
    };
    const post = (id: string, headers: Record<string, string> = {}) =>
      fetch(`${h.url}/mcp/${id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: initialize,
      });

    test('a server whose URL is its own gateway address: 508 at the first hop back, the check names the loop', async () => {
      const sockets = openSockets();
      const id = await add('loop', `${h.url}/mcp/loop`);
      assert.equal(id, 'loop');
      const { check: c, server } = await check(id);
      assert.equal(c.ok, false);
      assert.equal(c.error, `HTTP 508: Loop Detected — ${loopMessage('loop', 'loop')}`);
      assert.equal(server.last_error, c.error);

      const reply = await post(id);
      assert.equal(reply.status, 508);
      const body = (await reply.json()) as { jsonrpc: string; error: { code: number; message: string } };
      assert.equal(body.jsonrpc, '2.0');
      assert.equal(body.error.message, loopMessage('loop', 'loop'));
      assert.ok(openSockets() - sockets < 20, `${openSockets() - sockets} more sockets open`);
    });

    test('two servers pointing at each other: refused when the request first comes back', async () => {
      const sockets = openSockets();
      await add('ping', `${h.url}/mcp/pong`);
      await add('pong', `${h.url}/mcp/ping`);
      const { check: c } = await check('ping');
      assert.equal(c.error, `HTTP 508: Loop Detected — ${loopMessage('ping', 'pong')}`);
      const reply = await post('ping');
      assert.equal(reply.status, 508);
      assert.equal(
        ((await reply.json()) as { error: { message: string } }).error.message,
        loopMessage('ping', 'pong'),
      );
      assert.ok(openSockets() - sockets < 20, `${openSockets() - sockets} more sockets open`);
    });

    test("a request that came through another monitor's gateway is forwarded, with this monitor's Via after it", async () => {
      const upstream = await startHeaderRecordingServer();
      try {
        const id = await add('recorded', upstream.url);
        const reply = await post(id, { via: '1.1 mcp-health-0123456789abcdef (server elsewhere)' });
        assert.equal(reply.status, 200);
        await reply.body?.cancel();
        const via = upstream.vias.at(-1) ?? '';
        assert.match(
          via,
          /^1\.1 mcp-health-0123456789abcdef \(server elsewhere\), 1\.1 mcp-health-[0-9a-f]{16} \(server recorded\)$/,
        );
        // The checks carry it too.
        assert.equal((await check(id)).check.ok, true);
        assert.ok(upstream.vias.every((v) => v?.includes('(server recorded)') === true));
      } finally {
        await upstream.close();
      }
    });
  });
}
