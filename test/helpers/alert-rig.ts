/**
 * An alert evaluator over a real store with servers whose status a test sets, and a plain HTTP
 * receiver for webhook notifications: what the grouping, escalation and maintenance tests share.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { AlertEvaluator, type EvaluatorDeps } from '../../src/alerts/evaluator.js';
import { channelsRepo } from '../../src/alerts/config-repo.js';
import { Bus } from '../../src/shared/bus.js';
import type { AlertMessage } from '../../src/model/notification.js';
import { initialState, type ServerRecord, type Status } from '../../src/model/server.js';
import type { Store } from '../../src/store/open-store.js';
import { SecretBox } from '../../src/shared/secrets/secret-box.js';

export interface Hook {
  url: string;
  /** Every body received, parsed, in order. */
  got: AlertMessage[];
  close: () => Promise<void>;
}

/** A real HTTP receiver for webhook notifications (answers 204). */
export async function webhookReceiver(): Promise<Hook> {
  const hook: Hook = { url: '', got: [], close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      hook.got.push(JSON.parse(raw) as AlertMessage);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo; // safe because listen() on TCP resolved
  hook.url = `http://127.0.0.1:${port}/hook`;
  hook.close = () => new Promise<void>((r) => server.close(() => r()));
  return hook;
}

export function server(id: string, tags: string[] = []): ServerRecord & { state: { status: Status } } {
  return {
    id,
    name: id,
    spec: { transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp', headers: {} },
    tags,
    overrides: {},
    source: 'api',
    enabled: true,
    disabledUntil: null,
    disabledReason: null,
    state: { ...initialState(), status: 'healthy', statusReason: null },
    createdAt: 0,
    updatedAt: 0,
  };
}

const noTraffic = { requests: 0, rps: 0, avgLatencyMs: null, errorRatePercent: null };
export const secrets = SecretBox.ephemeral();

/** An evaluator over `servers` (its timer never ticks in a test: `evaluateNow` drives it). */
export function rigEvaluator(
  store: Store,
  servers: ServerRecord[],
  extra: Partial<EvaluatorDeps> = {},
): AlertEvaluator {
  return new AlertEvaluator({
    db: store.db,
    secrets,
    bus: new Bus(),
    log: pino({ level: 'silent' }),
    servers: () => servers,
    live: () => ({ last60s: noTraffic, last5m: noTraffic }),
    activeConnections: () => 0,
    baseUrl: 'http://localhost',
    intervalMs: 3_600_000,
    channelDeps: { backoff: { baseMs: 20, maxMs: 20 } },
    ...extra,
  });
}

/** A webhook channel to `url`, with no retries; its id. */
export async function webhookChannel(store: Store, name: string, url: string): Promise<number> {
  const c = await channelsRepo.insert(
    store.db,
    secrets,
    { name, kind: 'webhook', config: { url, retries: 0 }, enabled: true },
    Date.now(),
  );
  return c.id;
}
