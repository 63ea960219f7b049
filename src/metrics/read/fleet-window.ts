import type { DDSketch } from '@datadog/sketches-js';
import { rollupsRepo } from '../../store/rollups-repo.js';
import type { Db } from '../../store/tables.js';
import { addEncoded, newSketch } from '../sketch/sketch-codec.js';

const MINUTE_MS = 60_000;

/** The whole fleet's traffic over a recent window: counts, and every server's sketch merged. */
export interface FleetWindow {
  requests: number;
  errors: number;
  sketch: DDSketch;
}

/**
 * The fleet's traffic over the minutes touching [now - windowMs, now] ('1m' server totals,
 * sketches merged, never percentiles averaged), for the federation summary. Reads the '1m' rows
 * alone: they stay after being rolled into hours, and cover the last hour.
 */
export async function fleetWindows(
  db: Db,
  windowsMs: readonly number[],
  now: number,
): Promise<FleetWindow[]> {
  const widest = Math.max(...windowsMs);
  const rows = await rollupsRepo.fleetTotals(db, Math.floor((now - widest) / MINUTE_MS) * MINUTE_MS, now);
  return windowsMs.map((w) => {
    const from = Math.floor((now - w) / MINUTE_MS) * MINUTE_MS;
    const out: FleetWindow = { requests: 0, errors: 0, sketch: newSketch() };
    for (const row of rows) {
      if (row.bucket_start < from) continue;
      out.requests += row.count;
      out.errors += row.errors;
      addEncoded(out.sketch, row.sketch);
    }
    return out;
  });
}
