import type { ServerState } from '../model/server.js';
import type { UptimeSpan } from '../store/check-rollups-repo.js';

/**
 * What a check adds to the uptime roll-ups (store/check-rollups-repo.ts): the time since the
 * server's previous check, with that check's outcome. Up means the check answered — Healthy,
 * Warning, and a Critical that comes from response time or error rate; down means it failed
 * (a Critical from a failed check, Offline). Time with no check — before the first, while
 * disabled, while the monitor was stopped — counts neither way: a gap longer than `capMs` (twice
 * the interval plus the timeout) counts for `capMs` only.
 */
export function uptimeSpan(
  serverId: string,
  previous: ServerState,
  now: number,
  checkOk: boolean,
  capMs: number,
): UptimeSpan {
  const last = previous.lastCheck;
  const counted =
    last !== null && last < now && previous.status !== 'unknown' && previous.status !== 'disabled';
  if (!counted) return { serverId, from: now, to: now, up: checkOk, checkOk };
  const up = previous.consecutiveFailures === 0 && previous.status !== 'offline';
  return { serverId, from: Math.max(last, now - capMs), to: now, up, checkOk };
}
