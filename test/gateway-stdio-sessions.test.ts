/**
 * Issue 18 point 4: sixteen clients of one stdio server through the gateway work out of the box
 * (most never send DELETE), and at the limit a new client ends the least recently used idle
 * session instead of being locked out.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startHarness, type Harness } from './helpers/harness.js';
import { connect, type Connected } from './fixtures/gateway/gateway-harness.js';

const fixture = fileURLToPath(new URL('./fixtures/sdk-servers/legacy-stdio-server.mjs', import.meta.url));
let h: Harness;

before(async () => {
  h = await startHarness({ listen: true });
  const made = await h.app.inject({
    method: 'POST',
    url: '/api/v1/servers',
    payload: {
      name: 'tools',
      transport: 'stdio',
      command: process.execPath,
      args: [fixture],
      health_check_interval: 60,
    },
  });
  assert.equal(made.statusCode, 201, made.body);
});
after(() => h.destroy());

test('sixteen concurrent clients, none of which says goodbye, then sixteen more: all served', async () => {
  const clients: Connected[] = [];
  for (const round of [1, 2]) {
    const batch = await Promise.all(
      Array.from({ length: 16 }, () => connect(`${h.url}/mcp/tools`, {}, { legacy: true })),
    );
    const listed = await Promise.all(batch.map((c) => c.client.listTools()));
    assert.ok(
      listed.every((l) => l.tools[0]?.name === 'noop'),
      `round ${round}`,
    );
    clients.push(...batch);
  }
  assert.equal(h.monitor.activeConnections('tools') >= 32, true);
  await Promise.all(clients.map((c) => c.client.close())); // no DELETE, as most clients
});

test('at gateway_max_stdio_sessions, a new client ends the least recently used idle session', async () => {
  const small = await startHarness({ listen: true, settings: { gateway_max_stdio_sessions: 2 } });
  try {
    await small.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      payload: {
        name: 'tools',
        transport: 'stdio',
        command: process.execPath,
        args: [fixture],
        health_check_interval: 60,
      },
    });
    const url = `${small.url}/mcp/tools`;
    const first = await connect(url, {}, { legacy: true });
    const second = await connect(url, {}, { legacy: true });
    await second.client.listTools(); // the first is now the least recently used
    const third = await connect(url, {}, { legacy: true });
    assert.equal((await third.client.listTools()).tools.length, 1);
    assert.equal((await second.client.listTools()).tools.length, 1, 'the more recent session lives on');
    await assert.rejects(first.client.listTools(), 'the least recently used one was ended');
    assert.ok(small.logLines.some((l) => l.includes('ending the least recently used idle session')));
    await Promise.all([first, second, third].map((c) => c.client.close().catch(() => undefined)));
  } finally {
    await small.destroy();
  }
});
