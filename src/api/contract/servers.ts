/**
 * `/api/v1/servers…`: the fleet, one server, its checks, logs and actions. The body of a new
 * server is the config file's server entry (config/server-input.ts, one member per transport),
 * so the route declares that schema itself; this file holds what only the API says.
 */
import { z } from 'zod';
import { statuses, type Status } from '../../model/server.js';
import { isoTime } from './common.js';

// safe because: statuses lists every Status (model/server.ts), and an enum needs a non-empty tuple.
const status = z.enum(statuses as [Status, ...Status[]]);

/** GET /api/v1/servers: filters, each optional. */
export const serverListQuery = z.object({
  status: status.optional(),
  tag: z.string().optional(),
  /** Part of the name or id, any case. */
  q: z.string().optional(),
});
export type ServerListQuery = z.infer<typeof serverListQuery>;

/** How many checks, log lines and events (newest first). */
export const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

/** PATCH /api/v1/servers/:id: any fields of a server entry; the registry merges and checks them. */
export const serverPatch = z.record(z.string(), z.unknown());

const MAX_DISABLE_MINUTES = 366 * 24 * 60;
/** POST /api/v1/servers/:id/disable: for `minutes`, or `until` a time; with an optional reason. */
export const disableBody = z
  .strictObject({
    minutes: z.number().positive().max(MAX_DISABLE_MINUTES).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((b) => (b.minutes === undefined) !== (b.until === undefined), {
    error: 'give either minutes or until',
    path: ['minutes'],
  });
export type DisableBody = z.input<typeof disableBody>;

/**
 * A server as the API and the live hub show it: secrets replaced by a marker, times in ISO
 * 8601. The transport's own fields (url, headers, prometheus_url; command, args, env, cwd) are
 * there for that transport only; the overrides only when set.
 */
export const serverView = z.object({
  id: z.string(),
  name: z.string(),
  transport: z.enum(['stdio', 'streamable-http', 'sse']),
  /** The URL, or the command line of a stdio server. */
  endpoint: z.string(),
  url: z.string().optional(),
  /** Header names, each value the redaction marker. */
  headers: z.record(z.string(), z.string()).optional(),
  prometheus_url: z.string().nullable().optional(),
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  /** Secret values are the redaction marker. */
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().nullable().optional(),
  tags: z.array(z.string()),
  /** The server's SLO, when it has one: target percent up over a rolling window (`30d`). */
  slo: z.object({ target: z.number(), window: z.string() }).optional(),
  health_check_interval: z.number().optional(),
  health_check_timeout: z.number().optional(),
  health_check_retries: z.number().optional(),
  response_time_warning_ms: z.number().optional(),
  response_time_critical_ms: z.number().optional(),
  error_rate_warning_percent: z.number().optional(),
  error_rate_critical_percent: z.number().optional(),
  /** The declared capacity, when set (`GET /api/v1/capacity` learns what is not). */
  capacity: z
    .object({
      max_rps: z.number().optional(),
      max_connections: z.number().optional(),
      max_cpu_percent: z.number().optional(),
      max_memory_mb: z.number().optional(),
    })
    .optional(),
  /** `config`: from the config file (read-only here); `api`: added through the API or the dashboard. */
  source: z.enum(['config', 'api']),
  enabled: z.boolean(),
  disabled_until: isoTime.nullable(),
  disabled_reason: z.string().nullable(),
  status,
  status_reason: z.string().nullable(),
  response_time_ms: z.number().nullable(),
  response_time_source: z.enum(['probe', 'traffic']),
  active_connections: z.number().int(),
  last_check: isoTime.nullable(),
  consecutive_failures: z.number().int(),
  last_error: z.string().nullable(),
  protocol_version: z.string().nullable(),
  protocol_era: z.enum(['legacy', 'modern']).nullable(),
  server_info: z.object({ name: z.string(), version: z.string() }).nullable(),
  capabilities: z.record(z.string(), z.unknown()).nullable(),
  tool_count: z.number().int().nullable(),
  /** The maintenance window the server is in now (its status still comes from checks); null when none. */
  maintenance: z.object({ id: z.number().int(), title: z.string(), until: isoTime }).nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  /** In the list answer: uptime % over the last 24 h and 30 days (`{ "24h": 99.95, "30d": 99.99 }`), null with no check counted. */
  uptime: z.record(z.string(), z.number().nullable()).optional(),
});
export type ServerView = z.infer<typeof serverView>;

export const serverList = z.object({ servers: z.array(serverView) });
export type ServerList = z.infer<typeof serverList>;

/** One health check. */
export const checkView = z.object({
  id: z.number().int(),
  server_id: z.string(),
  status,
  ok: z.boolean(),
  checked_at: isoTime,
  response_time_ms: z.number().nullable(),
  error: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
});
export type CheckView = z.infer<typeof checkView>;

export const checkList = z.object({ checks: z.array(checkView) });
export type CheckList = z.infer<typeof checkList>;

/** POST /api/v1/servers/:id/check: the check it ran and the server after it. */
export const checkNowResult = z.object({ check: checkView, server: serverView });
export type CheckNowResult = z.infer<typeof checkNowResult>;

/** A line a stdio server wrote to stderr, or the supervisor wrote about it. */
export const logLine = z.object({ at: isoTime, stream: z.enum(['stderr', 'supervisor']), line: z.string() });
export type LogLine = z.infer<typeof logLine>;

/** Something that happened to a server: config_change, disabled, enabled, status changes… */
export const serverEvent = z.object({
  id: z.number().int(),
  server_id: z.string().nullable(),
  kind: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
  at: isoTime,
});
export type ServerEvent = z.infer<typeof serverEvent>;

/** GET /api/v1/servers/:id/logs. */
export const serverLogs = z.object({
  logs: z.array(logLine),
  checks: z.array(checkView),
  events: z.array(serverEvent),
});
export type ServerLogs = z.infer<typeof serverLogs>;
