import { loadConfig } from '../config/load.js';
import { serverInput } from '../config/server-input.js';
import type { SettingKey } from '../config/schema.js';
import { startDemoFleet } from '../demo/fleet.js';
import { startDemoTraffic, type TrafficTarget } from '../demo/traffic.js';
import { backfillDemoHistory } from '../demo/history.js';
import { DEMO_PEER_NAME, startDemoPeer } from './demo-peer.js';
import { serve } from './serve.js';

/** What the demo's clients call through the gateway; unknown tools and bad arguments make errors on purpose. */
const DEMO_TRAFFIC: TrafficTarget[] = [
  {
    serverId: 'everything-http',
    calls: [
      { name: 'echo', args: { message: 'hello' } },
      { name: 'get-sum', args: { a: 2, b: 3 } },
      { name: 'get-tiny-image', args: {} },
      { name: 'get-sum', args: { a: 'two' }, rare: true },
    ],
  },
  {
    serverId: 'modern-v2',
    calls: [
      { name: 'echo', args: { text: 'hi' } },
      { name: 'add', args: { a: 1, b: 2 } },
      { name: 'slow', args: { ms: 120 } },
      { name: 'no-such-tool', args: {}, rare: true },
    ],
  },
  {
    serverId: 'chaos',
    calls: [
      { name: 'echo', args: { text: 'hi' } },
      { name: 'add', args: { a: 1, b: 2 } },
    ],
  },
  { serverId: 'everything-stdio', calls: [{ name: 'echo', args: { message: 'stdio' } }] },
];

const tokenHeader = (token: string | undefined) =>
  token ? { headers: { authorization: `Bearer ${token}` } } : {};

/** The demo fleet is checked every 5 s so that every status shows up within minutes. */
const DEMO_INTERVAL_S = 5;

/** What the demo's HTTP server declares it can take (the others' capacity is learned or unknown). */
const DEMO_CAPACITY: Record<string, { max_rps: number }> = { 'everything-http': { max_rps: 0.25 } };

/** `mcp-health demo` (what `npm start` runs): a demo fleet of real MCP servers and the monitor watching it. */
export async function runDemo(
  file: string | undefined,
  flags: Partial<Record<SettingKey, unknown>>,
): Promise<void> {
  const base = loadConfig({ file, flags });
  process.stderr.write(
    'mcp-health: starting the demo fleet (server-everything, a modern-era server, a chaos server)…\n',
  );
  const fleet = await startDemoFleet();
  const demoServers = fleet.servers.map((s) =>
    serverInput.parse({
      ...s,
      health_check_interval: DEMO_INTERVAL_S,
      ...(DEMO_CAPACITY[s.name] ? { capacity: DEMO_CAPACITY[s.name] } : {}),
    }),
  );
  const names = new Set(base.servers.map((s) => s.name.toLowerCase()));
  // A second instance on loopback, a federation peer of this one (its HTTP servers only: stdio
  // servers would be a second set of children).
  const peerServers = demoServers.filter((s) => s.transport !== 'stdio' && s.name !== 'chaos');
  let peer: Awaited<ReturnType<typeof startDemoPeer>> | undefined;
  try {
    peer = await startDemoPeer(base, peerServers);
  } catch (err) {
    process.stderr.write(
      `mcp-health: the demo's second instance did not start (${(err as Error).message})\n`,
    );
  }
  const config = {
    ...base,
    servers: [...base.servers, ...demoServers.filter((s) => !names.has(s.name.toLowerCase()))],
    federation_peers:
      peer && !base.federation_peers.some((p) => p.name === DEMO_PEER_NAME)
        ? [
            ...base.federation_peers,
            { name: DEMO_PEER_NAME, url: peer.url, token: peer.token, enabled: true },
          ]
        : base.federation_peers,
  };
  const peerTraffic: { stop?: () => Promise<void> } = {};
  if (peer)
    peerTraffic.stop = startDemoTraffic({
      baseUrl: peer.url,
      targets: DEMO_TRAFFIC.filter((t) => peerServers.some((s) => s.name === t.serverId)),
      ...tokenHeader(peer.token),
    });
  try {
    const traffic: { stop?: () => Promise<void> } = {};
    const running = await serve(config, async () => {
      await traffic.stop?.();
      await peerTraffic.stop?.();
      await peer?.stop();
      await fleet.stop();
    });
    // Four weeks of demo history at the first start, for forecasts, capacity and anomalies.
    const t0 = performance.now();
    const posted = await backfillDemoHistory({
      baseUrl: running.url,
      serverIds: DEMO_TRAFFIC.map((t) => t.serverId),
      ...tokenHeader(config.api_token),
    });
    if (posted > 0)
      process.stderr.write(
        `mcp-health: backfilled four weeks of demo history in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
          `(${posted} requests, client "demo-history")\n`,
      );
    traffic.stop = startDemoTraffic({
      baseUrl: running.url,
      targets: DEMO_TRAFFIC,
      ...tokenHeader(config.api_token),
    });
    process.stderr.write(
      `mcp-health: dashboard and API at ${running.url} — watching ${config.servers.length} servers ` +
        `(${fleet.servers.map((s) => s.name).join(', ')})` +
        (peer
          ? `; a second instance "${peer.name}" at ${peer.url} is its federation peer (/federation)`
          : '') +
        '. Ctrl-C stops everything.\n',
    );
  } catch (err) {
    await peerTraffic.stop?.();
    await peer?.stop();
    await fleet.stop();
    throw err;
  }
}
