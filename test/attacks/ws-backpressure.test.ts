import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { LIVE_LIMITS } from '../../src/api/live/live-client.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { rawWebSocket, type RawWebSocket } from '../helpers/raw-websocket.js';
import { storeKinds } from '../helpers/stores.js';

const kinds = await storeKinds();

const SERVERS = 40;
/** ~20 KB a server view: updates big enough to fill a socket's buffers in a second or two. */
const capabilities = { experimental: { blob: 'x'.repeat(20_000) } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type View = { id: string; status_reason: string | null };
type Message =
  | { type: 'snapshot' | 'servers'; servers: View[] }
  | { type: 'server'; server: View }
  | { type: 'server.removed'; id: string }
  | { type: 'check' | 'log' | 'notification' };

/** The fleet as a dashboard holds it after these messages (web/src/lib/live.ts). */
function fleetAfter(messages: unknown[]): Map<string, string | null> {
  const fleet = new Map<string, string | null>();
  for (const m of messages as Message[]) {
    if (m.type === 'snapshot') fleet.clear();
    if (m.type === 'snapshot' || m.type === 'servers')
      for (const s of m.servers) fleet.set(s.id, s.status_reason);
    if (m.type === 'server') fleet.set(m.server.id, m.server.status_reason);
    if (m.type === 'server.removed') fleet.delete(m.id);
  }
  return fleet;
}

const current = (h: Harness) =>
  new Map(h.monitor.registry.list().map((s) => [s.id, s.state.statusReason] as const));
const sameFleet = (a: Map<string, string | null>, b: Map<string, string | null>) =>
  a.size === b.size && [...a].every(([id, reason]) => b.get(id) === reason);

/** A dashboard that reads everything, with the `ws` client. */
async function readingDashboard(h: Harness): Promise<{ messages: unknown[]; socket: WebSocket }> {
  const socket = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/live`);
  const messages: unknown[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString())));
  await new Promise((r) => socket.once('open', r));
  return { messages, socket };
}

/** Status updates with big views, as fast as a fleet of 1-second checks with large capabilities. */
async function flood(h: Harness, ms: number, during?: () => Promise<void>): Promise<number> {
  const { registry, bus } = h.monitor;
  const end = Date.now() + ms;
  let sent = 0;
  let pending = during;
  while (Date.now() < end) {
    for (let k = 0; k < 10; k++) {
      const live = registry.list();
      const s = live[sent % live.length];
      if (!s) break;
      const saved = registry.setState(s.id, { ...s.state, statusReason: `update ${sent}`, capabilities });
      if (saved) bus.emit('server.status', saved, s.state.status);
      sent++;
    }
    if (pending && Date.now() > end - ms / 2) {
      await pending();
      pending = undefined;
    }
    await sleep(20);
  }
  return sent;
}

async function startFleet(kind: Awaited<typeof kinds>[number], maxLagMs?: number): Promise<Harness> {
  return startHarness({
    kind,
    listen: true,
    settings: {
      servers: Array.from({ length: SERVERS }, (_, i) => ({
        name: `s${i}`,
        transport: 'streamable-http',
        url: `http://127.0.0.1:9/s${i}`,
        enabled: false,
      })),
    },
    ...(maxLagMs ? { api: { liveLimits: { ...LIVE_LIMITS, maxLagMs } } } : {}),
  });
}

async function neverReading(h: Harness, n: number): Promise<RawWebSocket[]> {
  const clients = await Promise.all(Array.from({ length: n }, () => rawWebSocket(h.url)));
  for (const c of clients) c.pause();
  return clients;
}

for (const kind of kinds) {
  describe(`live hub backpressure (${kind})`, () => {
    test('dashboards that stop reading hold at most the soft limit; a reading one stays current', async () => {
      const h = await startFleet(kind);
      try {
        const reader = await readingDashboard(h);
        const stalled = await neverReading(h, 10);
        const [catchingUp] = await neverReading(h, 1);
        assert.ok(catchingUp);
        const rssBefore = process.memoryUsage.rss();
        let maxBuffered = 0;
        let maxRss = rssBefore;
        const sampler = setInterval(() => {
          for (const ws of h.app.websocketServer.clients)
            maxBuffered = Math.max(maxBuffered, ws.bufferedAmount);
          maxRss = Math.max(maxRss, process.memoryUsage.rss());
        }, 50);
        const sent = await flood(h, 5_000, () => h.monitor.registry.delete('s7', 'test', true));
        clearInterval(sampler);

        // Nothing is sent above the soft limit (1 MiB): at most one message more. Without it: ~40 MB.
        assert.ok(maxBuffered <= 2 * 2 ** 20, `buffered ${maxBuffered} bytes for one client`);
        assert.ok(
          maxRss - rssBefore < 200 * 2 ** 20,
          `RSS grew ${Math.round((maxRss - rssBefore) / 2 ** 20)} MB`,
        );
        assert.equal(reader.socket.readyState, WebSocket.OPEN);
        await waitFor('the reading dashboard to be current', () =>
          sameFleet(fleetAfter(reader.messages), current(h)),
        );
        assert.equal(current(h).has('s7'), false);

        // One that starts reading again catches up with a coalesced batch, removal included.
        catchingUp.resume();
        await waitFor('the late dashboard to catch up', () =>
          sameFleet(fleetAfter(catchingUp.messages), current(h)),
        );
        const late = catchingUp.messages as Message[];
        assert.ok(late.length < sent / 2, `${late.length} messages for ${sent} updates: coalesced`);
        assert.ok(late.some((m) => m.type === 'servers' && m.servers.length > 1));
        assert.ok(late.some((m) => m.type === 'server.removed' && m.id === 's7'));
        for (const c of stalled) c.socket.destroy();
        reader.socket.close();
      } finally {
        await h.destroy();
      }
    });

    test('a dashboard behind for longer than the limit is closed; the others carry on', async () => {
      const h = await startFleet(kind, 1_500);
      try {
        const reader = await readingDashboard(h);
        const stalled = await neverReading(h, 10);
        await flood(h, 4_000);
        await waitFor('the stalled dashboards to be dropped', () => {
          const drops = h.logLines.filter((l) => l.includes('fell too far behind')).length;
          return drops === stalled.length && h.app.websocketServer.clients.size === 1;
        });
        for (const c of stalled) c.resume();
        await waitFor('the stalled connections to end', () => stalled.every((c) => c.ended));
        for (const c of stalled) assert.ok(c.closeCode === undefined || c.closeCode === 1013);

        assert.equal(reader.socket.readyState, WebSocket.OPEN, 'the reading dashboard is kept');
        await flood(h, 500);
        await waitFor('the reading dashboard to be current', () =>
          sameFleet(fleetAfter(reader.messages), current(h)),
        );
        reader.socket.close();
      } finally {
        await h.destroy();
      }
    });
  });
}
