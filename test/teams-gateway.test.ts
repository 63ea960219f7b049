/**
 * Issue 15 point 3: MCP clients reach /mcp/<server> with a gateway token scoped to that server
 * (a real server-everything behind the gateway); the api_token is never needed, a token of other
 * servers gets 403, and the monitor's token never reaches the upstream. With no authentication
 * configured, the client's own Authorization header goes through to the server as before.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startEverythingHttp, type EverythingHttp } from './helpers/everything.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import { addUser, admin, BOOTSTRAP, tokenFor } from './helpers/teams.js';

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
});
const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** An upstream that records the headers it gets and answers 401, as a server with its own auth would. */
async function recordingUpstream(): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"own auth"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/mcp`, seen, server };
}

for (const kind of await storeKinds()) {
  describe(`the gateway with users (${kind})`, () => {
    let h: Harness;
    let upstream: EverythingHttp;
    let recorder: Awaited<ReturnType<typeof recordingUpstream>>;
    before(async () => {
      [upstream, recorder] = await Promise.all([startEverythingHttp(), recordingUpstream()]);
      h = await startHarness({ kind, settings: { api_token: BOOTSTRAP }, listen: true });
      for (const [name, url] of [
        ['everything', upstream.url],
        ['other', recorder.url],
      ] as const) {
        const r = await h.app.inject({
          method: 'POST',
          url: '/api/v1/servers',
          headers: admin,
          payload: { name, transport: 'streamable-http', url, health_check_interval: 3600 },
        });
        assert.equal(r.statusCode, 201, r.body);
      }
      await addUser(h, 'claude-desktop', 'viewer');
      await addUser(h, 'ops', 'operator');
    });
    after(async () => {
      await h.destroy();
      await upstream.stop();
      recorder.server.close();
    });

    const post = (server: string, token?: string) =>
      fetch(`${h.url}/mcp/${server}`, {
        method: 'POST',
        headers: { ...mcpHeaders, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: initialize,
      });

    test('a token scoped to the server: a real MCP client calls tools through the gateway', async () => {
      const { token } = await tokenFor(h, 'claude-desktop', { servers: ['everything'] });
      const client = new Client(
        { name: 'scoped-client', version: '1.0' },
        { versionNegotiation: { mode: 'auto' } },
      );
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${h.url}/mcp/everything`), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
      assert.match(JSON.stringify(sum.content), /42/);
      await client.close();
      assert.equal((await post('other', token)).status, 403, 'not its server');
      assert.equal((await post('%6Fther', token)).status, 403, 'not its server, however spelt');
      const api = await fetch(`${h.url}/api/v1/servers`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(api.status, 403, 'a gateway token is not an API token');
    });

    test('without a token 401; an unscoped token needs the operator role; a revoked one stops', async () => {
      assert.equal((await post('everything')).status, 401);
      assert.equal((await post('everything', 'mhp_not-a-real-token')).status, 401);
      const viewer = await tokenFor(h, 'claude-desktop');
      assert.equal((await post('everything', viewer.token)).status, 403);
      const operator = await tokenFor(h, 'ops');
      assert.equal((await post('everything', operator.token)).status, 200);
      const scoped = await tokenFor(h, 'claude-desktop', { servers: ['everything'] });
      assert.equal((await post('everything', scoped.token)).status, 200);
      const revoke = await h.app.inject({
        method: 'DELETE',
        url: `/api/v1/tokens/${scoped.id}`,
        headers: admin,
      });
      assert.equal(revoke.statusCode, 204);
      assert.equal((await post('everything', scoped.token)).status, 401);
    });

    test("the monitor's token never reaches the upstream", async () => {
      const { token } = await tokenFor(h, 'ops', { servers: ['other'] });
      recorder.seen.length = 0;
      const r = await post('other', token);
      assert.equal(r.status, 401, 'the upstream answers with its own auth');
      assert.ok(recorder.seen.length > 0);
      for (const headers of recorder.seen) assert.equal(headers.authorization, undefined);
    });
  });
}

describe('the gateway with no authentication configured', () => {
  let h: Harness;
  let recorder: Awaited<ReturnType<typeof recordingUpstream>>;
  before(async () => {
    recorder = await recordingUpstream();
    h = await startHarness({ listen: true });
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      payload: {
        name: 'own-auth',
        transport: 'streamable-http',
        url: recorder.url,
        health_check_interval: 3600,
      },
    });
    assert.equal(r.statusCode, 201, r.body);
  });
  after(async () => {
    await h.destroy();
    recorder.server.close();
  });

  test("the client's own Authorization header goes through to the server", async () => {
    recorder.seen.length = 0;
    const r = await fetch(`${h.url}/mcp/own-auth`, {
      method: 'POST',
      headers: { ...mcpHeaders, authorization: 'Bearer the-servers-own-token' },
      body: initialize,
    });
    assert.equal(r.status, 401);
    assert.ok(
      recorder.seen.some((s) => s.authorization === 'Bearer the-servers-own-token'),
      JSON.stringify(recorder.seen),
    );
  });
});
