/** Usage for capacity planning: one server's and the fleet's (`/api/v1/servers/:id/usage`, `/api/v1/usage`). */
import { z } from 'zod';
import { queryTime } from './common.js';
import { formatQuery } from './csv.js';

/** The tables of a usage report, one of which `?format=csv` sends. */
export const USAGE_TABLES = [
  'daily',
  'by_hour_of_day',
  'by_day_of_week',
  'top_endpoints',
  'clients',
  'protocol_versions',
] as const;

/** [from, to) (the last 30 days by default, at most 400), top-list length, and the zone of hours and days. */
export const usageQuery = z.strictObject({
  from: queryTime.optional(),
  to: queryTime.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  /** Hours, weekdays and days in this IANA time zone (default UTC); the route checks the name. */
  time_zone: z.string().max(64).optional(),
  ...formatQuery,
  /** With `format=csv`: which table of the report (default `daily`). */
  table: z.enum(USAGE_TABLES).default('daily'),
});
export type UsageQuery = z.input<typeof usageQuery>;

export const usageReport = z.object({
  /** null: the whole fleet. */
  server_id: z.string().nullable(),
  from: z.number(),
  to: z.number(),
  time_zone: z.string(),
  requests: z.number(),
  errors: z.number(),
  tool_errors: z.number(),
  /** (errors + tool errors) / requests, %; null without requests. */
  error_rate_percent: z.number().nullable(),
  /** Always 24 entries, hour 0–23 local time. */
  by_hour_of_day: z.array(z.object({ hour: z.number().int(), requests: z.number() })),
  /** Always 7 entries, 0 = Sunday … 6 = Saturday. */
  by_day_of_week: z.array(z.object({ day: z.number().int(), requests: z.number() })),
  top_endpoints: z.array(
    z.object({
      server_id: z.string(),
      endpoint: z.string(),
      requests: z.number(),
      errors: z.number(),
      tool_errors: z.number(),
      error_rate_percent: z.number().nullable(),
    }),
  ),
  clients: z.array(
    z.object({
      client_name: z.string(),
      client_version: z.string(),
      requests: z.number(),
      errors: z.number(),
    }),
  ),
  protocol_versions: z.array(z.object({ protocol_version: z.string(), requests: z.number() })),
  /** Every day of the range, oldest first; `day` is the instant the day began (epoch ms). */
  daily: z.array(
    z.object({ day: z.number(), requests: z.number(), errors: z.number(), tool_errors: z.number() }),
  ),
});
export type UsageReport = z.infer<typeof usageReport>;
