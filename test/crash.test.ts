/**
 * Issue 18 point 2: acknowledged means kept. kill -9 under load loses no ingest event that was
 * answered 202 and at most the last second of gateway traffic; a restart replays the journal
 * and the series continues, nothing counted twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cliPath, serveConfig } from './helpers/cli.js';
import { waitFor } from './helpers/harness.js';
import { connect } from './fixtures/gateway/gateway-harness.js';
import { startModernServer } from './fixtures/sdk-servers/modern-http-server.js';

test('kill -9 under load: every acknowledged ingest event kept, at most the last second of gateway traffic lost, nothing twice', async () => {
  const upstream = await startModernServer();
  const { file, base } = await serveConfig([
    'metrics_collection_interval: 2',
    'servers:',
    '  - { name: reported, transport: streamable-http, url: "http://127.0.0.1:9/mcp", health_check_interval: 3600 }',
    `  - { name: proxied, transport: streamable-http, url: "${upstream.url}", health_check_interval: 3600 }`,
  ]);
  const start = async (): Promise<ChildProcess> => {
    const proc = spawn(process.execPath, ['--import', 'tsx', cliPath, 'serve', '--config', file], {
      stdio: 'ignore',
    });
    await waitFor(
      'the monitor up',
      async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok,
      30_000,
    );
    return proc;
  };
  const count = async (server: string, endpoint: string) => {
    const now = Date.now();
    const res = await fetch(
      `${base}/api/v1/servers/${server}/endpoints?from=${now - 600_000}&to=${now + 60_000}`,
    );
    const body = (await res.json()) as { endpoints: { endpoint: string; requests: number }[] };
    return body.endpoints.find((e) => e.endpoint === endpoint)?.requests ?? 0;
  };

  const first = await start();
  let acknowledged = 0;
  let sent = 0;
  let running = true;
  const ingest = async () => {
    while (running) {
      const events = Array.from({ length: 50 }, (_, i) => ({
        server: 'reported',
        method: 'tools/call',
        endpoint: 'tools/call:echo',
        started_at: Date.now() - i,
        latency_ms: 5 + (i % 7),
        outcome: 'ok',
      }));
      sent += events.length;
      const res = await fetch(`${base}/api/v1/ingest/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      }).catch(() => undefined);
      if (res?.status === 202) acknowledged += events.length;
    }
  };
  const calls: number[] = []; // when each gateway call was answered
  const gateway = async () => {
    const client = await connect(`${base}/mcp/proxied`);
    while (running) {
      try {
        await client.client.callTool({ name: 'echo', arguments: { text: 'x' } });
        calls.push(Date.now());
      } catch {
        return;
      }
    }
  };
  const load = [ingest(), ingest(), gateway(), gateway()];
  await new Promise((r) => setTimeout(r, 3500));
  const exited = new Promise((r) => first.once('exit', r));
  const killedAt = Date.now();
  first.kill('SIGKILL');
  await exited;
  running = false;
  await Promise.allSettled(load);
  assert.ok(acknowledged > 500, `acknowledged ${acknowledged}`);

  const second = await start();
  try {
    // Replayed at start and flushed within an interval; never more than was sent.
    await waitFor(
      'every acknowledged event stored',
      async () => (await count('reported', 'tools/call:echo')) >= acknowledged,
      15_000,
    );
    const kept = await count('reported', 'tools/call:echo');
    assert.ok(kept <= sent, `kept ${kept} of ${sent} sent: nothing counted twice`);
    const answeredBefore = calls.filter((t) => t <= killedAt - 1000).length;
    const gatewayKept = await count('proxied', 'tools/call:echo');
    assert.ok(
      gatewayKept >= answeredBefore,
      `gateway: ${gatewayKept} kept, ${answeredBefore} answered more than 1 s before the kill`,
    );
    assert.ok(gatewayKept <= calls.length + 2, `gateway: ${gatewayKept} kept of ${calls.length}`);
    // The series continues, each event once.
    const res = await fetch(`${base}/api/v1/ingest/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        events: Array.from({ length: 30 }, () => ({
          server: 'reported',
          method: 'tools/call',
          endpoint: 'tools/call:echo',
          started_at: Date.now(),
          latency_ms: 3,
          outcome: 'ok',
        })),
      }),
    });
    assert.equal(res.status, 202);
    await waitFor(
      'the series continues',
      async () => (await count('reported', 'tools/call:echo')) === kept + 30,
      10_000,
    );
  } finally {
    const done = new Promise((r) => second.once('exit', r));
    second.kill('SIGTERM');
    await done;
    await upstream.close();
  }
});
