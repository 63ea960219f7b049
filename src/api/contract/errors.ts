/**
 * The errors API's contract (DESIGN §10): what each route accepts and answers, as zod schemas.
 * The routes validate with the input schemas; the answers' schemas document them (and tests
 * hold the answers to them) until the routes declare them through the type provider.
 */
import { z } from 'zod';
import { ERROR_KINDS } from '../../model/error.js';
import { queryTime as time } from './common.js';
import { formatQuery } from './csv.js';

const window = { from: time.optional(), to: time.optional() };
const STATUSES = ['open', 'resolved', 'ignored'] as const;

export const errorListQuery = z.strictObject({
  ...window,
  server: z.string().min(1).max(255).optional(),
  endpoint: z.string().min(1).max(300).optional(),
  kind: z.enum(ERROR_KINDS).optional(),
  status: z.enum(STATUSES).optional(),
  /** Words in the title, message or type. */
  q: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** `csv`: the groups as rows (servers, endpoints and clients as JSON arrays). */
  ...formatQuery,
});

export const errorTrendQuery = z.strictObject({ ...window, server: z.string().min(1).max(255).optional() });

export const groupParams = z.strictObject({ id: z.coerce.number().int().positive() });

export const groupQuery = z.strictObject({
  ...window,
  samples: z.coerce.number().int().min(1).max(100).default(20),
});

export const groupPatch = z
  .strictObject({
    status: z.enum(STATUSES).optional(),
    resolution_note: z.string().max(10_000).nullable().optional(),
  })
  .refine((p) => p.status !== undefined || p.resolution_note !== undefined, {
    error: 'give status, resolution_note or both',
  });

const isoTime = z.iso.datetime();

export const errorGroup = z.object({
  id: z.number().int(),
  fingerprint: z.string(),
  title: z.string(),
  kind: z.enum(ERROR_KINDS),
  code: z.number().int().nullable(),
  /** `invalid_params`, `tool_error`, `connection_refused`…: the `error_type` label of /metrics. */
  type: z.string(),
  /** Errors in the window asked (for a PATCH answer: since first seen). */
  count: z.number().int(),
  total: z.number().int(),
  servers: z.array(z.string()),
  endpoints: z.array(z.string()),
  clients: z.array(z.string()),
  first_seen: isoTime,
  last_seen: isoTime,
  status: z.enum(STATUSES),
  regression: z.boolean(),
  resolution_note: z.string().nullable(),
  resolved_at: isoTime.nullable(),
});

export const errorList = z.object({ from: z.number(), to: z.number(), groups: z.array(errorGroup) });

const kindPoint = z.object({ count: z.number().int(), rate: z.number().nullable() });

export const errorTrend = z.object({
  from: z.number(),
  to: z.number(),
  step_ms: z.number().int(),
  resolution: z.enum(['1m', '1h', '1d']),
  points: z.array(
    z.object({
      t: z.number(),
      requests: z.number().int(),
      errors: z.number().int(),
      rate: z.number().nullable(),
      by_kind: z.object(Object.fromEntries(ERROR_KINDS.map((k) => [k, kindPoint]))),
    }),
  ),
});

export const errorSample = z.object({
  id: z.number().int(),
  time: isoTime,
  server: z.string(),
  endpoint: z.string().nullable(),
  type: z.string().nullable(),
  code: z.number().int().nullable(),
  message: z.string().nullable(),
  data: z.unknown(),
  stack_trace: z.string().nullable(),
  client: z
    .object({
      name: z.string().nullable(),
      version: z.string().nullable(),
      protocol_version: z.string().nullable(),
    })
    .nullable(),
  session_id: z.string().nullable(),
  request_id: z.string().nullable(),
});

export const errorGroupDetail = errorGroup.extend({
  samples: z.array(errorSample),
  by_server: z.array(z.object({ server: z.string(), count: z.number().int() })),
  by_endpoint: z.array(z.object({ endpoint: z.string(), count: z.number().int() })),
  by_client: z.array(z.object({ client: z.string().nullable(), count: z.number().int() })),
});

export type ErrorListQuery = z.input<typeof errorListQuery>;
export type ErrorTrendQuery = z.input<typeof errorTrendQuery>;
export type GroupPatch = z.input<typeof groupPatch>;
export type ErrorGroup = z.infer<typeof errorGroup>;
export type ErrorList = z.infer<typeof errorList>;
export type ErrorTrend = z.infer<typeof errorTrend>;
export type ErrorSample = z.infer<typeof errorSample>;
export type ErrorGroupDetail = z.infer<typeof errorGroupDetail>;
