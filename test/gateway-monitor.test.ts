import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startEverythingHttp } from './helpers/everything.js';
import { startHarness, waitFor } from './helpers/harness.js';

test('through the monitor: /mcp/<id> proxies real traffic into the endpoint table, the grid and /metrics', async () => {
  const upstream = await startEverythingHttp();
  const h = await startHarness({
    listen: true,
    settings: { api_token: 'gateway-token-123', gateway_max_body_bytes: 4096 },
  });
  const auth = { authorization: 'Bearer gateway-token-123' };
  try {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      headers: auth,
      payload: {
        name: 'everything',
        transport: 'streamable-http',
        url: upstream.url,
        health_check_interval: 3600,
      },
    });
    assert.equal(res.statusCode, 201);
    const refused = await fetch(`${h.url}/mcp/everything`, { method: 'POST', body: '{}' });
    assert.equal(refused.status, 401);
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { message: 'x'.repeat(8000) } },
    });
    const tooBig = await fetch(`${h.url}/mcp/everything`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: big,
    });
    assert.equal(tooBig.status, 413, 'gateway_max_body_bytes is the limit');

    const client = new Client(
      { name: 'e2e-client', version: '3.1' },
      { versionNegotiation: { mode: 'auto' } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.url}/mcp/everything`), {
        requestInit: { headers: auth },
      }),
    );
    for (let i = 0; i < 10; i++) await client.callTool({ name: 'echo', arguments: { message: `m${i}` } });
    const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    assert.match(JSON.stringify(sum.content), /42/);
    await waitFor('the session counted', () => h.monitor.activeConnections('everything') >= 1);
    const server = (
      await h.app.inject({ method: 'GET', url: '/api/v1/servers/everything', headers: auth })
    ).json();
    assert.ok(server.active_connections >= 1);
    await client.close();

    assert.equal((await h.monitor.aggregator.flush()).ok, true);
    const now = Date.now();
    const table = (
      await h.app.inject({
        method: 'GET',
        url: `/api/v1/servers/everything/endpoints?from=${now - 600_000}&to=${now + 60_000}`,
        headers: auth,
      })
    ).json();
    const echo = table.endpoints.find((e: { endpoint: string }) => e.endpoint === 'tools/call:echo');
    assert.equal(echo?.requests, 10, JSON.stringify(table.endpoints));
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics', headers: auth });
    assert.match(
      metrics.body,
      /mcp_health_requests_total\{server="everything",mcp_method_name="tools\/call",gen_ai_tool_name="echo"\} 10/,
    );
    assert.equal((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
    assert.ok(!h.logLines.join('\n').includes('gateway-token-123'));
  } finally {
    await h.destroy();
    await upstream.stop();
  }
});
