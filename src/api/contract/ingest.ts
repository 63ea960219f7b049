/**
 * `POST /api/v1/ingest/events` and `GET /metrics`. The batch's schema is the metrics part's
 * (metrics/ingest/ingest-schema.ts, also used by servers that report themselves), declared on
 * the route from there.
 */
import { z } from 'zod';

/** 202: every event of the batch was kept (journaled) before the answer. */
export const ingestAccepted = z.object({ accepted: z.number().int() });
export type IngestAccepted = z.infer<typeof ingestAccepted>;

/** Prometheus text exposition. */
export const prometheusText = z.string();
