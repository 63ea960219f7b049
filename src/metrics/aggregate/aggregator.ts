import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../store/tables.js';
import { SERVER_TOTAL } from '../../store/rollups-repo.js';
import { storeFullCause, type StoreHealth } from '../../store/store-health.js';
import { HOUR_MS, addRequest, emptyRecording, floorTo, isError } from './bucket.js';
import { writeBatch } from './flush-writer.js';
import { ErrorTracker, type ProbeError } from '../../errors/index.js';
import { LiveWindow, SLOTS, type LiveFigures } from './live-window.js';
import { cutoffsAt, tierMs, tierOf, type TierCutoffs } from './backfill.js';
import { defaultRetention, type MetricsRetention } from '../read/tiers.js';
import {
  emptyPending,
  enforceBound,
  isEmpty,
  type Dropped,
  type Pending,
  type RequestBucket,
  type UsageBucket,
} from './pending.js';
import type { RequestEvent, RequestEventSink } from '../../model/request-event.js';

export interface AggregatorOptions {
  /** Read at every flush, so that a store reopened after a failure is picked up. */
  store: { readonly db: Db; readonly health?: StoreHealth };
  /** `metrics_collection_interval`, seconds. */
  intervalS?: number;
  /**
   * Memory bound: at most this many pending minute buckets (and usage rows, and error groups)
   * accumulating, and as many again in a failed batch waiting for its retry.
   * A bucket with its sketch is ~4.5 KB, so the default 20,000 is ~90 MB.
   */
  maxBuckets?: number;
  /** Error samples kept per error group per minute; the rest are only counted. */
  samplesPerMinute?: number;
  /** Error samples pending at most (while the store is down). */
  maxSamples?: number;
  log?: Logger;
  now?: () => number;
  /** How long each tier keeps its rows: a past event goes to the finest that still holds it (backfill.ts). */
  retention?: MetricsRetention;
  /** Told when a batch is taken to be written (under its flush id) and when it is committed. */
  journal?: { seal(flushId: string): void; committed(flushId: string): void };
}

export interface LiveStats {
  last60s: LiveFigures;
  last5m: LiveFigures;
}

export interface AggregatorStats {
  pendingBuckets: number;
  /** Minute buckets dropped (oldest first) because the memory bound was hit while the store was down. */
  droppedBuckets: number;
  /** Requests in those buckets. */
  droppedEvents: number;
  /** Events `record` refused (a non-finite time or latency, a server id over 255 characters). */
  rejectedEvents: number;
  /** Errors counted in their group but not sampled into `error_events`. */
  unsampledErrors: number;
  flushes: number;
  failedFlushes: number;
  /** Rows the store refused for their data (dropped so that the rest of their batch was written). */
  refusedRows: number;
  lastFlushError: string | null;
}

export interface FlushResult {
  ok: boolean;
  /** Rows written (roll-ups, usage rows, samples, groups). */
  rows: number;
  error?: string;
}

const SEP = '\u0000';

/** One request into its usage row: JSON-RPC, transport and timeout errors apart from tool errors. */
function countUsage(u: UsageBucket, outcome: RequestEvent['outcome']): void {
  u.count++;
  if (isError(outcome)) u.errors++;
  else if (outcome === 'tool_error') u.toolErrors++;
}

const NO_FIGURES: LiveFigures = Object.freeze({
  requests: 0,
  rps: 0,
  avgLatencyMs: null,
  errorRatePercent: null,
});
const NO_TRAFFIC: LiveStats = Object.freeze({ last60s: NO_FIGURES, last5m: NO_FIGURES });

/** A server's pending bucket per endpoint (whichever minute was last), and its last usage entry. */
interface Recent {
  buckets: Map<string, RequestBucket>;
  usage: UsageBucket | undefined;
}

/**
 * The traffic aggregator (DESIGN §2): request events in, per (server, endpoint, minute) buckets
 * in memory, written every interval as '1m' rows. Each flush writes what arrived since the last
 * one, so a minute may have several rows (readers merge them): no read-modify-write, and a crash
 * loses at most one interval. A failed batch is kept with its flush id and the next flush retries
 * it first; the id, recorded in the same transaction, makes that retry write nothing twice.
 */
export class Aggregator implements RequestEventSink {
  private pending: Pending = emptyPending();
  /** A batch whose write failed, retried with the same flush id before anything newer. */
  private retry: { flushId: string; batch: Pending } | undefined;
  private readonly windows = new Map<string, LiveWindow>();
  /**
   * Per server, the pending entries its last events went to: most events find theirs here by
   * the endpoint alone, without building and hashing a string key of all their fields.
   */
  private readonly recent = new Map<string, Recent>();
  private readonly dropped: Dropped = { buckets: 0, events: 0 };
  private readonly counters = { rejected: 0, flushes: 0, failed: 0, refusedRows: 0 };
  /** Failed requests and checks into error groups (the errors part), written with each flush. */
  private readonly errors: ErrorTracker;
  private lastError: string | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly maxBuckets: number;
  private readonly now: () => number;
  /** Where past events stop being minutes (and hours): moved on at each flush. */
  private cutoffs: TierCutoffs;

  constructor(private readonly options: AggregatorOptions) {
    this.intervalMs = (options.intervalS ?? 10) * 1000;
    this.maxBuckets = options.maxBuckets ?? 20_000;
    this.errors = new ErrorTracker({
      samplesPerMinute: options.samplesPerMinute ?? 20,
      maxSamples: options.maxSamples ?? 10_000,
      maxGroups: this.maxBuckets,
    });
    this.now = options.now ?? Date.now;
    this.cutoffs = cutoffsAt(this.now(), options.retention ?? defaultRetention);
  }

  record(e: RequestEvent): void {
    try {
      if (!Number.isFinite(e.startedAt) || !Number.isFinite(e.latencyMs) || e.serverId.length > 255) {
        this.counters.rejected++;
        return;
      }
      const latency = Math.max(0, e.latencyMs);
      const resolution = tierOf(e.startedAt, this.cutoffs);
      const minute = floorTo(e.startedAt, tierMs[resolution]);
      const p = this.pending;
      // a method named like the totals' marker must not be read as the server's total
      const endpoint = e.endpoint === SERVER_TOTAL ? `(${SERVER_TOTAL})` : e.endpoint;
      let recent = this.recent.get(e.serverId);
      if (!recent) this.recent.set(e.serverId, (recent = { buckets: new Map(), usage: undefined }));
      let bucket = recent.buckets.get(endpoint);
      if (bucket?.minute !== minute || bucket.resolution !== resolution) {
        const key = `${e.serverId}${SEP}${endpoint}${SEP}${minute}${SEP}${resolution}`;
        bucket = p.buckets.get(key);
        if (!bucket) {
          bucket = { ...emptyRecording(), serverId: e.serverId, endpoint, minute, resolution };
          p.buckets.set(key, bucket);
          if (p.buckets.size > this.maxBuckets) this.bound();
        }
        recent.buckets.set(endpoint, bucket);
      }
      addRequest(bucket, e.outcome, latency);
      this.recordUsage(e, recent);
      this.recordLive(e, latency, this.errors.record(e));
    } catch {
      this.counters.rejected++; // never throw on the forwarding path
    }
  }

  private recordUsage(e: RequestEvent, recent: Recent): void {
    const hour = floorTo(e.startedAt, HOUR_MS);
    const last = recent.usage;
    if (
      last?.hour === hour &&
      last.clientName === (e.clientName ?? '') &&
      last.clientVersion === (e.clientVersion ?? '') &&
      last.protocolVersion === (e.protocolVersion ?? '')
    ) {
      countUsage(last, e.outcome);
      return;
    }
    // cut to the column widths: PostgreSQL refuses longer values, and one bad row would fail every flush
    const name = (e.clientName ?? '').slice(0, 200);
    const version = (e.clientVersion ?? '').slice(0, 100);
    const protocol = (e.protocolVersion ?? '').slice(0, 50);
    const key = `${e.serverId}${SEP}${hour}${SEP}${name}${SEP}${version}${SEP}${protocol}`;
    let u = this.pending.usage.get(key);
    if (!u) {
      u = {
        hour,
        serverId: e.serverId,
        clientName: name,
        clientVersion: version,
        protocolVersion: protocol,
        count: 0,
        errors: 0,
        toolErrors: 0,
      };
      this.pending.usage.set(key, u);
      if (this.pending.usage.size > this.maxBuckets) this.bound();
    }
    recent.usage = u;
    countUsage(u, e.outcome);
  }

  /** A failed health check: an error of kind `probe`, grouped and written with the next flush. */
  recordProbe(p: ProbeError): void {
    try {
      this.errors.recordProbe(p);
    } catch {
      this.counters.rejected++; // a check must never fail for its error's bookkeeping
    }
  }

  /** Drops the oldest pending entries past the memory bound (and forgets the recent ones, maybe dropped). */
  private bound(): void {
    enforceBound(this.pending, this.maxBuckets, this.dropped);
    this.recent.clear();
  }

  private recordLive(e: RequestEvent, latency: number, failed: boolean): void {
    let w = this.windows.get(e.serverId);
    if (!w) this.windows.set(e.serverId, (w = new LiveWindow()));
    w.add(Math.floor((e.startedAt + latency) / 1000), Math.floor(this.now() / 1000), failed, latency);
  }

  /** The server's request figures over the last 60 s and 5 min, from memory. */
  live(serverId: string): LiveStats {
    const w = this.windows.get(serverId);
    // no traffic for 5 minutes (most servers of a big fleet): nothing to read, nothing to allocate
    if (!w) return NO_TRAFFIC;
    const nowS = Math.floor(this.now() / 1000);
    return { last60s: w.figures(nowS, 60), last5m: w.figures(nowS, SLOTS) };
  }

  /** The figures of the last `seconds` (at most 5 minutes) of a server's traffic. */
  liveOver(serverId: string, seconds: number): LiveFigures {
    const w = this.windows.get(serverId);
    if (!w) return NO_TRAFFIC.last5m;
    return w.figures(Math.floor(this.now() / 1000), Math.max(1, Math.min(SLOTS, Math.round(seconds))));
  }

  stats(): AggregatorStats {
    return {
      pendingBuckets: this.pending.buckets.size + (this.retry?.batch.buckets.size ?? 0),
      droppedBuckets: this.dropped.buckets,
      droppedEvents: this.dropped.events,
      rejectedEvents: this.counters.rejected,
      unsampledErrors: this.errors.unsampledErrors,
      flushes: this.counters.flushes,
      failedFlushes: this.counters.failed,
      refusedRows: this.counters.refusedRows,
      lastFlushError: this.lastError,
    };
  }

  /** Writes what is pending in one transaction; on failure keeps it for the next flush. Never rejects. */
  flush(): Promise<FlushResult> {
    const run = this.chain.then(() => this.flushOnce());
    this.chain = run;
    return run;
  }

  /**
   * Writes the batch a failed flush left (under its own flush id), then what arrived since
   * (under a new one). A batch that fails is kept whole with its id, so that when its commit did
   * happen and only the confirmation was lost, the retry finds the id and writes nothing twice.
   */
  private async flushOnce(): Promise<FlushResult> {
    this.flushing = true;
    try {
      this.forgetOldState();
      let rows = 0;
      if (this.retry) {
        rows += await this.write(this.retry.batch, this.retry.flushId);
        this.options.journal?.committed(this.retry.flushId);
        this.retry = undefined;
      }
      const p = this.pending;
      p.errors = this.errors.take();
      this.pending = emptyPending();
      this.recent.clear();
      if (!isEmpty(p)) {
        const flushId = randomUUID();
        this.options.journal?.seal(flushId);
        try {
          rows += await this.write(p, flushId);
          this.options.journal?.committed(flushId);
        } catch (err) {
          this.retry = { flushId, batch: p };
          throw err;
        }
      }
      this.counters.flushes++;
      this.lastError = null;
      this.options.store.health?.succeeded();
      return { ok: true, rows };
    } catch (err) {
      this.counters.failed++;
      const full = this.options.store.health?.failed(err) === true;
      this.lastError = full ? storeFullCause(err) : err instanceof Error ? err.message : String(err);
      this.options.log?.warn(
        { err: this.lastError, pending: this.stats().pendingBuckets },
        full
          ? 'metrics flush failed: the store has no room (kept in memory, written when space returns)'
          : 'metrics flush failed; will retry',
      );
      return { ok: false, rows: 0, error: this.lastError };
    } finally {
      this.flushing = false;
    }
  }

  private async write(p: Pending, flushId: string): Promise<number> {
    const { written, refused } = await writeBatch(this.options.store.db, p, flushId, this.now());
    if (refused > 0) {
      this.counters.refusedRows += refused;
      this.options.log?.warn({ refused, written }, 'metrics flush: rows the store refused were dropped');
    }
    return written;
  }

  /** Sample quotas of past minutes and live windows of servers quiet for 5 minutes. */
  private forgetOldState(): void {
    const nowMs = this.now();
    this.errors.forgetBefore(nowMs);
    this.cutoffs = cutoffsAt(nowMs, this.options.retention ?? defaultRetention);
    const nowS = Math.floor(nowMs / 1000);
    for (const [id, w] of this.windows) if (w.lastSecond <= nowS - SLOTS) this.windows.delete(id);
  }

  /** Flushes every interval until `stop`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.flushing) void this.flush();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and flushes what is pending (once; a failure is reported, not retried). */
  async stop(): Promise<FlushResult> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.flush();
  }
}
