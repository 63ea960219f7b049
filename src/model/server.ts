/** A server: what a person declares (spec, tags, overrides) and what the checks found (state). */
import type { ProtocolEra } from './probe.js';

/**
 * A server's service level objective (issue 17): the share of time it should be up, in percent,
 * over a rolling window such as `30d` (uptime/windows.ts reads it).
 */
export interface Slo {
  target: number;
  window: string;
}

/**
 * Per-server overrides of the settings of the same names (DESIGN §7), and the server's SLO,
 * which is kept and edited with them (the same JSON column, `null` in a PATCH clears it).
 */
export interface ServerOverrides {
  slo?: Slo;
  health_check_interval?: number;
  health_check_timeout?: number;
  health_check_retries?: number;
  response_time_warning_ms?: number;
  response_time_critical_ms?: number;
  error_rate_warning_percent?: number;
  error_rate_critical_percent?: number;
  /** What the server can take (DESIGN §11); what is not declared is learned from its history. */
  capacity?: ServerCapacity;
}

/** A server's declared capacity: requests per second, concurrent connections, CPU (% of a core), memory. */
export interface ServerCapacity {
  max_rps?: number | undefined;
  max_connections?: number | undefined;
  max_cpu_percent?: number | undefined;
  max_memory_mb?: number | undefined;
}

export type Transport = 'stdio' | 'streamable-http' | 'sse';
export type Status = 'healthy' | 'warning' | 'critical' | 'offline' | 'disabled' | 'unknown';
export const statuses: readonly Status[] = [
  'offline',
  'critical',
  'warning',
  'healthy',
  'disabled',
  'unknown',
];

/** An env value as stored: secret ones are never returned by the API or logged. */
export interface EnvValue {
  value: string;
  secret: boolean;
}

export type ServerSpec =
  | {
      transport: 'stdio';
      command: string;
      args: string[];
      env: Record<string, EnvValue>;
      cwd?: string | undefined;
    }
  | ({ transport: 'streamable-http' } & HttpSpecFields)
  | ({ transport: 'sse' } & HttpSpecFields);

/** The fields both HTTP transports have. Header values are all secret. */
export interface HttpSpecFields {
  url: string;
  headers: Record<string, string>;
  prometheusUrl?: string | undefined;
}

/** What the last checks found; kept in `servers` so a restart shows the last known state. */
export interface ServerState {
  status: Status;
  statusReason: string | null;
  lastCheck: number | null;
  responseTimeMs: number | null;
  /** Where `responseTimeMs` comes from: traffic through the gateway or reported, else probes. */
  responseTimeSource: 'probe' | 'traffic';
  consecutiveFailures: number;
  lastError: string | null;
  protocolVersion: string | null;
  era: ProtocolEra | null;
  serverInfo: { name: string; version: string } | null;
  capabilities: Record<string, unknown> | null;
  toolCount: number | null;
}

export interface ServerRecord {
  id: string;
  name: string;
  spec: ServerSpec;
  tags: string[];
  overrides: ServerOverrides;
  /** `config`: declared in the config file (edit the file to change it); `api`: added through the API or UI. */
  source: 'config' | 'api';
  enabled: boolean;
  disabledUntil: number | null;
  disabledReason: string | null;
  state: ServerState;
  createdAt: number;
  updatedAt: number;
}

export const initialState = (): ServerState => ({
  status: 'unknown',
  statusReason: 'not checked yet',
  lastCheck: null,
  responseTimeMs: null,
  responseTimeSource: 'probe',
  consecutiveFailures: 0,
  lastError: null,
  protocolVersion: null,
  era: null,
  serverInfo: null,
  capabilities: null,
  toolCount: null,
});

/** Disabled until a time still to come: paused by a person for a while. */
export const pausedUntil = (s: Pick<ServerRecord, 'disabledUntil'>, now: number): number | null =>
  s.disabledUntil !== null && s.disabledUntil > now ? s.disabledUntil : null;

/** Not checked and not proxied: disabled in its definition, or paused until a time to come. */
export const isPaused = (s: Pick<ServerRecord, 'enabled' | 'disabledUntil'>, now: number): boolean =>
  !s.enabled || pausedUntil(s, now) !== null;
