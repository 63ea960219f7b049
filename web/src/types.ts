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
  rule: { id: string; name: string };
  server: { id: string; name: string };
  state: 'firing' | 'resolved';
  value: number | null;
  threshold: number;
  severity: string;
  triggered_at: string;
  url?: string;
  [k: string]: unknown;
}

export interface DashboardNotification {
  title: string;
  message: AlertMessage;
}

export interface ActiveAlert {
  rule_id: string;
  server_id: string;
  history_id: number | null;
  value: number | null;
  fired_at: string | null;
  active_since: string | null;
}

export interface Info {
  version: string;
  auth_required: boolean;
  dashboard_refresh_interval_ms: number;
  store: string;
}
