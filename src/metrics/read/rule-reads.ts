import type { DDSketch } from '@datadog/sketches-js';
import { rollupsRepo } from '../../store/rollups-repo.js';
import type { Db } from '../../store/tables.js';
import { gaugesRepo, type GaugeName } from '../gauges/gauges-repo.js';
import { addEncoded, newSketch, quantile } from '../sketch/sketch-codec.js';

/**
 * Read-only sources of the rule metrics that are not in the aggregator's live figures:
 * latency percentiles from the minute roll-ups' DDSketches, and the gauges' samples in
 * `server_metrics`. One query per call covers every server (the evaluator calls each once a tick).
 */

const MINUTE_MS = 60_000;

/** Every server's latency sketch over [from, now]: the '1m' rows of the minutes touching it, merged. */
export async function latencySketches(db: Db, from: number, now: number): Promise<Map<string, DDSketch>> {
  // '1m' rows stay in the store after they are rolled into hours, so they alone cover the window.
  const rows = await rollupsRepo.serverTotalSketches(db, Math.floor(from / MINUTE_MS) * MINUTE_MS, now);
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
export const latestGauges = (db: Db, metric: GaugeName, from: number): Promise<Map<string, number>> =>
  gaugesRepo.latestByServer(db, metric, from);
