import { SERVER_TOTAL, rollupsRepo } from '../../store/rollups-repo.js';
import type { Db } from '../../store/tables.js';
import { planRange, type MetricsRetention } from './tiers.js';

/** Requests and failed requests (tool errors included, DESIGN §3) of a server over a window. */
export interface RequestTotals {
  requests: number;
  errors: number;
}

/**
 * Each server's requests and failures over [from, to) from its total rows, in the tier that
 * still holds `from` (about 24 or more buckets, so the window's edges cost at most ~4 %): the
 * request success rate that is uptime's second SLI. Servers without traffic are absent.
 */
export async function requestTotals(
  db: Db,
  q: { from: number; to: number; serverId?: string | undefined; now?: number },
  retention: MetricsRetention,
): Promise<Map<string, RequestTotals>> {
  const plan = planRange({ from: q.from, to: q.to, now: q.now ?? Date.now() }, retention);
  const rows = await rollupsRepo.sums(
    db,
    plan.tier.resolution,
    plan.tier.finer,
    { from: plan.start, to: plan.end, serverId: q.serverId, endpoint: SERVER_TOTAL },
    ['server_id'],
  );
  return new Map(rows.map((r) => [r.server_id, { requests: r.count, errors: r.errors + r.tool_errors }]));
}
