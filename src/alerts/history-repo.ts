import { fromJson, toJson } from '../store/json.js';
import type { Selectable } from 'kysely';
import type { AlertHistoryTable, Db } from '../store/tables.js';
import type { DeliveryAttempt } from '../model/notification.js';
import { stateFromRow, stateToRow } from './rows.js';
import type { InstanceState } from './state-machine.js';
import { iso } from '../shared/iso-time.js';

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
  /** null once the rule is deleted. */
  rule_id: number | null;
  /** The rule's name when it fired. */
  rule_name: string | null;
  server_id: string | null;
  state: string;
  severity: string | null;
  value: number | null;
  triggered_at: string;
  resolved_at: string | null;
  /** Why it resolved: 'condition', or the rule or server no longer covering it (see tables.ts). */
  resolved_reason: string | null;
  notification_sent: boolean;
  snapshot: MetricSnapshot | null;
}

/** One delivery try, or a notification held back ('suppressed', try 0) by a silence, a silence action or a maintenance window. */
export interface NotificationView {
  id: number;
  channel_id: number | null;
  channel_kind: string;
  notification: string;
  try: number;
  outcome: string;
  status: number | null;
  error: string | null;
  at: string;
  duration_ms: number;
  silence_id: number | null;
  action_id: number | null;
  /** The maintenance window that held it back. */
  maintenance_id: number | null;
}

export type ResolveReason =
  'condition' | 'rule_disabled' | 'rule_changed' | 'rule_deleted' | 'server_disabled' | 'server_removed';

export interface HistoryFilter {
  server?: string | undefined;
  rule?: number | undefined;
  state?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

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
  /** Saves many states at once (one statement per 200), as one evaluation's changes. */
  async saveMany(db: Db, states: readonly StoredState[], now: number): Promise<void> {
    for (let i = 0; i < states.length; i += 200) {
      const rows = states
        .slice(i, i + 200)
        .map((s) => stateToRow(s.ruleId, s.serverId, s.state, s.historyId, now));
      await db
        .insertInto('alert_states')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['rule_id', 'server_id']).doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            active_since: eb.ref('excluded.active_since'),
            fired_at: eb.ref('excluded.fired_at'),
            last_notified_at: eb.ref('excluded.last_notified_at'),
            resolved_at: eb.ref('excluded.resolved_at'),
            value: eb.ref('excluded.value'),
            history_id: eb.ref('excluded.history_id'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
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
      ruleName: string;
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
        rule_name: h.ruleName,
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
  async resolve(db: Db, id: number, resolvedAt: number, reason: ResolveReason = 'condition'): Promise<void> {
    await db
      .updateTable('alert_history')
      .set({ state: 'resolved', resolved_at: resolvedAt, resolved_reason: reason })
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
    return rows.map(entryFromRow);
  },
  async get(db: Db, id: number): Promise<HistoryEntry | undefined> {
    const row = await db.selectFrom('alert_history').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? entryFromRow(row) : undefined;
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
  /** A notification a silence (or a silence action) held back from one channel. */
  async recordSuppressed(
    db: Db,
    n: {
      historyId: number | null;
      channelId: number;
      channelKind: string;
      notification: string;
      at: number;
      silenceId: number | null;
      actionId: number | null;
      maintenanceId?: number | null;
    },
  ): Promise<void> {
    await db
      .insertInto('alert_notifications')
      .values({
        history_id: n.historyId,
        channel_id: n.channelId,
        channel_kind: n.channelKind,
        notification: n.notification,
        try: 0,
        outcome: 'suppressed',
        status: null,
        error: null,
        at: n.at,
        duration_ms: 0,
        silence_id: n.silenceId,
        action_id: n.actionId,
        maintenance_id: n.maintenanceId ?? null,
      })
      .execute();
  },
  /** An entry's notifications, oldest first. */
  async listFor(db: Db, historyId: number): Promise<NotificationView[]> {
    const rows = await db
      .selectFrom('alert_notifications')
      .selectAll()
      .where('history_id', '=', historyId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      channel_id: r.channel_id,
      channel_kind: r.channel_kind,
      notification: r.notification,
      try: r.try,
      outcome: r.outcome,
      status: r.status,
      error: r.error,
      at: iso(r.at),
      duration_ms: r.duration_ms,
      silence_id: r.silence_id,
      action_id: r.action_id,
      maintenance_id: r.maintenance_id,
    }));
  },
};

function entryFromRow(r: Selectable<AlertHistoryTable>): HistoryEntry {
  return {
    id: r.id,
    rule_id: r.rule_id,
    rule_name: r.rule_name,
    server_id: r.server_id,
    state: r.state,
    severity: r.severity,
    value: r.metric_value,
    triggered_at: iso(r.triggered_at),
    resolved_at: r.resolved_at === null ? null : iso(r.resolved_at),
    resolved_reason: r.resolved_reason,
    notification_sent: r.notification_sent === 1,
    snapshot: fromJson<MetricSnapshot | null>(r.snapshot, null),
  };
}
