import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startLightResponder, type LightResponder } from '../../bench/light-responder.js';
import { startDemoFleet, type DemoFleet, type DemoServerSpec } from './fleet.js';
import { ManagedChild } from './servers/managed-child.js';
import { startChaosServer, type ChaosPhase, type RunningChaosServer } from './servers/chaos-server.js';

const TIMEOUT = { timeout: 5_000 };

function newClient(): Client {
  return new Client({ name: 'fleet-test', version: '1' }, { versionNegotiation: { mode: 'auto' } });
}

async function connectHttp(url: string): Promise<Client> {
  const client = newClient();
  await client.connect(new StreamableHTTPClientTransport(new URL(url)), TIMEOUT);
  return client;
}

/** The monitor's probe: `server/discover` on the modern era, `ping` on legacy. Returns ms. */
async function probe(client: Client): Promise<number> {
  const started = performance.now();
  if (client.getProtocolEra() === 'modern') await client.discover(TIMEOUT);
  else await client.ping(TIMEOUT);
  return performance.now() - started;
}

function spec(fleet: DemoFleet, name: string): DemoServerSpec {
  const found = fleet.servers.find((s) => s.name === name);
  assert.ok(found, `fleet has ${name}`);
  return found;
}

function url(fleet: DemoFleet, name: string): string {
  const s = spec(fleet, name);
  assert.notEqual(s.transport, 'stdio');
  return s.transport === 'stdio' ? '' : s.url;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

void describe('demo fleet', () => {
  let fleet: DemoFleet | undefined;
  let light: LightResponder | undefined;
  const clients: Client[] = [];
  const track = (c: Client): Client => (clients.push(c), c);
  const theFleet = (): DemoFleet => {
    assert.ok(fleet, 'fleet started');
    return fleet;
  };

  before(async () => {
    [fleet, light] = await Promise.all([startDemoFleet(), startLightResponder()]);
  });

  after(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await fleet?.stop();
    await light?.close();
  });

  void test('lists every demo server', () => {
    const names = theFleet().servers.map((s) => s.name);
    assert.deepEqual(names, ['everything-stdio', 'everything-http', 'everything-sse', 'modern-v2', 'chaos']);
    for (const s of theFleet().servers)
      if (s.transport !== 'stdio') assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\//);
  });

  void test('modern-v2 negotiates the modern era', async () => {
    const client = track(await connectHttp(url(theFleet(), 'modern-v2')));
    assert.equal(client.getProtocolEra(), 'modern');
    assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
    assert.equal(client.getServerVersion()?.name, 'demo-modern');
    await probe(client);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    assert.deepEqual(tools.sort(), ['add', 'echo', 'slow']);
  });

  void test('everything-http is legacy era with serverInfo', async () => {
    const client = track(await connectHttp(url(theFleet(), 'everything-http')));
    assert.equal(client.getProtocolEra(), 'legacy');
    assert.ok(client.getServerVersion()?.name, 'serverInfo.name');
    await probe(client);
  });

  void test('everything-sse answers over legacy SSE', async () => {
    const client = track(new Client({ name: 'fleet-test', version: '1' }));
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy SSE transport is what we test
    await client.connect(new SSEClientTransport(new URL(url(theFleet(), 'everything-sse'))), TIMEOUT);
    assert.ok(client.getServerVersion()?.name);
    await client.ping(TIMEOUT);
  });

  void test('everything-stdio spec launches a working server', async () => {
    const s = spec(theFleet(), 'everything-stdio');
    assert.equal(s.transport, 'stdio');
    if (s.transport !== 'stdio') return;
    const client = track(new Client({ name: 'fleet-test', version: '1' }));
    await client.connect(new StdioClientTransport({ command: s.command, args: s.args, stderr: 'ignore' }), {
      timeout: 15_000,
    });
    await client.ping(TIMEOUT);
  });

  void test('the chaos child answers (healthy at start)', async () => {
    const client = track(await connectHttp(url(theFleet(), 'chaos')));
    assert.equal(client.getServerVersion()?.name, 'demo-chaos');
    assert.ok((await probe(client)) < 500);
  });

  void test('light responder answers ping on two paths', async () => {
    assert.ok(light);
    for (const n of [1, 42]) {
      const client = track(await connectHttp(light.url(n)));
      assert.equal(client.getProtocolEra(), 'legacy');
      assert.equal(client.getNegotiatedProtocolVersion(), '2025-06-18');
      assert.equal(client.getServerVersion()?.name, `light-${n}`);
      await client.ping(TIMEOUT);
      assert.equal((await client.listTools()).tools.length, 2);
    }
    assert.ok(light.requests() >= 8);
  });

  void test('restart replaces one child on the same port', async () => {
    const f = theFleet();
    const before = f.processes().find((p) => p.name === 'modern-v2')?.pid;
    await f.restart('modern-v2');
    const now = f.processes().find((p) => p.name === 'modern-v2');
    assert.ok(now?.running);
    assert.notEqual(now.pid, before);
    if (before !== undefined) assert.equal(alive(before), false);
    const client = track(await connectHttp(url(f, 'modern-v2')));
    await probe(client);
  });

  void test('stop() leaves no child processes', async () => {
    const f = theFleet();
    const pids = f.processes().map((p) => p.pid);
    assert.equal(pids.length, 4);
    for (const pid of pids) assert.ok(pid !== undefined && alive(pid));
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
    await f.stop();
    for (const pid of pids) if (pid !== undefined) assert.equal(alive(pid), false, `pid ${pid} gone`);
    assert.ok(f.processes().every((p) => !p.running));
  });
});

void describe('chaos server cycle', { concurrency: true }, () => {
  let chaos: RunningChaosServer | undefined;
  after(() => chaos?.close());

  const enter = async (phase: ChaosPhase): Promise<void> => {
    assert.ok(chaos);
    await sleep(chaos.msUntil(phase) + 150);
    assert.equal(chaos.phase(), phase);
  };

  void test('goes slow, very slow, erroring, down, and recovers', async () => {
    chaos = await startChaosServer({ cycleMs: 12_000 });
    const client = await connectHttp(chaos.url);
    assert.equal(chaos.phase(), 'healthy');
    assert.ok((await probe(client)) < 400, 'healthy is fast');

    await enter('slow');
    const slow = await probe(client);
    assert.ok(slow >= 550 && slow < 1_100, `slow probe took ${slow} ms`);

    await enter('very-slow');
    const verySlow = await probe(client);
    assert.ok(verySlow >= 1_150, `very slow probe took ${verySlow} ms`);

    await enter('erroring');
    const outcomes = await Promise.allSettled([1, 2, 3, 4, 5].map(() => probe(client)));
    const failures = outcomes.filter((o) => o.status === 'rejected').length;
    assert.ok(failures >= 3, `${failures} of 5 probes failed`);

    await enter('down');
    await assert.rejects(probe(client));
    await assert.rejects(connectHttp(chaos.url));
    await sleep(300);
    await assert.rejects(connectHttp(chaos.url));
    await client.close();

    await enter('healthy');
    const again = await connectHttp(chaos.url);
    assert.ok((await probe(again)) < 400, 'recovered');
    await again.close();
  });

  void test('a standalone chaos process survives its down phase', async () => {
    const script = fileURLToPath(new URL('./servers/chaos-server.ts', import.meta.url));
    const child = new ManagedChild({
      name: 'chaos-standalone',
      command: process.execPath,
      args: ['--import', 'tsx', script],
      env: { PORT: '0', CHAOS_CYCLE_MS: '3000' },
    });
    try {
      const chaosUrl = await child.waitForLine(/^listening (\S+)$/, 15_000);
      await sleep(3_200); // through slow, very slow, erroring, down (2.475–3 s) and back to healthy
      assert.ok(child.running, `still running; output: ${child.recentOutput().join(' | ')}`);
      assert.ok(child.recentOutput().includes('chaos: phase down'));
      const client = await connectHttp(chaosUrl);
      await probe(client);
      await client.close();
    } finally {
      await child.stop();
    }
  });
});
