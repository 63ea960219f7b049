/**
 * Four weeks of past traffic for the demo's servers (issue 13), so that forecasts, capacity and
 * anomalies have something to show on a fresh `npm start`: a daily cycle, quieter weekends, growth
 * of some 18 % a week, and one spike yesterday. Posted through the ingest API like any backfill,
 * with the client name `demo-history` (demo data, told apart from the live demo traffic in the
 * usage views). Done once: a store that already has traffic older than two days is left alone.
 */
import { lognormal, seasonalHourlyCounts, seededRandom } from '../metrics/ingest/synthetic-traffic.js';

const HOUR_MS = 3_600_000;
const HOURS = 28 * 24;
const BATCH = 10_000;
export const DEMO_HISTORY_CLIENT = 'demo-history';

interface Options {
  baseUrl: string;
  headers?: Record<string, string>;
  serverIds: string[];
  /** Requests an hour at the start of the four weeks, before the daily cycle. */
  base?: number;
  now?: number;
}

async function call(o: Options, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${o.baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...o.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Posts the history unless there is one; answers how many events it posted (0: there was one). */
export async function backfillDemoHistory(o: Options): Promise<number> {
  const now = o.now ?? Date.now();
  const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const start = hour - HOURS * HOUR_MS;
  const before = (await call(o, `/api/v1/usage?from=${start - HOUR_MS}&to=${hour - 2 * 24 * HOUR_MS}`)) as {
    requests: number;
  };
  if (before.requests > 0) return 0;
  let posted = 0;
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await call(o, '/api/v1/ingest/events', { events: batch });
    posted += batch.length;
    batch = [];
  };
  for (const [k, server] of o.serverIds.entries()) {
    const random = seededRandom(1000 + k);
    const counts = seasonalHourlyCounts(HOURS, 100 + k, (o.base ?? 30) * (1 + k * 0.5));
    // the first server had an unusual hour yesterday: four times its traffic
    if (k === 0) counts[HOURS - 20] = (counts[HOURS - 20] ?? 0) * 4;
    for (const [h, n] of counts.entries())
      for (let i = 0; i < n; i++) {
        const failed = random() < 0.01;
        batch.push({
          server,
          method: 'tools/call',
          endpoint: 'tools/call:echo',
          started_at: start + h * HOUR_MS + Math.floor(random() * HOUR_MS),
          latency_ms: Math.round(lognormal(random, 35 + 10 * k, 0.4) * 10) / 10,
          outcome: failed ? 'error' : 'ok',
          ...(failed ? { error_code: -32603, error_message: 'internal error' } : {}),
          client_name: DEMO_HISTORY_CLIENT,
        });
        if (batch.length >= BATCH) await flush();
      }
  }
  await flush();
  return posted;
}
