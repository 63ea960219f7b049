/** The API's shapes as the dashboard reads them; names as the API spells them. */

export type Status = 'healthy' | 'warning' | 'critical' | 'offline' | 'disabled' | 'unknown';

export interface Server {
  id: string;
  name: string;
  transport: 'stdio' | 'streamable-http' | 'sse';
  endpoint: string;
  url?: string;
  headers?: Record<string, string>;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string | null;
  tags: string[];
  source: string;
  enabled: boolean;
  disabled_until: string | null;
  disabled_reason: string | null;
  status: Status;
  status_reason: string | null;
  response_time_ms: number | null;
  response_time_source: 'traffic' | 'probe' | null;
  active_connections: number;
  last_check: string | null;
  consecutive_failures: number;
  last_error: string | null;
  protocol_version: string | null;
  protocol_era: string | null;
  server_info: { name?: string; version?: string; [k: string]: unknown } | null;
  capabilities: Record<string, unknown> | null;
  tool_count: number | null;
  created_at: string;
  updated_at: string;
  health_check_interval?: number;
}

export interface Check {
  id: number;
  server_id: string;
  status: Status;
  ok: boolean;
  checked_at: string;
  response_time_ms: number | null;
  error: string | null;
  metadata: Record<string, unknown>;
}

export interface ServerEvent {
  id: number;
  server_id: string;
  kind: string;
  message: string;
  data: Record<string, unknown>;
  at: string;
}

export interface LogLine {
  at: string;
  stream: string;
  line: string;
}

export interface SeriesPoint {
  t: number;
  v: number | null;
}

export interface SeriesResult {
  metric: string;
  resolution: string;
  stepMs: number;
  from: number;
  to: number;
  points: SeriesPoint[];
  aggregate: number | null;
  compare?: { points: SeriesPoint[]; aggregate: number | null; changePercent: number | null };
}

export interface GaugeResult {
  metric: string;
  stepMs: number;
  points: { t: number; avg: number; max: number }[];
}

export interface EndpointRow {
  endpoint: string;
  requests: number;
  rps: number;
  errors: number;
  toolErrors: number;
  timeouts: number;
  errorRatePercent: number | null;
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface AlertMessage {
  rule: { id: number; name: string };
  server: { id: string; name: string };
  state: 'firing' | 'resolved';
  value: number | null;
  threshold: number;
  severity: string;
  metric?: AlertMetric;
  /** Set on a channel's test notification. */
  test?: boolean;
  triggered_at: string;
  url?: string;
  summary?: string;
  [k: string]: unknown;
}

/** A notification in the bell (GET /api/v1/notifications, and the live feed). */
export interface DashboardNotification {
  id: number;
  at: string;
  read: boolean;
  /** The alert's history entry; null for a test notification. */
  history_id: number | null;
  title: string;
  message: AlertMessage;
}

export interface ActiveAlert {
  rule_id: number;
  rule_name: string | null;
  metric: AlertMetric | null;
  severity: Severity | null;
  server_id: string;
  history_id: number | null;
  value: number | null;
  fired_at: string | null;
  active_since: string | null;
}

export type AlertMetric =
  | 'response_time_avg'
  | 'response_time_p95'
  | 'response_time_p99'
  | 'error_rate'
  | 'rps'
  | 'active_connections'
  | 'cpu'
  | 'memory'
  | 'status_offline';
export type AlertCondition = 'gt' | 'lt' | 'eq' | 'gte' | 'lte';
export type Severity = 'critical' | 'warning' | 'info';

export interface AlertRule {
  id: number;
  name: string;
  description: string | null;
  metric: AlertMetric;
  condition: AlertCondition;
  threshold: number;
  evaluation_period: number;
  servers: string[] | null;
  severity: Severity;
  channels: number[];
  repeat_interval: number | null;
  enabled: boolean;
  source: 'api' | 'config';
}

export type ChannelKind = 'email' | 'webhook' | 'dashboard' | 'log';

export interface Channel {
  id: number;
  name: string;
  kind: ChannelKind;
  config: Record<string, unknown>;
  enabled: boolean;
}

export interface HistoryAction {
  id: number;
  history_id: number;
  action: 'ack' | 'silence' | 'comment';
  by: string;
  at: string;
  comment: string | null;
  until: string | null;
}

export interface HistoryItem {
  id: number;
  rule_id: number | null;
  rule_name: string | null;
  server_id: string | null;
  state: string;
  severity: string | null;
  value: number | null;
  triggered_at: string;
  resolved_at: string | null;
  resolved_reason: string | null;
  notification_sent: boolean;
  snapshot: {
    status: string;
    response_time_ms: number | null;
    error_rate: number | null;
    rps: number | null;
  } | null;
  actions: HistoryAction[];
  acknowledged: { by: string; at: string } | null;
  silenced_until: string | null;
}

export interface NotificationTry {
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
}

export interface HistoryDetail extends HistoryItem {
  notifications: NotificationTry[];
}

export interface Silence {
  id: number;
  rule_id: number | null;
  server_id: string | null;
  tag: string | null;
  starts_at: string;
  ends_at: string;
  comment: string | null;
  by: string;
  active: boolean;
}

export interface Info {
  version: string;
  auth_required: boolean;
  dashboard_refresh_interval_ms: number;
  store: string;
}

/** Usage of one server or the fleet (GET /api/v1/usage, /api/v1/servers/:id/usage). */
export interface Usage {
  server_id: string | null;
  from: number;
  to: number;
  time_zone: string;
  requests: number;
  errors: number;
  tool_errors: number;
  error_rate_percent: number | null;
  by_hour_of_day: { hour: number; requests: number }[];
  by_day_of_week: { day: number; requests: number }[];
  top_endpoints: {
    server_id: string;
    endpoint: string;
    requests: number;
    error_rate_percent: number | null;
  }[];
  clients: { client_name: string; client_version: string; requests: number; errors: number }[];
  protocol_versions: { protocol_version: string; requests: number }[];
  daily: { day: number; requests: number; errors: number; tool_errors: number }[];
}

/** The answer to a channel's test notification. */
export interface ChannelTest {
  ok: boolean;
  error: string | null;
  tries: unknown[];
}
