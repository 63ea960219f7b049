import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cliPath, serveConfig } from './helpers/cli.js';
import { waitFor } from './helpers/harness.js';

test('kill -9 during traffic loses at most the unflushed interval; a restart continues the series', async () => {
  const { file, base } = await serveConfig([
    'metrics_collection_interval: 1',
    'servers:',
    '  - { name: reported, transport: streamable-http, url: "http://127.0.0.1:9/mcp", health_check_interval: 3600 }',
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
  const send = async (n: number) => {
    const events = Array.from({ length: n }, (_, i) => ({
      server: 'reported',
      method: 'tools/call',
      endpoint: 'tools/call:echo',
      started_at: Date.now() - i,
      latency_ms: 5 + (i % 7),
      outcome: 'ok',
    }));
    const res = await fetch(`${base}/api/v1/ingest/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    assert.equal(res.status, 202);
  };
  const requests = async () => {
    const now = Date.now();
    const res = await fetch(
      `${base}/api/v1/servers/reported/endpoints?from=${now - 600_000}&to=${now + 60_000}`,
    );
    const body = (await res.json()) as { endpoints: { endpoint: string; requests: number }[] };
    return body.endpoints.find((e) => e.endpoint === 'tools/call:echo')?.requests ?? 0;
  };

  const first = await start();
  await send(100);
  await waitFor('the first batch flushed', async () => (await requests()) === 100, 10_000);
  await send(50);
  const exited = new Promise((r) => first.once('exit', r));
  first.kill('SIGKILL');
  await exited;

  const second = await start();
  try {
    const afterCrash = await requests();
    assert.ok(afterCrash >= 100 && afterCrash <= 150, `kept ${afterCrash} of 150`);
    await send(30);
    await waitFor('the series continues', async () => (await requests()) === afterCrash + 30, 10_000);
  } finally {
    const done = new Promise((r) => second.once('exit', r));
    second.kill('SIGTERM');
    await done;
  }
});
