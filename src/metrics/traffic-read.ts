import { rollupsRepo, type RollupRow } from '../store/rollups-repo.js';
import type { Db } from '../store/tables.js';
import { emptyTraffic, type Traffic } from './bucket.js';
import { addEncoded } from './sketch-codec.js';
import type { Plan } from './tiers.js';

export interface TrafficFilter {
  serverId?: string | undefined;
  endpoint?: string | undefined;
}

/** The rows a plan reads over [from, to): its tier's, plus finer rows not yet rolled into it. */
export const readRows = (
  db: Db,
  plan: Plan,
  from: number,
  to: number,
  filter: TrafficFilter,
): Promise<RollupRow[]> =>
  rollupsRepo.range(db, plan.tier.resolution, plan.tier.finer, { from, to, ...filter });

/** Adds one stored row to a traffic total (sketches merged, never percentiles averaged). */
export function addRow(into: Traffic, row: RollupRow): void {
  into.count += row.count;
  into.errors += row.errors;
  into.toolErrors += row.tool_errors;
  into.timeouts += row.timeouts;
  into.sumMs += row.sum_ms;
  if (row.min_ms < into.minMs) into.minMs = row.min_ms;
  if (row.max_ms > into.maxMs) into.maxMs = row.max_ms;
  addEncoded(into.sketch, row.sketch);
}

/** Merges rows into one total per key. */
export function groupRows<K>(rows: RollupRow[], keyOf: (row: RollupRow) => K): Map<K, Traffic> {
  const out = new Map<K, Traffic>();
  for (const row of rows) {
    const k = keyOf(row);
    let t = out.get(k);
    if (!t) out.set(k, (t = emptyTraffic()));
    addRow(t, row);
  }
  return out;
}

export function total(rows: RollupRow[]): Traffic {
  const t = emptyTraffic();
  for (const row of rows) addRow(t, row);
  return t;
}
