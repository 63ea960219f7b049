import type { NewRollup, Resolution } from '../../store/rollups-repo.js';
import { floorTo, type Traffic } from '../aggregate/bucket.js';
import { encodedSketchOf, groupRows } from './traffic-read.js';

type Row = Omit<NewRollup, 'resolution'>;

/**
 * Rows merged into one row of `resolution` per server, endpoint and bucket of `ms` (sketches
 * merged bin by bin): how the roll-up makes hours of minutes and days of hours.
 */
export function mergeRows(rows: Row[], resolution: Resolution, ms: number): NewRollup[] {
  const sep = '\u0000';
  const byKey = groupRows(
    rows,
    (r) => `${r.server_id}${sep}${r.endpoint}${sep}${floorTo(r.bucket_start, ms)}`,
  );
  return [...byKey].map(([key, t]) => {
    const [serverId = '', endpoint = '', start = '0'] = key.split(sep);
    return {
      server_id: serverId,
      endpoint,
      resolution,
      bucket_start: Number(start),
      ...columnsOf(t),
    };
  });
}

/** A traffic total as a row's figure columns (its sketch encoded from the merged bins). */
export const columnsOf = (t: Traffic) => ({
  count: t.count,
  errors: t.errors,
  tool_errors: t.toolErrors,
  timeouts: t.timeouts,
  sum_ms: t.sumMs,
  min_ms: t.minMs,
  max_ms: t.maxMs,
  sketch: encodedSketchOf(t),
});
