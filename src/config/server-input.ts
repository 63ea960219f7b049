import { z } from 'zod';
import type { ServerOverrides } from '../model/server.js';

/** Per-server overrides, named exactly as the config keys they override (model/server.ts `ServerOverrides`). */
export const serverOverridesShape = {
  health_check_interval: z.number().min(1).max(86_400).optional(),
  health_check_timeout: z.number().positive().max(300).optional(),
  health_check_retries: z.number().int().min(1).max(100).optional(),
  response_time_warning_ms: z.number().positive().optional(),
  response_time_critical_ms: z.number().positive().optional(),
  error_rate_warning_percent: z.number().min(0).max(100).optional(),
  error_rate_critical_percent: z.number().min(0).max(100).optional(),
};
// Fails to compile when the shape and the model's type name different keys.
const sameKeys: Record<keyof typeof serverOverridesShape, true> & Record<keyof ServerOverrides, true> = {
  health_check_interval: true,
  health_check_timeout: true,
  health_check_retries: true,
  response_time_warning_ms: true,
  response_time_critical_ms: true,
  error_rate_warning_percent: true,
  error_rate_critical_percent: true,
};
// safe because: sameKeys lists exactly the shape's keys (checked above).
export const overrideKeys = Object.keys(sameKeys) as (keyof ServerOverrides)[];

/** Text a command line or environment can carry: no NUL (the OS cannot pass one). */
const argText = z.string().refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');

/** An env value is a plain string, or `{ value, secret: true }` to keep it out of every response and log. */
const envValue = z.union([argText, z.object({ value: argText, secret: z.boolean().default(true) })]);

/** RFC 9110 §5.1: a field name is a token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * RFC 9110 §5.5: visible characters with inner spaces and tabs; no CR, LF, NUL or other controls,
 * no leading or trailing whitespace. US-ASCII only: RFC 9110 keeps Latin-1 (obs-text) as opaque
 * bytes that clients and servers decode differently (a UTF-8 "é" arrives as "Ã©").
 */
// eslint-disable-next-line no-control-regex -- HTAB is allowed inside a field value
const FIELD_VALUE = /^(?:[\x21-\x7e](?:[\x20\x09\x21-\x7e]*[\x21-\x7e])?)?$/;
/** Set by the transport itself; a configured value would break the exchange. */
const MANAGED = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'mcp-session-id',
  'mcp-protocol-version',
]);

/** Header names and values as RFC 9110 has them; a bad one is refused naming the header. */
const headers = z.record(z.string(), z.string()).superRefine((h, ctx) => {
  for (const [name, value] of Object.entries(h)) {
    const path = [name];
    if (!TOKEN.test(name))
      ctx.addIssue({
        code: 'custom',
        path,
        message: `"${name.slice(0, 60)}" is not a valid header name (RFC 9110: letters, digits and !#$%&'*+-.^_\`|~, no spaces)`,
      });
    else if (MANAGED.has(name.toLowerCase()))
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${name} is set by the transport and cannot be configured`,
      });
    else if (!FIELD_VALUE.test(value))
      ctx.addIssue({
        code: 'custom',
        path,
        message:
          'the value must be visible US-ASCII characters (inner spaces and tabs allowed), with no CR, LF, NUL or other control characters and no leading or trailing spaces',
      });
  }
});

const name = z.string().trim().min(1, 'name is required').max(100);
const tags = z.array(z.string().trim().min(1).max(50)).max(50).default([]);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const common = { name, tags, enabled: z.boolean().default(true), ...serverOverridesShape };

export const stdioServerInput = z.strictObject({
  ...common,
  transport: z.literal('stdio'),
  command: argText.pipe(z.string().trim().min(1, 'command is required for a stdio server')),
  args: z.array(argText).default([]),
  env: z
    .record(z.string(), envValue)
    .superRefine((env, ctx) => {
      for (const name of Object.keys(env))
        if (name === '' || name.includes('=') || name.includes('\u0000'))
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'an environment variable name must be non-empty, without "=" or NUL',
          });
    })
    .default({}),
  cwd: argText.pipe(z.string().min(1)).optional(),
});

export const httpServerInput = z.strictObject({
  ...common,
  transport: z.enum(['streamable-http', 'sse']),
  url: httpUrl,
  headers: headers.default({}),
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
