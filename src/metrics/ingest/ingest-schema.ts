import { z } from 'zod';
import type { RequestEvent } from '../../model/request-event.js';
import { DAY_MS } from '../aggregate/bucket.js';
import { DAY_TIER_DAYS } from '../read/tiers.js';

/** A reporter's clock may run a little ahead; further ahead is a wrong clock or a forged event. */
export const MAX_FUTURE_MS = 5 * 60_000;

const startedAtMs = (v: string | number): number => (typeof v === 'number' ? v : Date.parse(v));

/** One request event as servers report it (snake_case JSON), validated at the boundary. */
export const ingestEvent = z.strictObject({
  server: z.string().min(1).max(200),
  endpoint: z.string().min(1).max(300).optional(),
  method: z.string().min(1).max(200),
  started_at: z
    .union([z.iso.datetime({ offset: true }), z.number().int().positive()])
    .refine(
      (v) => startedAtMs(v) <= Date.now() + MAX_FUTURE_MS,
      'must not be more than 5 minutes in the future',
    )
    // Past events are welcome (backfill: aggregate/backfill.ts), as far back as the longest tier keeps.
    .refine(
      (v) => startedAtMs(v) >= Date.now() - DAY_TIER_DAYS * DAY_MS,
      `must not be more than ${DAY_TIER_DAYS} days in the past (the longest retention, of the day tier)`,
    ),
  latency_ms: z.number().min(0).max(3_600_000),
  outcome: z.enum(['ok', 'error', 'tool_error', 'transport_error', 'timeout', 'cancelled']),
  error_code: z.number().int().nullable().optional(),
  error_message: z.string().max(10_000).nullable().optional(),
  error_data: z.unknown().optional(),
  client_name: z.string().max(200).nullable().optional(),
  client_version: z.string().max(100).nullable().optional(),
  protocol_version: z.string().max(50).nullable().optional(),
  session_id: z.string().max(200).nullable().optional(),
  request_id: z
    .union([z.string().max(200), z.number()])
    .nullable()
    .optional(),
  bytes_in: z.number().int().min(0).optional(),
  bytes_out: z.number().int().min(0).optional(),
});
export type IngestEvent = z.output<typeof ingestEvent>;

export const ingestBatch = z.strictObject({ events: z.array(ingestEvent).min(1).max(10_000) });

export function toRequestEvent(e: IngestEvent, serverId: string): RequestEvent {
  return {
    serverId,
    endpoint: e.endpoint ?? e.method,
    method: e.method,
    startedAt: startedAtMs(e.started_at),
    latencyMs: e.latency_ms,
    outcome: e.outcome,
    errorCode: e.error_code ?? null,
    errorMessage: e.error_message ?? null,
    errorData: e.error_data ?? null,
    clientName: e.client_name ?? null,
    clientVersion: e.client_version ?? null,
    protocolVersion: e.protocol_version ?? null,
    sessionId: e.session_id ?? null,
    requestId: e.request_id === undefined || e.request_id === null ? null : String(e.request_id),
    bytesIn: e.bytes_in ?? 0,
    bytesOut: e.bytes_out ?? 0,
  };
}
