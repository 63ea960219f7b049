import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everythingEntry } from './helpers/everything.js';
import { startHarness, waitFor } from './helpers/harness.js';

test('gauges: memory and CPU of a stdio child from /proc, connections for every server; "not available" otherwise', async () => {
  const h = await startHarness({});
  try {
    for (const payload of [
      {
        name: 'child',
        transport: 'stdio',
        command: process.execPath,
        args: [everythingEntry(), 'stdio'],
        health_check_interval: 3600,
      },
      {
        name: 'remote',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:9/mcp',
        health_check_interval: 3600,
      },
    ]) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/servers', payload });
      assert.equal(res.statusCode, 201, res.body);
    }
    await waitFor('the child running', () => h.monitor.checker.pidOf('child') !== undefined);
    // Sample once the child has answered its first probe: before that it is still loading.
    await waitFor('the child healthy', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/servers/child' });
      return res.json().status === 'healthy';
    });
    const t0 = Date.now();
    await h.monitor.gauges.sample(t0);
    await h.monitor.gauges.sample(t0 + 1000);
    const get = async (url: string) => (await h.app.inject({ method: 'GET', url })).json();
    const range = `from=${t0 - 60_000}&to=${t0 + 60_000}`;
    const memory = await get(`/api/v1/servers/child/metrics?metric=memory&${range}`);
    const rss = memory.points.find((p: { max: number | null }) => p.max !== null)?.max;
    assert.ok(rss > 5 * 1024 * 1024, `child RSS ${rss}`);
    const cpu = await get(`/api/v1/servers/child/metrics?metric=cpu&${range}`);
    assert.ok(
      cpu.points.some((p: { avg: number | null }) => p.avg !== null && p.avg >= 0),
      JSON.stringify(cpu.points),
    );
    const conns = await get(`/api/v1/servers/remote/metrics?metric=active_connections&${range}`);
    assert.ok(conns.points.some((p: { avg: number | null }) => p.avg === 0));
    const none = await get(`/api/v1/servers/remote/metrics?metric=memory&${range}`);
    assert.ok(
      none.points.every((p: { avg: number | null }) => p.avg === null),
      'no memory for an HTTP server without prometheus_url',
    );
  } finally {
    await h.destroy();
  }
});
