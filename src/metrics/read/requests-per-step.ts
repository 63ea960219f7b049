import type { Db } from '../../store/tables.js';
import { SERVER_TOTAL, rollupsRepo } from '../../store/rollups-repo.js';
import { floorTo } from '../aggregate/bucket.js';
import { TIERS, keepMs, type MetricsRetention } from './tiers.js';

/**
 * Requests per step over [from, to) (steps from `from`, keyed by their start), a server's or the
 * fleet's, from the servers' total rows: the coarsest tier whose buckets fit in a step and that
 * still holds `from`, else the finest that does (the error rate of the errors part's trend).
 */
export async function requestsPerStep(
  db: Db,
  q: { from: number; to: number; stepMs: number; serverId: string | undefined; now?: number },
  retention: MetricsRetention,
): Promise<Map<number, number>> {
  const now = q.now ?? Date.now();
  const fits = TIERS.filter((t) => q.stepMs % t.ms === 0);
  const holds = fits.filter((t) => floorTo(q.from, t.ms) + t.ms >= now - keepMs(t.resolution, retention));
  const tier = holds[holds.length - 1] ?? fits[fits.length - 1] ?? TIERS[0];
  if (!tier) return new Map();
  const rows = await rollupsRepo.sums(
    db,
    tier.resolution,
    tier.finer,
    { from: q.from, to: q.to, serverId: q.serverId, endpoint: SERVER_TOTAL },
    ['bucket_start'],
  );
  const out = new Map<number, number>();
  for (const r of rows) {
    const step = q.from + Math.floor((r.bucket_start - q.from) / q.stepMs) * q.stepMs;
    out.set(step, (out.get(step) ?? 0) + r.count);
  }
  return out;
}
