import type { IncidentRow } from './repo.js';
import type { Signature } from './similar.js';

export type IncidentStatus = 'open' | 'resolved';
export type IncidentCause = 'error_rate' | 'group' | 'alert';

/** An incident as the API shows it (DESIGN §10). */
export interface IncidentView {
  id: number;
  server: string;
  status: IncidentStatus;
  cause: IncidentCause;
  title: string;
  opened_at: string;
  closed_at: string | null;
  /** Error rate (%) before it opened, and its highest while open. */
  baseline_rate: number | null;
  peak_rate: number | null;
  errors: number;
  fingerprints: string[];
  group_ids: number[];
  affected: { servers: string[]; endpoints: string[]; clients: string[] };
  /** The error rate (%) per step from `from`: a few minutes before it opened until it closed. */
  shape: { from: string; step_ms: number; points: (number | null)[] };
  alert_history_id: number | null;
  resolution_note: string | null;
  /** 'auto': it fell back by itself; 'hand': resolved through the API. */
  resolved_by: 'auto' | 'hand' | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function list<T>(json: string): T[] {
  try {
    const v = JSON.parse(json) as unknown;
    // safe because only this part writes these columns, as arrays of T
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

export function incidentView(row: IncidentRow): IncidentView {
  return {
    id: row.id,
    server: row.server_id,
    // safe because only the detector and the service write these
    status: row.status as IncidentStatus,
    cause: row.cause as IncidentCause,
    title: row.title,
    opened_at: iso(row.opened_at),
    closed_at: row.closed_at === null ? null : iso(row.closed_at),
    baseline_rate: row.baseline_rate,
    peak_rate: row.peak_rate,
    errors: row.errors,
    fingerprints: list<string>(row.fingerprints),
    group_ids: list<number>(row.group_ids),
    affected: {
      servers: list<string>(row.servers),
      endpoints: list<string>(row.endpoints),
      clients: list<string>(row.clients),
    },
    shape: { from: iso(row.shape_from), step_ms: row.shape_step_ms, points: list<number | null>(row.shape) },
    alert_history_id: row.alert_history_id,
    resolution_note: row.resolution_note,
    resolved_by: row.resolved_by === 'auto' || row.resolved_by === 'hand' ? row.resolved_by : null,
  };
}

export function signatureOf(v: IncidentView): Signature {
  return {
    fingerprints: v.fingerprints,
    servers: v.affected.servers,
    endpoints: v.affected.endpoints,
    shape: v.shape.points,
  };
}

/** A past incident like this one, and how it was fixed. */
export interface SimilarIncident {
  incident: IncidentView;
  /** 0…1. */
  score: number;
  resolution_note: string | null;
}
