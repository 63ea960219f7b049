import type { Resolution } from '../../store/rollups-repo.js';
import type { RecordingTraffic } from './bucket.js';
import type { ErrorBatch } from '../../errors/index.js';

/** A minute of one endpoint's traffic, not yet written (an hour or a day for past events: backfill.ts). */
export interface RequestBucket extends RecordingTraffic {
  serverId: string;
  endpoint: string;
  /** The bucket's start (a minute's, unless `resolution` says it is an hour's or a day's). */
  minute: number;
  resolution: Resolution;
}

export interface UsageBucket {
  hour: number;
  serverId: string;
  clientName: string;
  clientVersion: string;
  protocolVersion: string;
  count: number;
  errors: number;
  toolErrors: number;
}

/** Everything recorded since the last successful flush. Maps keep insertion order: oldest first. */
export interface Pending {
  buckets: Map<string, RequestBucket>;
  usage: Map<string, UsageBucket>;
  /** Error groups with their samples and counts (the errors part's tracker, taken at flush). */
  errors: ErrorBatch;
}

export const emptyPending = (): Pending => ({
  buckets: new Map(),
  usage: new Map(),
  errors: new Map(),
});

export const isEmpty = (p: Pending): boolean =>
  p.buckets.size === 0 && p.usage.size === 0 && p.errors.size === 0;

/** What was dropped to stay within the memory bound. */
export interface Dropped {
  buckets: number;
  events: number;
}

/** Drops the oldest entries of each map beyond `max`; request buckets dropped are counted in `dropped`. */
export function enforceBound(p: Pending, max: number, dropped: Dropped): void {
  while (p.buckets.size > max) {
    const oldest = p.buckets.entries().next().value;
    if (!oldest) break;
    p.buckets.delete(oldest[0]);
    dropped.buckets++;
    dropped.events += oldest[1].count;
  }
  trim(p.usage, max);
}

function trim<V>(m: Map<string, V>, max: number): void {
  while (m.size > max) {
    const oldest = m.keys().next().value;
    if (oldest === undefined) break;
    m.delete(oldest);
  }
}
