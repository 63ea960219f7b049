/**
 * Issue 18 point 1: a signal stops `serve` within 5 s whatever clients hold open (a gateway SSE
 * stream, a live WebSocket), records no status change while stopping (Ctrl-C reaches the stdio
 * servers too, as in a terminal), and a log output that stalls or goes away neither freezes the
 * monitor nor keeps it from stopping.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { cliPath, serveConfig } from './helpers/cli.js';
import { everythingEntry } from './helpers/everything.js';
import { waitFor } from './helpers/harness.js';
import { startLegacyHttpServer, type LegacyServerHandle } from './fixtures/sdk-servers/legacy-http-server.js';

const DEADLINE_MS = 5000;

/** `serve` in a process group of its own (so that a "Ctrl-C" reaches its children too). */
async function startServe(lines: string[], stdout: 'read' | 'stall' | 'close') {
  const { file, base } = await serveConfig(lines);
  const proc = spawn(process.execPath, ['--import', 'tsx', cliPath, 'serve', '--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (stdout === 'read') proc.stdout.resume();
  else if (stdout === 'stall') proc.stdout.pause();
  else proc.stdout.destroy();
  proc.stderr.resume();
  await waitFor(
    'serving',
    async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok === true,
    30_000,
  );
  const dataDir = join(dirname(file), 'data');
  return { proc, base, dataDir };
}

/** Signals the process group and resolves with the exit code and how long it took. */
function stopGroup(proc: ChildProcess, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) =>
    proc.once('exit', (code) => resolve({ code, ms: Date.now() - started })),
  );
  process.kill(-(proc.pid ?? 0), signal);
  const late = setTimeout(() => proc.kill('SIGKILL'), 20_000);
  return exited.finally(() => clearTimeout(late));
}

describe('shutdown', () => {
  let legacy: LegacyServerHandle;
  before(async () => {
    legacy = await startLegacyHttpServer();
  });
  after(() => legacy.close());

  test('Ctrl-C with a gateway SSE stream and a live socket open: out within 5 s, no status change recorded', async () => {
    const { proc, base, dataDir } = await startServe(
      [
        'servers:',
        '  - name: legacy',
        '    transport: streamable-http',
        `    url: ${legacy.url}`,
        '    health_check_interval: 1',
        '  - name: child',
        '    transport: stdio',
        `    command: ${JSON.stringify(process.execPath)}`,
        `    args: [${JSON.stringify(everythingEntry())}, stdio]`,
        '    health_check_interval: 1',
      ],
      'read',
    );
    await waitFor(
      'both healthy',
      async () => {
        const res = await fetch(`${base}/api/v1/servers`);
        const { servers } = (await res.json()) as { servers: { status: string }[] };
        return servers.length === 2 && servers.every((s) => s.status === 'healthy');
      },
      30_000,
    );
    const init = await fetch(`${base}/mcp/legacy`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });
    const session = init.headers.get('mcp-session-id');
    await init.text();
    assert.ok(session);
    const sse = await fetch(`${base}/mcp/legacy`, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': session },
    });
    assert.equal(sse.status, 200);
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/live`);
    await new Promise((r) => ws.once('message', r));
    ws.on('error', () => undefined);

    const signalledAt = Date.now();
    const { code, ms } = await stopGroup(proc, 'SIGINT');
    ws.terminate();
    assert.equal(code, 0);
    assert.ok(ms <= DEADLINE_MS + 1000, `stopped in ${ms} ms`);
    const db = new Database(join(dataDir, 'mcp-health.db'), { readonly: true });
    try {
      const changes = db
        .prepare("select message, at from events where kind = 'status_change' and at >= ?")
        .all(signalledAt);
      assert.deepEqual(changes, [], 'no status change recorded while stopping');
      const failed = db.prepare('select count(*) as n from server_health where ok = 0').get() as {
        n: number;
      };
      assert.equal(failed.n, 0, 'no failed check recorded');
    } finally {
      db.close();
    }
  });

  test('a stdout nobody reads (the pipe full): the monitor keeps answering, and SIGTERM stops it', async () => {
    const { proc, base } = await startServe(['servers: []'], 'stall');
    // Fill the pipe (64 KiB): each server added and removed writes log lines. The answers must keep coming.
    const json = { 'content-type': 'application/json' };
    let answered = 0;
    for (let i = 0; i < 400; i++) {
      const name = `server-${i}-${'x'.repeat(80)}`;
      const made = await fetch(`${base}/api/v1/servers`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          name,
          transport: 'streamable-http',
          url: 'http://127.0.0.1:9/mcp',
          enabled: false,
        }),
      });
      assert.equal(made.status, 201);
      const id = ((await made.json()) as { id: string }).id;
      const gone = await fetch(`${base}/api/v1/servers/${id}`, { method: 'DELETE' });
      assert.equal(gone.status, 204);
      answered++;
    }
    assert.equal(answered, 400, 'the monitor kept answering with its log output stalled');
    const { code, ms } = await stopGroup(proc, 'SIGTERM');
    assert.notEqual(code, null);
    assert.ok(ms <= DEADLINE_MS + 1000, `stopped in ${ms} ms`);
  });

  test('a stdout whose reader is gone: SIGTERM stops it', async () => {
    const { proc } = await startServe(['servers: []'], 'close');
    const { code, ms } = await stopGroup(proc, 'SIGTERM');
    assert.equal(code, 0);
    assert.ok(ms <= DEADLINE_MS + 1000, `stopped in ${ms} ms`);
  });
});
