/**
 * How summaries compose (DESIGN §6, issue 14 "hierarchy"): a summary carries one part per
 * instance it covers, each with that instance's own figures and sketches. A hub keeps every
 * part it hears of once, by instance id (the newest copy wins), and sums them: an instance
 * reached by two paths (a diamond) is counted once, and percentiles come from the merged
 * sketches, never from averaged percentiles.
 */
import type { DDSketch } from '@datadog/sketches-js';
import { addEncoded, encodeSketch, newSketch, quantile } from '../metrics/index.js';
import {
  MAX_PARTS,
  SERVER_STATUSES,
  TOP_ERRORS,
  type FederationSummary,
  type InstancePart,
  type InstanceStatus,
  type ServersByStatus,
  type TopError,
} from '../model/peer.js';

export const emptyByStatus = (): ServersByStatus => ({
  healthy: 0,
  warning: 0,
  critical: 0,
  offline: 0,
  disabled: 0,
  unknown: 0,
});

/** The parts of several summaries, each instance once (the newest copy), at most MAX_PARTS. */
export function unionOfParts(lists: Iterable<readonly InstancePart[]>): Map<string, InstancePart> {
  const out = new Map<string, InstancePart>();
  for (const parts of lists)
    for (const part of parts) {
      const seen = out.get(part.instance.id);
      if (seen ? part.at > seen.at : out.size < MAX_PARTS) out.set(part.instance.id, part);
    }
  return out;
}

/** Figures summed over parts. */
export interface Totals {
  servers_by_status: ServersByStatus;
  rps: number;
  requests: number;
  errors: number;
  error_rate: number | null;
  active_alerts: number;
  critical_alerts: number;
  sketch5m: DDSketch;
  sketch1h: DDSketch;
}

export const addBase64 = (into: DDSketch, b64: string): boolean =>
  b64 === '' || addEncoded(into, Buffer.from(b64, 'base64'));

/** The parts summed; `hour: false` leaves the 1-hour sketch empty (the view shows the 5 minutes only). */
export function totalsOf(parts: Iterable<InstancePart>, opts: { hour: boolean } = { hour: true }): Totals {
  const t: Totals = {
    servers_by_status: emptyByStatus(),
    rps: 0,
    requests: 0,
    errors: 0,
    error_rate: null,
    active_alerts: 0,
    critical_alerts: 0,
    sketch5m: newSketch(),
    sketch1h: newSketch(),
  };
  for (const p of parts) {
    for (const s of SERVER_STATUSES) t.servers_by_status[s] += p.servers_by_status[s];
    t.rps += p.rps;
    t.requests += p.requests;
    t.errors += p.errors;
    t.active_alerts += p.active_alerts;
    t.critical_alerts += p.critical_alerts;
    addBase64(t.sketch5m, p.sketch_5m);
    if (opts.hour) addBase64(t.sketch1h, p.sketch_1h);
  }
  t.error_rate = errorRate(t.errors, t.requests);
  return t;
}

export const errorRate = (errors: number, requests: number): number | null =>
  requests > 0 ? Math.min(100, (errors / requests) * 100) : null;

export const toBase64 = (sketch: DDSketch): string => encodeSketch(sketch).toString('base64');

/** The percentiles of a sketch, ms; null without requests. */
export const percentiles = (sketch: DDSketch) => ({
  p50: quantile(sketch, 0.5),
  p95: quantile(sketch, 0.95),
  p99: quantile(sketch, 0.99),
});

/** A summary over `parts` (this instance's own among them), as `GET /api/v1/federation/summary` answers. */
export function summaryOf(
  self: InstancePart['instance'],
  parts: Map<string, InstancePart>,
): FederationSummary {
  const t = totalsOf(parts.values());
  return {
    instance: self,
    servers_by_status: t.servers_by_status,
    rps: t.rps,
    error_rate: t.error_rate,
    latency: { ...percentiles(t.sketch5m), sketch_5m: toBase64(t.sketch5m), sketch_1h: toBase64(t.sketch1h) },
    active_alerts: t.active_alerts,
    critical_alerts: t.critical_alerts,
    top_errors: mergeErrors(parts.values())
      .slice(0, TOP_ERRORS)
      .map(({ fingerprint, title, count }) => ({ fingerprint, title, count })),
    parts: [...parts.values()],
  };
}

/** Error groups merged across instances by fingerprint, busiest first. */
export interface MergedError extends TopError {
  instances: { id: string; name: string; count: number }[];
}

export function mergeErrors(parts: Iterable<InstancePart>): MergedError[] {
  const byFingerprint = new Map<string, MergedError>();
  for (const p of parts)
    for (const e of p.top_errors) {
      let m = byFingerprint.get(e.fingerprint);
      if (!m) byFingerprint.set(e.fingerprint, (m = { ...e, count: 0, instances: [] }));
      m.count += e.count;
      m.instances.push({ id: p.instance.id, name: p.instance.name, count: e.count });
    }
  return [...byFingerprint.values()].sort(
    (a, b) => b.count - a.count || a.fingerprint.localeCompare(b.fingerprint),
  );
}

/** Degraded: servers critical or offline, or critical alerts firing, in what the figures cover. */
export const statusOfFigures = (f: {
  servers_by_status: ServersByStatus;
  critical_alerts: number;
}): InstanceStatus =>
  f.servers_by_status.critical + f.servers_by_status.offline > 0 || f.critical_alerts > 0
    ? 'degraded'
    : 'healthy';
