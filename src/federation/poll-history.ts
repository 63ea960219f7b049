/** The figures of every poll, per instance, kept in memory for the cross-instance series. */

import type { FederationMetric } from '../model/peer.js';

export interface PollPoint {
  t: number;
  rps: number;
  error_rate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Points kept per instance (a day at 30 s, 6 hours at the default 15 s). */
const MAX_POINTS = 2_880;

export class PollHistory {
  private readonly points = new Map<string, PollPoint[]>();

  add(key: string, point: PollPoint): void {
    let list = this.points.get(key);
    if (!list) this.points.set(key, (list = []));
    list.push(point);
    if (list.length > MAX_POINTS) list.splice(0, list.length - MAX_POINTS);
  }

  forget(key: string): void {
    this.points.delete(key);
  }

  /** One metric of an instance over [from, to). */
  series(key: string, metric: FederationMetric, from: number, to: number): { t: number; v: number | null }[] {
    return (this.points.get(key) ?? [])
      .filter((p) => p.t >= from && p.t < to)
      .map((p) => ({ t: p.t, v: p[metric] }));
  }
}
