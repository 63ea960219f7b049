import type { Db } from './tables.js';

/** The tiers of `check_rollups` (migration 014) and their bucket widths. */
export const CHECK_TIERS = [
  { resolution: '1m', ms: 60_000 },
  { resolution: '1h', ms: 3_600_000 },
  { resolution: '1d', ms: 86_400_000 },
] as const;
export type CheckResolution = (typeof CHECK_TIERS)[number]['resolution'];

/**
 * What one check adds: the time since the check before it, with that check's outcome (the server
 * was up when it answered, down when it failed), and the check itself, counted at `to` with its
 * own outcome. With no check before it (a new server, a pause, a restart), `from` is `to`.
 */
export interface UptimeSpan {
  serverId: string;
  from: number;
  to: number;
  /** The outcome of the check at `from`, held until `to`. */
  up: boolean;
  /** The outcome of the check at `to`. */
  checkOk: boolean;
}

/** What one row holds, or what several add up to. */
export interface UptimeSums {
  upMs: number;
  downMs: number;
  checks: number;
  failedChecks: number;
}

export const emptySums = (): UptimeSums => ({ upMs: 0, downMs: 0, checks: 0, failedChecks: 0 });

interface Delta {
  server_id: string;
  resolution: string;
  bucket_start: number;
  up_ms: number;
  down_ms: number;
  checks: number;
  failed_checks: number;
}

const keyOf = (d: Pick<Delta, 'server_id' | 'resolution' | 'bucket_start'>) =>
  `${d.server_id}\u0000${d.resolution}\u0000${d.bucket_start}`;

/** The spans split at every bucket edge of every tier, summed per row key. */
export function deltasOf(spans: readonly UptimeSpan[]): Delta[] {
  const out = new Map<string, Delta>();
  const row = (serverId: string, resolution: string, bucket: number): Delta => {
    const key = keyOf({ server_id: serverId, resolution, bucket_start: bucket });
    let d = out.get(key);
    if (!d)
      out.set(
        key,
        (d = {
          server_id: serverId,
          resolution,
          bucket_start: bucket,
          up_ms: 0,
          down_ms: 0,
          checks: 0,
          failed_checks: 0,
        }),
      );
    return d;
  };
  for (const span of spans) {
    for (const tier of CHECK_TIERS) {
      for (let at = span.from; at < span.to;) {
        const bucket = Math.floor(at / tier.ms) * tier.ms;
        const end = Math.min(span.to, bucket + tier.ms);
        const d = row(span.serverId, tier.resolution, bucket);
        if (span.up) d.up_ms += end - at;
        else d.down_ms += end - at;
        at = end;
      }
      const d = row(span.serverId, tier.resolution, Math.floor(span.to / tier.ms) * tier.ms);
      d.checks += 1;
      if (!span.checkOk) d.failed_checks += 1;
    }
  }
  return [...out.values()];
}

const CHUNK = 300;

export const checkRollupsRepo = {
  /**
   * Adds the spans to their rows, creating them when missing; rows written in key order, so that
   * two writers lock in the same order (and PostgreSQL never updates one row twice in a statement).
   */
  async addSpans(db: Db, spans: readonly UptimeSpan[]): Promise<void> {
    if (spans.length === 0) return;
    const rows = deltasOf(spans).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    for (let i = 0; i < rows.length; i += CHUNK)
      await db
        .insertInto('check_rollups')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc.columns(['server_id', 'resolution', 'bucket_start']).doUpdateSet((eb) => ({
            up_ms: eb('check_rollups.up_ms', '+', eb.ref('excluded.up_ms')),
            down_ms: eb('check_rollups.down_ms', '+', eb.ref('excluded.down_ms')),
            checks: eb('check_rollups.checks', '+', eb.ref('excluded.checks')),
            failed_checks: eb('check_rollups.failed_checks', '+', eb.ref('excluded.failed_checks')),
          })),
        )
        .execute();
  },

  /** Each server's sums over the rows of one tier with `from <= bucket_start < to` (all servers when `serverIds` is null). */
  async sums(
    db: Db,
    resolution: CheckResolution,
    from: number,
    to: number,
    serverIds: readonly string[] | null,
  ): Promise<Map<string, UptimeSums>> {
    if (serverIds?.length === 0 || from >= to) return new Map();
    let q = db
      .selectFrom('check_rollups')
      .select('server_id')
      .select((eb) => [
        eb.fn.sum<number | string>('up_ms').as('up'),
        eb.fn.sum<number | string>('down_ms').as('down'),
        eb.fn.sum<number | string>('checks').as('checks'),
        eb.fn.sum<number | string>('failed_checks').as('failed'),
      ])
      .where('resolution', '=', resolution)
      .where('bucket_start', '>=', from)
      .where('bucket_start', '<', to);
    if (serverIds) q = q.where('server_id', 'in', serverIds);
    const rows = await q.groupBy('server_id').execute();
    return new Map(
      rows.map((r) => [
        r.server_id,
        {
          upMs: Number(r.up),
          downMs: Number(r.down),
          checks: Number(r.checks),
          failedChecks: Number(r.failed),
        },
      ]),
    );
  },

  /** The rows of one tier and some servers over [from, to), oldest first. */
  async rows(
    db: Db,
    resolution: CheckResolution,
    from: number,
    to: number,
    serverIds: readonly string[],
  ): Promise<(UptimeSums & { serverId: string; bucketStart: number })[]> {
    if (serverIds.length === 0) return [];
    const rows = await db
      .selectFrom('check_rollups')
      .selectAll()
      .where('resolution', '=', resolution)
      .where('bucket_start', '>=', from)
      .where('bucket_start', '<', to)
      .where('server_id', 'in', serverIds)
      .orderBy('bucket_start')
      .execute();
    return rows.map((r) => ({
      serverId: r.server_id,
      bucketStart: r.bucket_start,
      upMs: r.up_ms,
      downMs: r.down_ms,
      checks: r.checks,
      failedChecks: r.failed_checks,
    }));
  },

  /** Deletes at most `batch` rows of a tier older than `before`; call again while it returns `batch`. */
  async deleteOlderThan(db: Db, resolution: CheckResolution, before: number, batch: number): Promise<number> {
    const old = await db
      .selectFrom('check_rollups')
      .select(['server_id', 'bucket_start'])
      .where('resolution', '=', resolution)
      .where('bucket_start', '<', before)
      .limit(batch)
      .execute();
    if (old.length === 0) return 0;
    let deleted = 0;
    for (const server of new Set(old.map((r) => r.server_id))) {
      const starts = old.filter((r) => r.server_id === server).map((r) => r.bucket_start);
      const result = await db
        .deleteFrom('check_rollups')
        .where('server_id', '=', server)
        .where('resolution', '=', resolution)
        .where('bucket_start', 'in', starts)
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  },
};
