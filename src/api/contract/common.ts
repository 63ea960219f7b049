/**
 * What every part of the API shares: the path parameters, times, the error envelope, and the
 * service routes (/healthz, /readyz, /api/v1/info). The contract files import only zod and
 * src/model, so the dashboard can take their types (`import type`) without the server's code.
 */
import { z } from 'zod';

/** An instant as the API writes it: ISO 8601 in UTC (`2026-12-03T14:00:00.000Z`). */
export const isoTime = z.iso.datetime();
/** An instant a client sends in a body: ISO 8601 with any offset. */
export const isoTimeInput = z.iso.datetime({ offset: true });

/** A time in a query: ISO 8601 or epoch ms, read as epoch ms. */
export const queryTime = z.union([
  z.coerce.number().int().positive(),
  z.iso.datetime({ offset: true }).transform((t) => Date.parse(t)),
]);

/** `:id` of a server's routes: the server's slug. */
export const serverIdParams = z.object({ id: z.string().min(1) });
/** `:id` of rules, channels, history entries and silences: a positive integer. */
export const idParams = z.object({ id: z.coerce.number().int().positive() });

/** Every error: `{ error: { code, message, details, request_id } }`; a 400 names each field in details. */
export const errorBody = z.object({
  error: z.object({
    code: z.string().meta({ examples: ['validation_failed', 'not_found', 'unauthorised', 'conflict'] }),
    message: z.string(),
    details: z
      .unknown()
      .describe('For validation errors: `{ fields: [{ field, message }] }`, naming each field.'),
    request_id: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** An empty answer (204). */
export const noContent = z.null().describe('No content');

export const healthz = z.object({ status: z.literal('ok') });
export const readyz = z.object({
  status: z.enum(['ready', 'store unreachable', 'store not writable']),
  store: z.enum(['sqlite', 'postgres']),
  /** Why writes fail (disk full), when they do. */
  cause: z.string().optional(),
});
export type Readyz = z.infer<typeof readyz>;

/** What the dashboard needs before sign-in. */
export const info = z.object({
  version: z.string(),
  auth_required: z.boolean(),
  dashboard_refresh_interval_ms: z.number(),
  store: z.enum(['sqlite', 'postgres']),
  stdio_servers_from_api: z.boolean(),
});
export type Info = z.infer<typeof info>;
