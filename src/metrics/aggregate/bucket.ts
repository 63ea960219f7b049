import type { DDSketch } from '@datadog/sketches-js';
import type { Outcome } from '../../model/request-event.js';
import { newSketch } from '../sketch/sketch-codec.js';
import { SketchBins } from '../sketch/sketch-bins.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** What every traffic figure is computed from: the counters and the latency sketch of a bucket. */
export interface Traffic {
  count: number;
  /** Outcomes `error`, `transport_error`, `timeout`. */
  errors: number;
  toolErrors: number;
  timeouts: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
  sketch: DDSketch;
}

/** A traffic total's counters, without its sketch. */
export type TrafficCounters = Omit<Traffic, 'sketch'>;

export const emptyCounters = (): TrafficCounters => ({
  count: 0,
  errors: 0,
  toolErrors: 0,
  timeouts: 0,
  sumMs: 0,
  minMs: Infinity,
  maxMs: -Infinity,
});

export const emptyTraffic = (): Traffic => ({ ...emptyCounters(), sketch: newSketch() });

/** Adds `from`'s counters to `into`'s (sums, and the extremes). */
export function mergeCounters(into: TrafficCounters, from: TrafficCounters): void {
  into.count += from.count;
  into.errors += from.errors;
  into.toolErrors += from.toolErrors;
  into.timeouts += from.timeouts;
  into.sumMs += from.sumMs;
  if (from.minMs < into.minMs) into.minMs = from.minMs;
  if (from.maxMs > into.maxMs) into.maxMs = from.maxMs;
}

/** An error in the error-rate sense (DESIGN §3) but not a tool error. */
export const isError = (o: Outcome): boolean => o === 'error' || o === 'transport_error' || o === 'timeout';

/** A bucket being recorded: counters, and the latencies' sketch as plain bins (sketch-bins.ts). */
export interface RecordingTraffic extends TrafficCounters {
  bins: SketchBins;
}

export const emptyRecording = (): RecordingTraffic => ({ ...emptyCounters(), bins: new SketchBins() });

export function addRequest(t: RecordingTraffic, outcome: Outcome, latencyMs: number): void {
  t.count++;
  if (isError(outcome)) t.errors++;
  if (outcome === 'tool_error') t.toolErrors++;
  if (outcome === 'timeout') t.timeouts++;
  t.sumMs += latencyMs;
  if (latencyMs < t.minMs) t.minMs = latencyMs;
  if (latencyMs > t.maxMs) t.maxMs = latencyMs;
  t.bins.accept(latencyMs);
}

/**
 * Failed requests / requests, % (DESIGN §3: a JSON-RPC error, a transport error, a timeout, or
 * a tool result with `isError: true`); null without requests.
 */
export const errorRatePercent = (t: Pick<Traffic, 'count' | 'errors' | 'toolErrors'>): number | null =>
  t.count > 0 ? ((t.errors + t.toolErrors) / t.count) * 100 : null;

export const floorTo = (t: number, step: number): number => Math.floor(t / step) * step;
