/** `server_metrics`: the gauges' samples (active connections, CPU, memory), written and read. */
import { sql } from 'kysely';
import type { Db } from '../../store/tables.js';

export interface GaugeSample {
  server_id: string;
  metric_name: string;
  metric_value: number;
  tags: null;
  timestamp: number;
}

export type GaugeName = 'active_connections' | 'cpu' | 'memory';

/**
 * A sample's step number from `start`. Integer literals, not parameters: PostgreSQL matches the
 * GROUP BY expression with the selected one by their text, and two parameters are two texts
 * (`$1 … $3`), which it refuses.
 */
const stepOf = (start: number, stepMs: number) =>
  sql<
    number | string
  >`(${sql.ref('timestamp')} - ${sql.lit(Math.trunc(start))}) / ${sql.lit(Math.trunc(stepMs))}`;

export const gaugesRepo = {
  async insertMany(db: Db, rows: GaugeSample[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto('server_metrics')
        .values(rows.slice(i, i + 500))
        .execute();
  },

  /** A server's samples of one gauge over [from, to), averaged (and maxed) per step of `stepMs` from `start`. */
  async perStep(
    db: Db,
    q: { serverId: string; metric: GaugeName; from: number; to: number; start: number; stepMs: number },
  ): Promise<{ b: number; avg: number; max: number }[]> {
    const bucket = stepOf(q.start, q.stepMs);
    const rows = await db
      .selectFrom('server_metrics')
      .select((eb) => [
        bucket.as('b'),
        eb.fn.avg('metric_value').as('avg'),
        eb.fn.max<number | string>('metric_value').as('max'),
      ])
      .where('server_id', '=', q.serverId)
      .where('metric_name', '=', q.metric)
      .where('timestamp', '>=', q.from)
      .where('timestamp', '<', q.to)
      .groupBy(bucket)
      .orderBy(bucket)
      .execute();
    return rows.map((r) => ({ b: Number(r.b), avg: Number(r.avg), max: Number(r.max) }));
  },

  /**
   * Every server's samples of one gauge over [from, to), averaged per server and step of `stepMs`
   * from `start` (the fleet's figure is their sum per step: the caller adds them up).
   */
  async perServerStep(
    db: Db,
    q: { metric: GaugeName; from: number; to: number; start: number; stepMs: number },
  ): Promise<{ server_id: string; b: number; avg: number }[]> {
    const bucket = stepOf(q.start, q.stepMs);
    const rows = await db
      .selectFrom('server_metrics')
      .select((eb) => ['server_id', bucket.as('b'), eb.fn.avg('metric_value').as('avg')])
      .where('metric_name', '=', q.metric)
      .where('timestamp', '>=', q.from)
      .where('timestamp', '<', q.to)
      .groupBy(['server_id', bucket])
      .execute();
    return rows.map((r) => ({ server_id: r.server_id, b: Number(r.b), avg: Number(r.avg) }));
  },

  /** Every server's latest sample of a gauge taken at or after `from`. */
  async latestByServer(db: Db, metric: GaugeName, from: number): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('server_metrics')
      .select(['server_id', 'metric_value', 'timestamp'])
      .where('metric_name', '=', metric)
      .where('timestamp', '>=', from)
      .orderBy('timestamp')
      .orderBy('id')
      .execute();
    const out = new Map<string, number>();
    for (const r of rows) out.set(r.server_id, r.metric_value);
    return out;
  },
};
