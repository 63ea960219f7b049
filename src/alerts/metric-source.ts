import type { DDSketch } from '@datadog/sketches-js';
import { addEncoded, newSketch, quantile } from '../metrics/sketch-codec.js';
import type { Db } from '../store/tables.js';
import { SERVER_TOTAL } from '../store/rollups-repo.js';

/**
 * Read-only sources of the rule metrics that are not in the aggregator's live figures:
 * latency percentiles from the minute roll-ups' DDSketches, and the gauges' samples in
 * `server_metrics`. One query per call covers every server (the evaluator calls each once a tick).
 */

const MINUTE_MS = 60_000;

/** Every server's latency sketch over [from, now]: the '1m' rows of the minutes touching it, merged. */
export async function latencySketches(db: Db, from: number, now: number): Promise<Map<string, DDSketch>> {
  // '1m' rows stay in the store after they are rolled into hours, so they alone cover the window.
  const rows = await db
    .selectFrom('request_rollups')
    .select(['server_id', 'sketch'])
    .where('resolution', '=', '1m')
    .where('endpoint', '=', SERVER_TOTAL)
    .where('bucket_start', '>=', Math.floor(from / MINUTE_MS) * MINUTE_MS)
    .where('bucket_start', '<=', now)
    .execute();
  const out = new Map<string, DDSketch>();
  for (const row of rows) {
    let s = out.get(row.server_id);
    if (!s) out.set(row.server_id, (s = newSketch()));
    addEncoded(s, row.sketch);
  }
  return out;
}

/** The q-quantile (0..1) of a server's sketch, null without requests. */
export const sketchQuantile = (sketch: DDSketch | undefined, q: number): number | null =>
  sketch ? quantile(sketch, q) : null;

/** Every server's latest sample of a gauge taken at or after `from`. */
export async function latestGauges(
  db: Db,
  metric: 'cpu' | 'memory' | 'active_connections',
  from: number,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('server_metrics')
    .select(['server_id', 'metric_value', 'timestamp'])
    .where('metric_name', '=', metric)
    .where('timestamp', '>=', from)
    .orderBy('timestamp')
    .orderBy('id')
    .execute();
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.server_id, r.metric_value);
  return out;
}
