import type { Generated, Kysely } from 'kysely';

/**
 * Table types. Times are epoch milliseconds (bigint in PostgreSQL, integer in SQLite): one
 * representation on both backends, sortable and compact. JSON columns are text holding JSON.
 */
export interface ServersTable {
  id: string;
  name: string;
  transport: string;
  /** JSON: url/headers or command/args/env/cwd, secrets included (never returned by the API). */
  spec: string;
  tags: string;
  overrides: string;
  source: string;
  enabled: number;
  disabled_until: number | null;
  disabled_reason: string | null;
  status: string;
  status_reason: string | null;
  last_check: number | null;
  response_time_ms: number | null;
  consecutive_failures: number;
  last_error: string | null;
  protocol_version: string | null;
  server_info: string | null;
  capabilities: string | null;
  tool_count: number | null;
  created_at: number;
  updated_at: number;
}

/** One row per health check (the seed's table, plus `ok`). */
export interface ServerHealthTable {
  id: Generated<number>;
  server_id: string;
  server_name: string;
  endpoint_url: string;
  status: string;
  ok: number;
  last_check: number;
  response_time_ms: number | null;
  error_message: string | null;
  metadata: string | null;
  /** The instance that made the check (migration 018); null on SQLite and for older rows. */
  instance_id: string | null;
}

export interface ServerMetricsTable {
  id: Generated<number>;
  server_id: string;
  metric_name: string;
  metric_value: number;
  tags: string | null;
  timestamp: number;
}

export interface ErrorEventsTable {
  id: Generated<number>;
  server_id: string;
  endpoint: string | null;
  error_type: string | null;
  error_message: string | null;
  stack_trace: string | null;
  request_id: string | null;
  client_info: string | null;
  timestamp: number;
  /** The sample's group (011); null for samples written before groups were linked. */
  group_id: number | null;
  error_code: number | null;
  /** The error's `data` as JSON text. */
  error_data: string | null;
}

/** The seed's alert_rules + severity, channels (JSON ids), repeat interval (003), source (004). */
export interface AlertRulesTable {
  id: Generated<number>;
  name: string;
  description: string | null;
  metric_name: string;
  condition: string;
  threshold: number;
  evaluation_period: number;
  servers: string | null;
  enabled: number;
  created_at: number;
  updated_at: number;
  severity: Generated<string>;
  channels: Generated<string>;
  repeat_interval: number | null;
  /** 'api' or 'config' (declared in the config file's `alert_rules`, read-only through the API). */
  source: Generated<string>;
  /** What an `anomaly_score` rule watches: requests, p95, error_rate (013); null for other metrics. */
  series: string | null;
  /** Seconds (015): how long a group waits for more servers, and between its later updates. */
  group_wait: Generated<number>;
  group_interval: Generated<number>;
  /** JSON `[{ after_minutes, channels }]` or null (015). */
  escalation: string | null;
}

/**
 * The seed's alert_history + state, severity, metric snapshot and channel results (003), and why
 * it resolved (004: 'condition', 'rule_disabled', 'rule_changed', 'rule_deleted', 'server_disabled',
 * 'server_removed').
 */
export interface AlertHistoryTable {
  id: Generated<number>;
  rule_id: number | null;
  server_id: string | null;
  triggered_at: number;
  resolved_at: number | null;
  metric_value: number | null;
  notification_sent: number;
  state: Generated<string>;
  severity: string | null;
  snapshot: string | null;
  channel_results: string | null;
  resolved_reason: string | null;
  /** The rule's name when it fired (004): the entry outlives its rule, whose id is then cleared. */
  rule_name: string | null;
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

/**
 * Every delivery try; `outcome` 'suppressed' (try 0) when a silence (`silence_id`) or a history
 * entry's silence action (`action_id`) held the notification back (004).
 */
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
  silence_id: number | null;
  action_id: number | null;
  /** The maintenance window that held the notification back (015). */
  maintenance_id: Generated<number | null>;
}

/** The escalation steps sent for a history entry (015): one row per step, never sent twice. */
export interface AlertEscalationsTable {
  history_id: number;
  step: number;
  at: number;
}

/**
 * Maintenance windows (015): servers or tags (JSON), the first start, its length, an optional
 * recurrence (JSON `{ rrule }` or `{ cron }`) read in `time_zone`; `source` 'api' or 'config'.
 */
export interface MaintenanceWindowsTable {
  id: Generated<number>;
  title: string;
  servers: string | null;
  tags: string | null;
  starts_at: number;
  duration_ms: number;
  recurrence: string | null;
  time_zone: string;
  source: Generated<string>;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** Acknowledge, silence until, comment on a history entry: who (`actor`) and when. */
export interface AlertActionsTable {
  id: Generated<number>;
  history_id: number;
  action: string;
  actor: string;
  comment: string | null;
  silence_until: number | null;
  at: number;
}

/** Silences / maintenance windows: rule, server and tag matchers (null = any), from–to. */
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

/** Deployments (a server's reported version changed), config changes, disable/enable. */
export interface EventsTable {
  id: Generated<number>;
  server_id: string | null;
  kind: string;
  message: string;
  data: string | null;
  at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  details: string | null;
}

/** Request traffic per (server, endpoint, bucket); several rows per bucket are merged by readers. */
export interface RequestRollupsTable {
  id: Generated<number>;
  server_id: string;
  endpoint: string;
  resolution: '1m' | '1h' | '1d';
  bucket_start: number;
  count: number;
  /** Outcomes `error`, `transport_error`, `timeout` (tool errors are apart). */
  errors: number;
  tool_errors: number;
  timeouts: number;
  sum_ms: number;
  min_ms: number;
  max_ms: number;
  /** DDSketch of the latencies (src/metrics/sketch-codec.ts). */
  sketch: Uint8Array;
  /** 1 once counted in the next coarser tier. */
  rolled: Generated<number>;
}

/** Hourly requests by client and protocol version; unknown values are ''. */
export interface UsageRollupsTable {
  id: Generated<number>;
  bucket_start: number;
  server_id: string;
  client_name: string;
  client_version: string;
  protocol_version: string;
  count: number;
  /** JSON-RPC, transport and timeout errors. */
  errors: number;
  /** Results with `isError: true` (0 in rows written before migration 008). */
  tool_errors: Generated<number>;
}

export interface ErrorGroupsTable {
  id: Generated<number>;
  fingerprint: string;
  server_id: string;
  endpoint: string;
  error_type: string;
  message: string;
  first_seen: number;
  last_seen: number;
  count: number;
  /** 011: what failed, the JSON-RPC code, the title and what a person made of it. */
  kind: Generated<string>;
  code: number | null;
  title: Generated<string>;
  status: Generated<string>;
  resolution_note: string | null;
  regression: Generated<number>;
  resolved_at: number | null;
  status_changed_at: number | null;
}

/** Errors per group per bucket ('1m', '1h', '1d') and client name ('' unknown) (011). */
export interface ErrorCountsTable {
  resolution: string;
  bucket_start: number;
  group_id: number;
  client_name: string;
  server_id: string;
  kind: string;
  count: number;
}

/** The dashboard's notifications (the bell) with their read state (010). */
export interface NotificationsTable {
  id: Generated<number>;
  at: number;
  title: string;
  /** JSON: the alert message (alerts/channels/channel.ts `AlertMessage`). */
  message: string;
  history_id: number | null;
  /** 0 or 1. */
  read: Generated<number>;
}

/** The aggregator's committed flush ids (migration 005): a retried flush writes nothing twice. */
export interface MetricFlushesTable {
  flush_id: string;
  committed_at: number;
}

/**
 * Incidents (012): a server's spell of trouble, open → resolved. The sets (fingerprints, group
 * ids, servers, endpoints, clients) and `shape` (error rate %, one value per `shape_step_ms` from
 * `shape_from`) are JSON arrays.
 */
export interface IncidentsTable {
  id: Generated<number>;
  server_id: string;
  status: string;
  /** What opened it: 'error_rate', 'group' or 'alert'. */
  cause: string;
  title: string;
  opened_at: number;
  closed_at: number | null;
  updated_at: number;
  baseline_rate: number | null;
  peak_rate: number | null;
  errors: number;
  fingerprints: string;
  group_ids: string;
  servers: string;
  endpoints: string;
  clients: string;
  shape: string;
  shape_from: number;
  shape_step_ms: number;
  alert_history_id: number | null;
  /** Evaluations in a row below the closing threshold (it closes after two). */
  calm_evaluations: number;
  resolution_note: string | null;
  /** 'auto' (fell back) or 'hand' (resolved through the API); null while open. */
  resolved_by: string | null;
}

/** People who sign in (016); `password_hash` is scrypt's (src/users/passwords.ts). */
export interface UsersTable {
  id: Generated<number>;
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
}

/** Dashboard sessions (016), kept as the SHA-256 of the cookie's secret. */
export interface UserSessionsTable {
  secret_hash: string;
  user_id: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** Per-user API tokens (016), kept as the SHA-256 of the secret; `servers`: JSON ids of a gateway scope. */
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  role: string;
  secret_hash: string;
  servers: string | null;
  expires_at: number | null;
  created_at: number;
  last_used_at: number | null;
}

/** A peer instance this one polls (DESIGN §6). */
export interface FederationPeersTable {
  id: string;
  name: string;
  url: string;
  /** The peer's api_token, sealed (src/shared/secrets/secret-box.ts); never returned by the API. */
  token: string;
  enabled: number;
  /** `config`: from the config file's federation_peers (read-only through the API); `api`. */
  source: string;
  created_at: number;
  updated_at: number;
}

/** The one row holding this instance's stable id. */
export interface FederationInstanceTable {
  id: string;
  created_at: number;
}

/** Time up and down per server and bucket, added to with each check (014). */
export interface CheckRollupsTable {
  server_id: string;
  /** '1m' (kept 48 h), '1h' (`metrics_retention_days`), '1d' (400 days). */
  resolution: string;
  bucket_start: number;
  up_ms: number;
  down_ms: number;
  checks: number;
  failed_checks: number;
}

/** A status page (014): `servers` and `tags` are JSON arrays, one of them null. */
export interface StatusPagesTable {
  id: Generated<number>;
  slug: string;
  title: string;
  servers: string | null;
  tags: string | null;
  /** 0 or 1: 1 is readable without the token. */
  public: number;
  created_at: number;
  updated_at: number;
}

/** A live (or lately live) instance of a cluster on PostgreSQL (migration 018, src/cluster/). */
export interface InstancesTable {
  id: string;
  name: string;
  address: string;
  version: string;
  started_at: number;
  heartbeat_at: number;
}

/** Which instance probes a server, until when; `epoch` is bumped at each change of owner. */
export interface ServerLeasesTable {
  server_id: string;
  owner: string;
  expires_at: number;
  epoch: number;
}

/** The leader lease (one row, `leader`): its owner, expiry and fencing epoch. */
export interface ClusterLeaderTable {
  name: string;
  owner: string;
  expires_at: number;
  epoch: number;
}

/** One alert notification under its unique key (rule, server, transition): pending until handled. */
export interface NotificationKeysTable {
  key: string;
  rule_id: number;
  server_id: string;
  history_id: number | null;
  kind: string;
  /** JSON: what a new leader needs to send it again (the server's name and tags, the notification). */
  payload: string;
  state: 'pending' | 'sent';
  /** The leader epoch that wrote it. */
  epoch: number;
  created_at: number;
  sent_at: number | null;
}

export interface Database {
  servers: ServersTable;
  server_health: ServerHealthTable;
  server_metrics: ServerMetricsTable;
  error_events: ErrorEventsTable;
  alert_rules: AlertRulesTable;
  alert_history: AlertHistoryTable;
  notification_channels: NotificationChannelsTable;
  alert_states: AlertStatesTable;
  alert_notifications: AlertNotificationsTable;
  alert_actions: AlertActionsTable;
  alert_silences: AlertSilencesTable;
  alert_escalations: AlertEscalationsTable;
  maintenance_windows: MaintenanceWindowsTable;
  events: EventsTable;
  audit_log: AuditLogTable;
  request_rollups: RequestRollupsTable;
  usage_rollups: UsageRollupsTable;
  error_groups: ErrorGroupsTable;
  error_counts: ErrorCountsTable;
  metric_flushes: MetricFlushesTable;
  notifications: NotificationsTable;
  incidents: IncidentsTable;
  users: UsersTable;
  user_sessions: UserSessionsTable;
  api_tokens: ApiTokensTable;
  federation_peers: FederationPeersTable;
  federation_instance: FederationInstanceTable;
  check_rollups: CheckRollupsTable;
  status_pages: StatusPagesTable;
  instances: InstancesTable;
  server_leases: ServerLeasesTable;
  cluster_leader: ClusterLeaderTable;
  notification_keys: NotificationKeysTable;
}

export type Db = Kysely<Database>;
export type Dialect = 'sqlite' | 'postgres';
