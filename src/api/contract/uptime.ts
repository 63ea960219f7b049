/** `/api/v1/servers/:id/uptime` and `/api/v1/uptime`: uptime from checks, request success, SLOs, heartbeats. */
import { z } from 'zod';
import { statuses, type Status } from '../../model/server.js';
import { isoTime } from './common.js';
import { formatQuery } from './csv.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_MS = 400 * UNIT_MS.d;
const valid = (w: string) => {
  const m = /^([1-9][0-9]{0,5})([mhd])$/.exec(w);
  return m !== null && Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] <= MAX_MS;
};

/** `24h,7d,30d,90d`: windows ending now, each a whole number of minutes, hours or days up to 400 days. */
export const windowsParam = (defaults: string) =>
  z
    .string()
    .max(200)
    .default(defaults)
    .transform((s) => s.split(',').map((w) => w.trim()))
    .refine((ws) => ws.length >= 1 && ws.length <= 10, 'give 1 to 10 windows')
    .refine((ws) => ws.every(valid), 'each window is a number and m, h or d (as 24h, 30d), at most 400 days')
    .refine((ws) => new Set(ws).size === ws.length, 'windows must be unique');

export const uptimeQuery = z.object({ windows: windowsParam('24h,7d,30d,90d'), ...formatQuery });
export type UptimeQuery = z.input<typeof uptimeQuery>;

export const windowUptime = z.object({
  window: z.string(),
  from: isoTime,
  to: isoTime,
  /** The share of time the server was up (its checks answered), %; null when no check counted. */
  uptime_percent: z.number().nullable(),
  up_seconds: z.number().int(),
  down_seconds: z.number().int(),
  checks: z.number().int(),
  failed_checks: z.number().int(),
  /** Requests through the gateway or reported in the window. */
  requests: z.number().int(),
  /** The share of those that succeeded (the second SLI), %; null without traffic. */
  request_success_percent: z.number().nullable(),
});
export type WindowUptimeView = z.infer<typeof windowUptime>;

export const sloView = z.object({
  target: z.number(),
  window: z.string(),
  uptime_percent: z.number().nullable(),
  /** 100 untouched, 0 spent, negative overspent; null before any check is counted. */
  error_budget_remaining_percent: z.number().nullable(),
  error_budget_remaining_seconds: z.number().nullable(),
  /** The fast pair's burn rate: the lower of the last hour's and the last 5 minutes'. */
  burn_rate: z.number().nullable(),
});

export const serverUptime = z.object({
  server_id: z.string(),
  windows: z.array(windowUptime),
  /** The server's SLO and its error budget; null when it has none. */
  slo: sloView.nullable(),
});
export type ServerUptimeView = z.infer<typeof serverUptime>;

// safe because: statuses lists every Status (model/server.ts), and an enum needs a non-empty tuple.
const status = z.enum(statuses as [Status, ...Status[]]);

/** GET /api/v1/uptime: every server's uptime per window, and its latest checks (the cards' strips). */
export const fleetUptimeQuery = z.object({
  windows: windowsParam('24h'),
  heartbeats: z.coerce.number().int().min(0).max(100).default(50),
});
export type FleetUptimeQuery = z.input<typeof fleetUptimeQuery>;

export const heartbeat = z.object({ at: isoTime, status, ok: z.boolean() });
export type HeartbeatView = z.infer<typeof heartbeat>;

export const fleetUptime = z.object({
  servers: z.array(
    z.object({
      server_id: z.string(),
      /** Uptime % by window (`{ "24h": 99.95 }`), null with no check counted. */
      uptime: z.record(z.string(), z.number().nullable()),
      /** The latest checks, newest first. */
      heartbeats: z.array(heartbeat),
    }),
  ),
});
export type FleetUptime = z.infer<typeof fleetUptime>;
