import { z } from 'zod';
import { ruleInputSchema } from '../model/alert-rule.js';
import { maintenanceInputSchema } from '../model/maintenance.js';
import { peerInputSchema } from '../model/peer.js';
import { serverInput } from './server-input.js';
import { roles } from '../model/role.js';
import { parseCidr } from '../shared/cidr.js';

/** Every setting of DESIGN §7, with the seed's defaults. Seconds unless the name says ms. */
export const settingsShape = {
  health_check_interval: z.number().min(1).max(86_400).default(30),
  metrics_collection_interval: z.number().min(1).max(3_600).default(10),
  metrics_retention_days: z.number().int().min(1).max(3_650).default(30),
  error_retention_days: z.number().int().min(1).max(3_650).default(90),
  health_check_timeout: z.number().positive().max(300).default(5),
  health_check_retries: z.number().int().min(1).max(100).default(3),
  response_time_warning_ms: z.number().positive().default(500),
  response_time_critical_ms: z.number().positive().default(1000),
  error_rate_warning_percent: z.number().min(0).max(100).default(1.0),
  error_rate_critical_percent: z.number().min(0).max(100).default(5.0),
  dashboard_refresh_interval: z.number().min(1).max(3_600).default(5),
  max_timeline_points: z.number().int().min(10).max(100_000).default(1000),
  /** How many health checks may run at the same moment. */
  check_concurrency: z.number().int().min(1).max(10_000).default(200),
  /** Largest request body the gateway forwards, bytes; larger gets HTTP 413. */
  gateway_max_body_bytes: z
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  /**
   * The most a health check reads of any one answer from a server, bytes: an HTTP body, an SSE
   * event, a stdio line. A larger answer fails the check instead of being read.
   */
  max_probe_response_bytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(1024 * 1024),
  /**
   * The most the gateway holds of one message it must read whole, bytes: a stdio server's line,
   * a legacy SSE server's event (Streamable HTTP answers stream through and are never held).
   * A larger one fails its request with a JSON-RPC error.
   */
  gateway_max_message_bytes: z
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /**
   * Gateway sessions a stdio server may have at once (a child process each). At the limit, a new
   * session ends the least recently used idle one.
   */
  gateway_max_stdio_sessions: z.number().int().min(1).max(10_000).default(64),
  /** How long the gateway waits for a server's answer, seconds. */
  gateway_request_timeout: z.number().positive().max(3600).default(60),
  /** How often every alert rule is evaluated, seconds (a status change is evaluated at once). */
  alert_evaluation_interval: z.number().min(1).max(3_600).default(15),
  /** How often incidents are opened and closed from the error rates and alerts, seconds; 0: never (DESIGN §10). */
  incident_evaluation_interval: z.number().min(0).max(3_600).default(60),
  port: z.number().int().min(0).max(65_535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  data_dir: z.string().min(1).default('./data'),
  /** `postgres://...` selects PostgreSQL; absent means SQLite at `<data_dir>/mcp-health.db`. */
  database_url: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /**
   * PostgreSQL only, several instances on one store (DESIGN §13): how often each instance says it
   * is alive and renews its leases, seconds. An instance silent for 3 intervals is dead; its
   * servers move to the others within two lease periods (a lease lasts 3 intervals).
   */
  cluster_heartbeat_interval: z.number().min(0.1).max(300).default(5),
  /** When set, the API and dashboard require `Authorization: Bearer <api_token>`. */
  api_token: z.string().min(8, 'must be at least 8 characters').optional(),
  /**
   * The URL people use to reach the monitor (behind a proxy, say): its host is accepted in `Host`
   * and its origin in `Origin`, and alert links point there. Default: the listening address.
   */
  public_url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** How long a dashboard sign-in lasts at most, hours. */
  session_lifetime_hours: z.number().positive().max(8_760).default(168),
  /** A dashboard sign-in unused this long ends, minutes. */
  session_idle_minutes: z.number().positive().max(525_600).default(720),
  /**
   * Trusted header auth (off by default): the request header in which a reverse proxy that does
   * the sign-in (oauth2-proxy and the like) names the user, e.g. `X-Forwarded-User`. Read only
   * from the addresses in `auth_proxy_trusted`.
   */
  auth_proxy_header: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a header name')
    .optional(),
  /** The header listing the user's groups (comma-separated), e.g. `X-Forwarded-Groups`. */
  auth_proxy_groups_header: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a header name')
    .optional(),
  /**
   * The role of each user or group the proxy names (`alice: admin`, `ops: operator`); the highest
   * that applies wins. In the environment: `alice=admin,ops=operator`.
   */
  auth_proxy_roles: z.preprocess(
    (v): unknown =>
      typeof v === 'string'
        ? Object.fromEntries(
            v
              .split(',')
              .filter((x) => x.includes('='))
              .map((x) => x.split('=').map((y) => y.trim())),
          )
        : v,
    z.record(z.string().min(1).max(200), z.enum(roles)).default({}),
  ),
  /** The role of a proxy-named user that `auth_proxy_roles` does not name; unset, such a user is refused (403). */
  auth_proxy_default_role: z.enum(roles).optional(),
  /** The proxies' addresses or CIDR ranges (`127.0.0.1`, `10.0.0.0/8`); the header from any other address is ignored. */
  auth_proxy_trusted: z.preprocess(
    (v): unknown =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : v,
    z
      .array(z.string().refine((a) => parseCidr(a) !== undefined, 'must be an IP address or a CIDR range'))
      .max(100)
      .default([]),
  ),
  /** Listen on a non-loopback address with no authentication (refused unless this is set). */
  insecure_no_auth: z.boolean().default(false),
  /**
   * Whether stdio servers (a command this monitor runs) may be added or changed through the API.
   * Default: true on a loopback listener, false on any other. Config-file servers are unaffected.
   */
  allow_stdio_servers_from_api: z.boolean().optional(),
  /**
   * Encrypts the secrets kept in the store (header values, secret env values, channel
   * passwords); absent, a random key is kept in `<data_dir>/secret.key`. Every host of one
   * PostgreSQL store needs the same key.
   */
  secret_key: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How often each federation peer's summary is read, seconds (DESIGN §6). */
  federation_poll_interval: z.number().min(1).max(3_600).default(15),
  /** This instance's name in a federated view and in `GET /api/v1/cluster`; default: the host name (the cluster adds the pid). */
  instance_name: z.string().trim().min(1).max(255).optional(),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const configSchema = z
  .object({
    ...settingsShape,
    servers: z.array(serverInput).default([]),
    /** Alert rules as code: the API's rule body; synced at start, read-only through the API. */
    alert_rules: z.array(ruleInputSchema).default([]),
    /** Maintenance windows as code: the API's window body; synced at start (by title), read-only through the API. */
    maintenance: z.array(maintenanceInputSchema).max(1000).default([]),
    /** Federation peers as code: the API's peer body; synced at start, read-only through the API. */
    federation_peers: z.array(peerInputSchema).max(1000).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.auth_proxy_header !== undefined && c.auth_proxy_trusted.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['auth_proxy_trusted'],
        message: 'required with auth_proxy_header: the header is taken only from these proxy addresses',
      });
    if (
      !isLoopback(c.host) &&
      c.api_token === undefined &&
      c.auth_proxy_header === undefined &&
      !c.insecure_no_auth
    )
      ctx.addIssue({
        code: 'custom',
        path: ['api_token'],
        message: `required when listening on ${c.host} (not a loopback address): anyone who reaches the port could run commands through the API. Set api_token (MCP_HEALTH_API_TOKEN), listen on 127.0.0.1, or pass --insecure-no-auth`,
      });
    if (c.response_time_warning_ms > c.response_time_critical_ms)
      ctx.addIssue({
        code: 'custom',
        path: ['response_time_warning_ms'],
        message: 'must not exceed response_time_critical_ms',
      });
    if (c.error_rate_warning_percent > c.error_rate_critical_percent)
      ctx.addIssue({
        code: 'custom',
        path: ['error_rate_warning_percent'],
        message: 'must not exceed error_rate_critical_percent',
      });
    const seen = new Set<string>();
    c.servers.forEach((s, i) => {
      if (seen.has(s.name.toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: ['servers', i, 'name'],
          message: `duplicate server name "${s.name}"`,
        });
      seen.add(s.name.toLowerCase());
    });
    const ruleNames = new Set<string>();
    c.alert_rules.forEach((r, i) => {
      if (ruleNames.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['alert_rules', i, 'name'],
          message: `duplicate alert rule name "${r.name}"`,
        });
      ruleNames.add(r.name);
    });
    const titles = new Set<string>();
    c.maintenance.forEach((w, i) => {
      if (titles.has(w.title))
        ctx.addIssue({
          code: 'custom',
          path: ['maintenance', i, 'title'],
          message: `duplicate maintenance window title "${w.title}"`,
        });
      titles.add(w.title);
    });
    const peerNames = new Set<string>();
    c.federation_peers.forEach((p, i) => {
      if (peerNames.has(p.name.toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: ['federation_peers', i, 'name'],
          message: `duplicate peer name "${p.name}"`,
        });
      peerNames.add(p.name.toLowerCase());
    });
  });

export type Config = z.output<typeof configSchema>;

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1'
  );
}

/** `allow_stdio_servers_from_api` as set, or its default for the listening address. */
export const stdioFromApiAllowed = (c: Config): boolean =>
  c.allow_stdio_servers_from_api ?? isLoopback(c.host);
export type SettingKey = keyof typeof settingsShape;
export const settingKeys = Object.keys(settingsShape) as SettingKey[];
