import { z } from 'zod';
import type { ServerOverrides, Transport } from '../model/server.js';
import { TRANSPORTS, transports } from '../mcp/transports/index.js';

/** Per-server overrides, named exactly as the config keys they override (model/server.ts `ServerOverrides`). */
export const serverOverridesShape = {
  /** `{ target: 99.9, window: '30d' }`: the share of time up (percent) over a rolling window of 1–90 days. */
  slo: z
    .strictObject({
      target: z.number().min(50).max(99.999),
      window: z
        .string()
        .regex(/^([1-9]|[1-8][0-9]|90)d$/, 'a whole number of days from 1d to 90d, as 30d')
        .default('30d'),
    })
    .optional(),
  health_check_interval: z.number().min(1).max(86_400).optional(),
  health_check_timeout: z.number().positive().max(300).optional(),
  health_check_retries: z.number().int().min(1).max(100).optional(),
  response_time_warning_ms: z.number().positive().optional(),
  response_time_critical_ms: z.number().positive().optional(),
  error_rate_warning_percent: z.number().min(0).max(100).optional(),
  error_rate_critical_percent: z.number().min(0).max(100).optional(),
  /** What the server can take; `GET /api/v1/capacity` learns what is left out. */
  capacity: z
    .strictObject({
      max_rps: z.number().positive().max(1e9).optional(),
      max_connections: z.number().int().positive().max(1e9).optional(),
      max_cpu_percent: z.number().positive().max(100_000).optional(),
      max_memory_mb: z.number().positive().max(1e9).optional(),
    })
    .optional(),
};
// Fails to compile when the shape and the model's type name different keys.
const sameKeys: Record<keyof typeof serverOverridesShape, true> & Record<keyof ServerOverrides, true> = {
  slo: true,
  health_check_interval: true,
  health_check_timeout: true,
  health_check_retries: true,
  response_time_warning_ms: true,
  response_time_critical_ms: true,
  error_rate_warning_percent: true,
  error_rate_critical_percent: true,
  capacity: true,
};
// safe because: sameKeys lists exactly the shape's keys (checked above).
export const overrideKeys = Object.keys(sameKeys) as (keyof ServerOverrides)[];

const name = z.string().trim().min(1, 'name is required').max(100);
const tags = z.array(z.string().trim().min(1).max(50)).max(50).default([]);

const common = { name, tags, enabled: z.boolean().default(true), ...serverOverridesShape };

/** One member per transport: the common fields, the transport, and the fields it adds (mcp/transports/). */
const memberInput = <T extends Transport, S extends z.ZodRawShape>(transport: T, shape: S) =>
  z.strictObject({ ...common, transport: z.literal(transport), ...shape });
type MemberInput<T extends Transport> = ReturnType<
  typeof memberInput<T, (typeof transports)[T]['inputShape']>
>;

// safe because: each element is memberInput of its own transport; the registry is never empty.
const members = TRANSPORTS.map((t) => memberInput(t, transports[t].inputShape)) as unknown as [
  z.ZodObject,
  ...z.ZodObject[],
];

/** The body of a new server, and an entry of `servers:` in the config file: the same fields. */
// safe because: the union of the members' schemas parses to the union of their outputs.
export const serverInput = z.discriminatedUnion('transport', members, {
  error: (issue) =>
    issue.code === 'invalid_union' ? `transport must be one of ${TRANSPORTS.join(', ')}` : undefined,
}) as unknown as z.ZodType<ServerInput, ServerInputRaw>;
export type ServerInput = { [T in Transport]: z.output<MemberInput<T>> }[Transport];
export type ServerInputRaw = { [T in Transport]: z.input<MemberInput<T>> }[Transport];
