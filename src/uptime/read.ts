import { checkRollupsRepo, emptySums, type UptimeSums } from '../store/check-rollups-repo.js';
import type { Db } from '../store/tables.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** How long the finer tiers are kept, so a window's start is read from the finest tier that still holds it. */
export interface RollupKeep {
  /** `metrics_retention_days`: the hour rows' keep (minute rows are kept 48 h). */
  retentionDays: number;
}

const ceilTo = (t: number, ms: number) => Math.ceil(t / ms) * ms;
const floorTo = (t: number, ms: number) => Math.floor(t / ms) * ms;

function add(into: Map<string, UptimeSums>, from: Map<string, UptimeSums>, share = 1): void {
  for (const [id, s] of from) {
    let t = into.get(id);
    if (!t) into.set(id, (t = emptySums()));
    t.upMs += s.upMs * share;
    t.downMs += s.downMs * share;
    t.checks += s.checks * share;
    t.failedChecks += s.failedChecks * share;
  }
}

/**
 * Each server's time up and down from `from` to now, from the roll-ups: whole days from the day
 * rows, the hours before the first whole day from the hour rows, the minutes before the first
 * whole hour from the minute rows (the part of the first minute is left out). A start older than
 * the minute rows' 48 h takes that share of its hour row, one older than the hour rows' keep that
 * share of its day row — the time in a bucket is taken as spread evenly over it, the only
 * approximation. At most three grouped queries whatever the window, for one server or the fleet.
 */
export async function uptimeSince(
  db: Db,
  from: number,
  now: number,
  serverIds: readonly string[] | null,
  keep: RollupKeep,
): Promise<Map<string, UptimeSums>> {
  const out = new Map<string, UptimeSums>();
  const firstDay = ceilTo(from, DAY);
  const firstHour = ceilTo(from, HOUR);
  add(out, await checkRollupsRepo.sums(db, '1d', firstDay, now + DAY, serverIds));
  if (from >= firstDay) return out;
  if (from < now - keep.retentionDays * DAY + HOUR) {
    const day = floorTo(from, DAY);
    add(out, await checkRollupsRepo.sums(db, '1d', day, day + 1, serverIds), (firstDay - from) / DAY);
    return out;
  }
  add(out, await checkRollupsRepo.sums(db, '1h', firstHour, firstDay, serverIds));
  if (from >= firstHour) return out;
  if (from < now - 47 * HOUR) {
    const hour = floorTo(from, HOUR);
    add(out, await checkRollupsRepo.sums(db, '1h', hour, hour + 1, serverIds), (firstHour - from) / HOUR);
    return out;
  }
  add(out, await checkRollupsRepo.sums(db, '1m', ceilTo(from, MINUTE), firstHour, serverIds));
  return out;
}

/** Up time over counted time, in percent; null when nothing was counted. */
export const uptimePercent = (s: UptimeSums | undefined): number | null => {
  const total = s ? s.upMs + s.downMs : 0;
  return s && total > 0 ? (s.upMs / total) * 100 : null;
};
