import type { Db } from '../../store/tables.js';
import type { DDSketch } from '@datadog/sketches-js';
import { emptyCounters, mergeCounters, type Traffic, type TrafficCounters } from '../aggregate/bucket.js';
import { encodeSketch, quantile } from '../sketch/sketch-codec.js';
import { rollupsRepo, type NewRollup, type RollupRow } from '../../store/rollups-repo.js';
import { cachedRange } from './row-cache.js';
import { SketchBins, denseOf } from '../sketch/sketch-bins.js';
import type { Plan } from './tiers.js';

export interface TrafficFilter {
  serverId?: string | undefined;
  endpoint?: string | undefined;
}

/**
 * The rows a plan reads over [from, to): its tier's, plus finer rows not yet rolled into it
 * (one server's through the row cache: ids from the index, rows not seen yet from the table;
 * the fleet's straight from the table, so that one overview does not flush every server's rows).
 */
export const readRows = (
  db: Db,
  plan: Plan,
  from: number,
  to: number,
  filter: TrafficFilter,
): Promise<RollupRow[]> => {
  const range = { from, to, ...filter };
  const { resolution, finer } = plan.tier;
  return filter.serverId === undefined
    ? rollupsRepo.range(db, resolution, finer, range)
    : cachedRange(db, resolution, finer, range);
};

/** What a total is summed from: a stored row's or a row about to be written's figures. */
type Figures = Pick<
  NewRollup,
  'count' | 'errors' | 'tool_errors' | 'timeouts' | 'sum_ms' | 'min_ms' | 'max_ms' | 'sketch'
>;

/** A traffic total being summed: counters now, the sketch once every row is in. */
class TrafficSum {
  /** The counters; the sketch is attached by `done`. */
  readonly traffic: TrafficCounters = emptyCounters();
  private readonly bins = new SketchBins();

  /** Adds one stored row (sketches merged, never percentiles averaged). */
  add(row: Figures): void {
    const t = this.traffic;
    t.count += row.count;
    t.errors += row.errors;
    t.toolErrors += row.tool_errors;
    t.timeouts += row.timeouts;
    t.sumMs += row.sum_ms;
    if (row.min_ms < t.minMs) t.minMs = row.min_ms;
    if (row.max_ms > t.maxMs) t.maxMs = row.max_ms;
    const bins = denseOf(row.sketch);
    if (bins) this.bins.addDense(bins);
  }

  /** Adds another sum (its sketch bins too); `other` must not be done yet. */
  addSum(other: TrafficSum): void {
    mergeCounters(this.traffic, other.traffic);
    this.bins.addBins(other.bins);
  }

  /**
   * The total. Its `sketch` is built on first use only: percentiles go through `quantileOf`,
   * which reads the merged bins directly.
   */
  done(): Traffic {
    return new SummedTraffic(this.traffic, this.bins);
  }
}

/** A summed total whose sketch is built from its bins when first asked for. */
class SummedTraffic implements Traffic {
  count: number;
  errors: number;
  toolErrors: number;
  timeouts: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
  private built: DDSketch | undefined;

  constructor(
    c: TrafficCounters,
    /** The merged bins, read directly by `quantileOf` and `encodedSketchOf`. */
    readonly bins: SketchBins,
  ) {
    ({
      count: this.count,
      errors: this.errors,
      toolErrors: this.toolErrors,
      timeouts: this.timeouts,
      sumMs: this.sumMs,
      minMs: this.minMs,
      maxMs: this.maxMs,
    } = c);
  }

  get sketch(): DDSketch {
    return (this.built ??= this.bins.toSketch());
  }
}

/** The q-quantile of a traffic total: from its merged bins when it was summed here, else its sketch. */
export function quantileOf(t: Traffic, q: number): number | null {
  return t instanceof SummedTraffic ? t.bins.quantile(q) : quantile(t.sketch, q);
}

/** The stored encoding of a traffic total's sketch: from its merged bins when it was summed here. */
export function encodedSketchOf(t: Traffic): Buffer {
  return t instanceof SummedTraffic ? t.bins.encode() : encodeSketch(t.sketch);
}

/** Merges rows into one total per key. */
export const groupRows = <K, R extends Figures>(rows: R[], keyOf: (row: R) => K): Map<K, Traffic> =>
  groupAndTotal(rows, keyOf).groups;

/** Merges rows into one total per key and one over all (each row's sketch decoded once). */
export function groupAndTotal<K, R extends Figures>(
  rows: R[],
  keyOf: (row: R) => K,
): { groups: Map<K, Traffic>; total: Traffic } {
  const sums = new Map<K, TrafficSum>();
  for (const row of rows) {
    const k = keyOf(row);
    let s = sums.get(k);
    if (!s) sums.set(k, (s = new TrafficSum()));
    s.add(row);
  }
  const all = new TrafficSum();
  for (const s of sums.values()) all.addSum(s);
  const groups = new Map<K, Traffic>();
  for (const [k, s] of sums) groups.set(k, s.done());
  return { groups, total: all.done() };
}

export function total(rows: Figures[]): Traffic {
  const s = new TrafficSum();
  for (const row of rows) s.add(row);
  return s.done();
}
