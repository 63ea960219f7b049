import type { RequestEvent } from '../../model/request-event.js';
import { maskMessage, topFrames } from '../fingerprint/mask.js';
import {
  errorType,
  fingerprint,
  kindOf,
  titleOf,
  type ErrorKind,
  type GroupKey,
} from '../fingerprint/fingerprint.js';
import { probeSample, requestSample, type ErrorSample, type ProbeError } from './sample.js';

const MINUTE_MS = 60_000;

/** One group's share of a batch: what a flush adds to its row, its samples and its counts. */
export interface PendingGroup extends Omit<GroupKey, 'frames'> {
  fingerprint: string;
  title: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
  samples: ErrorSample[];
  /** Errors per (minute, client name), keyed `minute\0client`. */
  counts: Map<string, { minute: number; client: string; count: number }>;
}

/** Everything recorded since the last flush, by fingerprint (insertion order: oldest first). */
export type ErrorBatch = Map<string, PendingGroup>;

export interface TrackerOptions {
  /** Samples kept per group per minute; the rest are only counted. */
  samplesPerMinute?: number;
  /** Samples pending at most (while the store is down). */
  maxSamples?: number;
  /** Groups pending at most; the oldest are dropped past it. */
  maxGroups?: number;
}

type Identity = Pick<PendingGroup, 'fingerprint' | 'kind' | 'code' | 'type' | 'message' | 'title'>;

const SEP = '\u0000';
const CACHE_SIZE = 5000;

/**
 * Errors in, groups out (DESIGN §10): each failed request or health check is masked and
 * fingerprinted, counted in its group per minute and client, and sampled (at most
 * `samplesPerMinute` per group and minute). `take` hands the batch to the writer.
 */
export class ErrorTracker {
  private batch: ErrorBatch = new Map();
  private samples = 0;
  /** Samples taken per `fingerprint\0minute`, across flushes (forgotten after two minutes). */
  private readonly sampled = new Map<string, number>();
  /** Masking and hashing, once per distinct raw error: most errors repeat one another exactly. */
  private readonly identities = new Map<string, Identity>();
  private unsampled = 0;
  private readonly samplesPerMinute: number;
  private readonly maxSamples: number;
  private readonly maxGroups: number;

  constructor(options: TrackerOptions = {}) {
    this.samplesPerMinute = options.samplesPerMinute ?? 20;
    this.maxSamples = options.maxSamples ?? 10_000;
    this.maxGroups = options.maxGroups ?? 20_000;
  }

  /** Records a request event when it failed; returns whether it did. */
  record(e: RequestEvent): boolean {
    if (e.outcome === 'ok' || e.outcome === 'cancelled') return false;
    const type = errorType(e) ?? e.outcome;
    const sample = requestSample(e, type);
    this.add(sample, kindOf(e.outcome), e.clientName ?? '');
    return true;
  }

  /** Records a failed health check: kind `probe`, the probe's method as the endpoint. */
  recordProbe(p: ProbeError): void {
    this.add(probeSample(p), 'probe', '');
  }

  /** The batch so far; the tracker starts a new one. */
  take(): ErrorBatch {
    const b = this.batch;
    this.batch = new Map();
    this.samples = 0;
    return b;
  }

  /** Errors counted in their group but not sampled. */
  get unsampledErrors(): number {
    return this.unsampled;
  }

  private add(s: ErrorSample, kind: ErrorKind, client: string): void {
    const id = this.identify(s, kind);
    const minute = Math.floor(s.timestamp / MINUTE_MS) * MINUTE_MS;
    let g = this.batch.get(id.fingerprint);
    if (!g) {
      g = {
        ...id,
        serverId: s.serverId,
        endpoint: s.endpoint,
        firstSeen: s.timestamp,
        lastSeen: s.timestamp,
        count: 0,
        samples: [],
        counts: new Map(),
      };
      this.batch.set(id.fingerprint, g);
      if (this.batch.size > this.maxGroups) this.dropOldest();
    }
    g.count++;
    if (s.timestamp < g.firstSeen) g.firstSeen = s.timestamp;
    if (s.timestamp > g.lastSeen) g.lastSeen = s.timestamp;
    const countKey = `${minute}${SEP}${client}`;
    const c = g.counts.get(countKey);
    if (c) c.count++;
    else g.counts.set(countKey, { minute, client: client.slice(0, 200), count: 1 });
    const sampleKey = `${id.fingerprint}${SEP}${minute}`;
    const taken = this.sampled.get(sampleKey) ?? 0;
    if (taken < this.samplesPerMinute && this.samples < this.maxSamples) {
      this.sampled.set(sampleKey, taken + 1);
      g.samples.push(s);
      this.samples++;
    } else this.unsampled++;
  }

  private identify(s: ErrorSample, kind: ErrorKind): Identity {
    const raw = [s.serverId, s.endpoint, s.type, s.message, s.stackTrace?.slice(0, 2000) ?? ''].join(SEP);
    let id = this.identities.get(raw);
    if (id) return id;
    const message = maskMessage(s.message);
    const frames = topFrames(s.stackTrace);
    const key = {
      serverId: s.serverId,
      endpoint: s.endpoint,
      kind,
      code: s.code,
      type: s.type,
      message,
      frames,
    };
    id = {
      fingerprint: fingerprint(key),
      kind,
      code: s.code,
      type: s.type,
      message,
      title: titleOf(message, s.type),
    };
    if (this.identities.size >= CACHE_SIZE) this.identities.clear();
    this.identities.set(raw, id);
    return id;
  }

  private dropOldest(): void {
    const oldest = this.batch.keys().next().value;
    if (oldest === undefined) return;
    this.samples -= this.batch.get(oldest)?.samples.length ?? 0;
    this.batch.delete(oldest);
  }

  /** Forgets the sample quotas of minutes before the last one (called at each flush). */
  forgetBefore(now: number): void {
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
    for (const k of this.sampled.keys())
      if (Number(k.slice(k.lastIndexOf(SEP) + 1)) < minute) this.sampled.delete(k);
  }
}
