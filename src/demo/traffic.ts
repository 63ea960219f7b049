import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

export interface TrafficTarget {
  /** The server's id in the monitor: traffic goes to `<base>/mcp/<id>`. */
  serverId: string;
  /**
   * Tools to call, with arguments, in turn. A `rare` call (an unknown tool, bad arguments: an
   * error on purpose) is made instead of the next one with a small probability.
   */
  calls: { name: string; args: Record<string, unknown>; rare?: boolean }[];
}

export interface TrafficOptions {
  baseUrl: string;
  targets: TrafficTarget[];
  /** Average requests per second over all clients at the peak of the compressed "day". */
  peakRps?: number;
  /** Length of one compressed day, ms (default 10 minutes). */
  dayMs?: number;
  headers?: Record<string, string>;
}

/** How often a `rare` (failing) call replaces a usual one: errors show, without turning servers Critical. */
const RARE_SHARE = 0.006;

const CLIENTS = [
  { name: 'claude-desktop', version: '1.4.2' },
  { name: 'cursor', version: '0.48.1' },
  { name: 'vscode-copilot', version: '1.102.0' },
  { name: 'mcp-inspector', version: '0.17.0' },
];

/**
 * Steady, varied traffic through the gateway for the demo: several client names, both
 * protocol eras (whatever each server negotiates), some errors, and a daily pattern
 * compressed to `dayMs`. Loopback only; stops with the returned function.
 */
export function startDemoTraffic(options: TrafficOptions): () => Promise<void> {
  const peak = options.peakRps ?? 8;
  const dayMs = options.dayMs ?? 10 * 60_000;
  const started = Date.now();
  let stopped = false;
  const clients: Client[] = [];

  const loop = async (target: TrafficTarget, info: (typeof CLIENTS)[number], share: number) => {
    let client: Client | undefined;
    let n = 0;
    while (!stopped) {
      try {
        if (!client) {
          client = new Client(info, { versionNegotiation: { mode: 'auto' } });
          const url = new URL(`${options.baseUrl}/mcp/${encodeURIComponent(target.serverId)}`);
          await client.connect(
            new StreamableHTTPClientTransport(url, { requestInit: { headers: options.headers ?? {} } }),
          );
          clients.push(client);
        }
        const rare = target.calls.filter((c) => c.rare);
        const usual = target.calls.filter((c) => !c.rare);
        const call =
          rare.length > 0 && Math.random() < RARE_SHARE ? rare[n % rare.length] : usual[n % usual.length];
        n++;
        if (n % 7 === 0) await client.listTools();
        else if (call) await client.callTool({ name: call.name, arguments: call.args }, { timeout: 10_000 });
      } catch {
        // Errors are part of the traffic; a lost session is opened again on the next round.
        if (client && n % 5 === 0) {
          await client.close().catch(() => undefined);
          client = undefined;
        }
      }
      const phase = ((Date.now() - started) % dayMs) / dayMs;
      const rate = Math.max(0.05, peak * share * (0.55 + 0.45 * Math.sin(2 * Math.PI * phase)));
      await new Promise((r) => setTimeout(r, (1000 / rate) * (0.5 + Math.random())));
    }
  };

  const loops = options.targets.flatMap((t, i) =>
    CLIENTS.slice(0, 2 + (i % 3)).map((c, j) => loop(t, c, 1 / (options.targets.length * (j + 1.5)))),
  );
  return async () => {
    stopped = true;
    await Promise.allSettled(clients.map((c) => c.close()));
    await Promise.race([Promise.allSettled(loops), new Promise((r) => setTimeout(r, 3000))]);
  };
}
