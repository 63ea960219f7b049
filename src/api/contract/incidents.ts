/**
 * The incidents API's contract (DESIGN §10): incidents, their similar past incidents, and the
 * window analysis of "click a spike".
 */
import { z } from 'zod';
import { CORRELATED_KINDS } from '../../model/incident.js';
import { errorGroup } from './errors.js';
import { isoTime, queryTime as time } from './common.js';

const window = { from: time.optional(), to: time.optional() };
const server = z.string().min(1).max(255);

export const incidentListQuery = z.strictObject({
  ...window,
  server: server.optional(),
  status: z.enum(['open', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const windowQuery = z.strictObject({ ...window, server: server.optional() });

export const incidentParams = z.strictObject({ id: z.coerce.number().int().positive() });

export const incidentPatch = z
  .strictObject({
    resolution_note: z.string().max(10_000).nullable().optional(),
    /** Resolves an open incident by hand (it also closes by itself when its errors fall back). */
    status: z.literal('resolved').optional(),
  })
  .refine((p) => p.status !== undefined || p.resolution_note !== undefined, {
    error: 'give status, resolution_note or both',
  });

const names = z.array(z.string());
const affected = z.object({ servers: names, endpoints: names, clients: names });

export const incident = z.object({
  id: z.number().int(),
  server: z.string(),
  status: z.enum(['open', 'resolved']),
  /** What opened it: the server's error rate, an error group's spike, or an alert. */
  cause: z.enum(['error_rate', 'group', 'alert']),
  title: z.string(),
  opened_at: isoTime,
  closed_at: isoTime.nullable(),
  baseline_rate: z.number().nullable(),
  peak_rate: z.number().nullable(),
  errors: z.number().int(),
  fingerprints: names,
  group_ids: z.array(z.number().int()),
  affected,
  /** The error rate (%) per step from `from`, from a little before it opened until it closed. */
  shape: z.object({ from: isoTime, step_ms: z.number().int(), points: z.array(z.number().nullable()) }),
  alert_history_id: z.number().int().nullable(),
  resolution_note: z.string().nullable(),
  resolved_by: z.enum(['auto', 'hand']).nullable(),
});

export const incidentList = z.object({ from: z.number(), to: z.number(), incidents: z.array(incident) });

export const correlatedEvent = z.object({
  kind: z.enum(CORRELATED_KINDS),
  time: isoTime,
  server: z.string().nullable(),
  detail: z.string(),
  /** 0…1: how near the window and how strong; best first. */
  score: z.number(),
});

export const similarIncident = z.object({
  incident,
  /** 0…1: shared fingerprints, servers and endpoints, and the shape of the error rate (DTW). */
  score: z.number(),
  resolution_note: z.string().nullable(),
});

export const alertFiring = z.object({
  history_id: z.number().int(),
  rule_name: z.string().nullable(),
  server_id: z.string().nullable(),
  severity: z.string().nullable(),
  triggered_at: isoTime,
  resolved_at: isoTime.nullable(),
  comments: z.array(z.object({ by: z.string(), at: isoTime, text: z.string() })),
});

export const incidentDetail = incident.extend({
  groups: z.array(errorGroup),
  events: z.array(correlatedEvent),
  alerts: z.array(alertFiring),
  similar: z.array(similarIncident),
});

export const windowAnalysis = z.object({
  from: z.number(),
  to: z.number(),
  server: z.string().nullable(),
  /** The groups of the window, most errors first, with their count in an average window before. */
  errors: z.array(errorGroup.extend({ baseline_count: z.number() })),
  events: z.array(correlatedEvent),
  affected,
  similar: z.array(similarIncident),
});

export const changesQuery = windowQuery;

export const changeList = z.object({
  from: z.number(),
  to: z.number(),
  /** Oldest first. */
  changes: z.array(
    z.object({
      kind: z.enum(['deployment', 'config_change']),
      time: isoTime,
      server: z.string().nullable(),
      detail: z.string(),
    }),
  ),
});

export type ChangeList = z.infer<typeof changeList>;
export type IncidentListQuery = z.input<typeof incidentListQuery>;
export type WindowQuery = z.input<typeof windowQuery>;
export type IncidentPatch = z.input<typeof incidentPatch>;
export type Incident = z.infer<typeof incident>;
export type IncidentList = z.infer<typeof incidentList>;
export type IncidentDetail = z.infer<typeof incidentDetail>;
export type WindowAnalysis = z.infer<typeof windowAnalysis>;
export type CorrelatedEvent = z.infer<typeof correlatedEvent>;
export type SimilarIncident = z.infer<typeof similarIncident>;
