import type { Generated, Kysely } from 'kysely';
import type { AlertHistoryTable, AlertRulesTable, Database } from '../store/tables.js';

/**
 * Kysely types of the tables migration 003-alerts adds or changes. Not yet merged into
 * store/tables.ts: `alertsDb()` gives the typed view until then.
 */

/** alert_rules after 003: the seed's columns + severity, channels (JSON ids), repeat interval. */
export interface AlertRulesTable003 extends AlertRulesTable {
  severity: Generated<string>;
  channels: Generated<string>;
  repeat_interval: number | null;
}

/** alert_history after 003: + state, severity, snapshot and channel results (JSON text). */
export interface AlertHistoryTable003 extends AlertHistoryTable {
  state: Generated<string>;
  severity: string | null;
  snapshot: string | null;
  channel_results: string | null;
}

export interface NotificationChannelsTable {
  id: Generated<number>;
  name: string;
  kind: string;
  /** JSON; secrets included (redacted only in API answers). */
  config: string;
  enabled: Generated<number>;
  created_at: number;
  updated_at: number;
}

/** Persisted state-machine state per (rule, server) instance. */
export interface AlertStatesTable {
  rule_id: number;
  server_id: string;
  state: string;
  active_since: number | null;
  fired_at: number | null;
  last_notified_at: number | null;
  resolved_at: number | null;
  value: number | null;
  history_id: number | null;
  updated_at: number;
}

export interface AlertNotificationsTable {
  id: Generated<number>;
  history_id: number | null;
  channel_id: number | null;
  channel_kind: string;
  notification: string;
  try: number;
  outcome: string;
  status: number | null;
  error: string | null;
  at: number;
  duration_ms: number;
}

export interface AlertActionsTable {
  id: Generated<number>;
  history_id: number;
  action: string;
  actor: string;
  comment: string | null;
  silence_until: number | null;
  at: number;
}

export interface AlertSilencesTable {
  id: Generated<number>;
  rule_id: number | null;
  server_id: string | null;
  tag: string | null;
  starts_at: number;
  ends_at: number;
  comment: string | null;
  created_by: string;
  created_at: number;
}

export interface AlertTables {
  alert_rules: AlertRulesTable003;
  alert_history: AlertHistoryTable003;
  notification_channels: NotificationChannelsTable;
  alert_states: AlertStatesTable;
  alert_notifications: AlertNotificationsTable;
  alert_actions: AlertActionsTable;
  alert_silences: AlertSilencesTable;
}

export type AlertsDatabase = Omit<Database, 'alert_rules' | 'alert_history'> & AlertTables;

/**
 * The store's Kysely instance typed with the alert tables. Safe because migration 003-alerts
 * creates exactly these tables and columns before anything calls this (once it is registered
 * in store/migrate.ts); Kysely types are compile-time only, the instance is unchanged.
 */
export const alertsDb = (db: Kysely<Database>): Kysely<AlertsDatabase> =>
  db as unknown as Kysely<AlertsDatabase>;
