import type { ServerRecord } from '../model/server.js';
import type { Db } from '../store/tables.js';
import { uptimeSince, type RollupKeep } from './read.js';
import { burnRate, type BurnPair } from './slo.js';

/**
 * Each server's multiwindow burn rate for one pair (slo.ts `BURN_PAIRS`): the lower of the long
 * and the short window's. Servers without an SLO, or with nothing counted, are absent (no data).
 * Two reads of the roll-ups cover the whole fleet.
 */
export async function burnRates(
  db: Db,
  servers: readonly ServerRecord[],
  pair: BurnPair,
  now: number,
  keep: RollupKeep,
): Promise<Map<string, number>> {
  const withSlo = servers.filter((s) => s.overrides.slo !== undefined);
  const ids = withSlo.map((s) => s.id);
  if (ids.length === 0) return new Map();
  const [long, short] = await Promise.all([
    uptimeSince(db, now - pair.longMs, now, ids, keep),
    uptimeSince(db, now - pair.shortMs, now, ids, keep),
  ]);
  const out = new Map<string, number>();
  for (const s of withSlo) {
    const slo = s.overrides.slo;
    if (!slo) continue;
    const l = burnRate(slo, long.get(s.id));
    const sh = burnRate(slo, short.get(s.id));
    if (l !== null && sh !== null) out.set(s.id, Math.min(l, sh));
  }
  return out;
}
