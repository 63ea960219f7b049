import { z } from 'zod';

/** Per-server overrides, named exactly as the config keys they override. */
export const serverOverridesShape = {
  health_check_interval: z.number().min(1).max(86_400).optional(),
  health_check_timeout: z.number().positive().max(300).optional(),
  health_check_retries: z.number().int().min(1).max(100).optional(),
  response_time_warning_ms: z.number().positive().optional(),
  response_time_critical_ms: z.number().positive().optional(),
  error_rate_warning_percent: z.number().min(0).max(100).optional(),
  error_rate_critical_percent: z.number().min(0).max(100).optional(),
};
export type ServerOverrides = {
  [K in keyof typeof serverOverridesShape]?: number;
};
export const overrideKeys = Object.keys(serverOverridesShape) as (keyof ServerOverrides)[];

/** An env value is a plain string, or `{ value, secret: true }` to keep it out of every response and log. */
const envValue = z.union([z.string(), z.object({ value: z.string(), secret: z.boolean().default(true) })]);

const name = z.string().trim().min(1, 'name is required').max(100);
const tags = z.array(z.string().trim().min(1).max(50)).max(50).default([]);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const common = { name, tags, enabled: z.boolean().default(true), ...serverOverridesShape };

export const stdioServerInput = z.strictObject({
  ...common,
  transport: z.literal('stdio'),
  command: z.string().trim().min(1, 'command is required for a stdio server'),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), envValue).default({}),
  cwd: z.string().min(1).optional(),
});

export const httpServerInput = z.strictObject({
  ...common,
  transport: z.enum(['streamable-http', 'sse']),
  url: httpUrl,
  headers: z.record(z.string(), z.string()).default({}),
  /** The server's own Prometheus endpoint, for its CPU and memory (`process_cpu_seconds_total`, `process_resident_memory_bytes`). */
  prometheus_url: httpUrl.optional(),
});

/** The body of a new server, and an entry of `servers:` in the config file: the same fields. */
export const serverInput = z.discriminatedUnion('transport', [stdioServerInput, httpServerInput], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'transport must be one of stdio, streamable-http, sse' : undefined,
});
export type ServerInput = z.output<typeof serverInput>;
export type ServerInputRaw = z.input<typeof serverInput>;
