import type { Transport } from '@modelcontextprotocol/server';
import { endpointOf, outcomeOf } from '../metrics/index.js';
import type { IngestEvent } from '../metrics/index.js';

export interface ReporterOptions {
  /** The monitor's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The server's id in the monitor. */
  server: string;
  /** The monitor's `api_token`, when it has one. */
  token?: string;
  flushMs?: number;
  /** Events kept while the monitor is unreachable; beyond, the oldest are dropped and counted. */
  maxPending?: number;
}

/** Batches request events and POSTs them to the monitor's ingest API. */
export class EventReporter {
  private pending: IngestEvent[] = [];
  private readonly timer: NodeJS.Timeout;
  dropped = 0;

  constructor(private readonly options: ReporterOptions) {
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 5000);
    this.timer.unref();
  }

  record(event: Omit<IngestEvent, 'server'>): void {
    this.pending.push({ ...event, server: this.options.server });
    const excess = this.pending.length - (this.options.maxPending ?? 50_000);
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
  }

  async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, 1000);
      try {
        const res = await fetch(`${this.options.url.replace(/\/$/, '')}/api/v1/ingest/events`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
          },
          body: JSON.stringify({ events: batch }),
        });
        if (!res.ok) return; // kept for the next try
      } catch {
        return;
      }
      this.pending.splice(0, batch.length);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

type Message = Record<string, unknown>;

/**
 * Reports every request a server answers over `transport`. Call it after `server.connect(transport)`:
 *
 *     const reporter = new EventReporter({ url: 'http://127.0.0.1:8080', server: 'my-server' });
 *     await server.connect(transport);
 *     reportTraffic(transport, reporter);
 */
export function reportTraffic(transport: Transport, reporter: EventReporter): void {
  const open = new Map<
    string | number,
    { method: string; endpoint: string; started: number; at: number; bytes: number }
  >();
  let client: { name: string | null; version: string | null } = { name: null, version: null };
  let protocolVersion: string | null = null;
  const receive = transport.onmessage?.bind(transport);
  transport.onmessage = (message, extra) => {
    const m = message as Message;
    if (typeof m.method === 'string' && (typeof m.id === 'string' || typeof m.id === 'number')) {
      const params = m.params as Message | undefined;
      if (m.method === 'initialize') {
        const info = params?.clientInfo as Message | undefined;
        client = {
          name: typeof info?.name === 'string' ? info.name : null,
          version: typeof info?.version === 'string' ? info.version : null,
        };
        protocolVersion = typeof params?.protocolVersion === 'string' ? params.protocolVersion : null;
      }
      open.set(m.id, {
        method: m.method,
        endpoint: endpointOf(m.method, params),
        started: performance.now(),
        at: Date.now(),
        bytes: JSON.stringify(m).length,
      });
    }
    receive?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    const m = message as Message;
    const id = m.id as string | number | undefined;
    const req = id === undefined ? undefined : open.get(id);
    if (req && id !== undefined && ('result' in m || 'error' in m)) {
      open.delete(id);
      const o = outcomeOf(m);
      reporter.record({
        method: req.method,
        endpoint: req.endpoint,
        started_at: req.at,
        latency_ms: performance.now() - req.started,
        outcome: o.outcome,
        error_code: o.errorCode,
        error_message: o.errorMessage,
        client_name: client.name,
        client_version: client.version,
        protocol_version: protocolVersion,
        session_id: transport.sessionId ?? null,
        request_id: id,
        bytes_in: req.bytes,
        bytes_out: JSON.stringify(m).length,
      });
    }
    return send(message, options);
  };
}
