import { fromJson, toJson } from '../store/json.js';
import type { Db } from '../store/tables.js';
import type { DeliveryAttempt } from './channels/channel.js';
import { stateFromRow, stateToRow } from './rows.js';
import type { InstanceState } from './state-machine.js';

/** Instance states, history rows and delivery tries: thin typed queries (migration 003). */

export interface StoredState {
  ruleId: number;
  serverId: string;
  state: InstanceState;
  historyId: number | null;
}

export interface MetricSnapshot {
  status: string;
  response_time_ms: number | null;
  error_rate: number | null;
  rps: number | null;
}

export interface HistoryEntry {
  id: number;
  rule_id: number | null;
  server_id: string | null;
  state: string;
  severity: string | null;
  value: number | null;
  triggered_at: string;
  resolved_at: string | null;
  notification_sent: boolean;
  snapshot: MetricSnapshot | null;
}

export interface HistoryFilter {
  server?: string | undefined;
  rule?: number | undefined;
  state?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export const statesRepo = {
  async list(db: Db): Promise<StoredState[]> {
    const rows = await db.selectFrom('alert_states').selectAll().execute();
    return rows.map((r) => ({
      ruleId: r.rule_id,
      serverId: r.server_id,
      state: stateFromRow(r),
      historyId: r.history_id,
    }));
  },
  async save(db: Db, s: StoredState, now: number): Promise<void> {
    const row = stateToRow(s.ruleId, s.serverId, s.state, s.historyId, now);
    const rest = {
      state: row.state,
      active_since: row.active_since,
      fired_at: row.fired_at,
      last_notified_at: row.last_notified_at,
      resolved_at: row.resolved_at,
      value: row.value,
      history_id: row.history_id,
      updated_at: row.updated_at,
    };
    await db
      .insertInto('alert_states')
      .values(row)
      .onConflict((oc) => oc.columns(['rule_id', 'server_id']).doUpdateSet(rest))
      .execute();
  },
  async delete(db: Db, ruleId: number, serverId: string): Promise<void> {
    await db
      .deleteFrom('alert_states')
      .where('rule_id', '=', ruleId)
      .where('server_id', '=', serverId)
      .execute();
  },
};

export const historyRepo = {
  async insertFiring(
    db: Db,
    h: {
      ruleId: number;
      serverId: string;
      triggeredAt: number;
      value: number | null;
      severity: string;
      snapshot: MetricSnapshot;
    },
  ): Promise<number> {
    const { id } = await db
      .insertInto('alert_history')
      .values({
        rule_id: h.ruleId,
        server_id: h.serverId,
        triggered_at: h.triggeredAt,
        resolved_at: null,
        metric_value: h.value,
        notification_sent: 0,
        state: 'firing',
        severity: h.severity,
        snapshot: toJson(h.snapshot),
        channel_results: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  },
  async resolve(db: Db, id: number, resolvedAt: number): Promise<void> {
    await db
      .updateTable('alert_history')
      .set({ state: 'resolved', resolved_at: resolvedAt })
      .where('id', '=', id)
      .execute();
  },
  async markSent(db: Db, id: number, results: unknown): Promise<void> {
    await db
      .updateTable('alert_history')
      .set({ notification_sent: 1, channel_results: toJson(results) })
      .where('id', '=', id)
      .execute();
  },
  async list(db: Db, f: HistoryFilter): Promise<HistoryEntry[]> {
    let q = db.selectFrom('alert_history').selectAll();
    if (f.server !== undefined) q = q.where('server_id', '=', f.server);
    if (f.rule !== undefined) q = q.where('rule_id', '=', f.rule);
    if (f.state !== undefined) q = q.where('state', '=', f.state);
    if (f.from !== undefined) q = q.where('triggered_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('triggered_at', '<=', f.to);
    const rows = await q.orderBy('triggered_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      rule_id: r.rule_id,
      server_id: r.server_id,
      state: r.state,
      severity: r.severity,
      value: r.metric_value,
      triggered_at: iso(r.triggered_at),
      resolved_at: r.resolved_at === null ? null : iso(r.resolved_at),
      notification_sent: r.notification_sent === 1,
      snapshot: fromJson<MetricSnapshot | null>(r.snapshot, null),
    }));
  },
};

export const notificationsRepo = {
  async record(
    db: Db,
    n: { historyId: number | null; channelId: number | null; notification: string; attempt: DeliveryAttempt },
  ): Promise<void> {
    const a = n.attempt;
    await db
      .insertInto('alert_notifications')
      .values({
        history_id: n.historyId,
        channel_id: n.channelId,
        channel_kind: a.kind,
        notification: n.notification,
        try: a.try,
        outcome: a.outcome,
        status: a.status ?? null,
        error: a.error,
        at: a.started_at,
        duration_ms: Math.round(a.duration_ms),
      })
      .execute();
  },
};
