import type { DDSketch } from '@datadog/sketches-js';
import type { LiveStats, MetricsRetention } from '../metrics/index.js';
import { burnPairFor, burnRates } from '../uptime/index.js';
import type { ServerRecord } from '../model/server.js';

/** What a rule instance watches: a server, or (rule metric `peer_unreachable`) a federation peer. */
export type AlertSubject = Pick<ServerRecord, 'id' | 'name' | 'tags' | 'enabled' | 'state'>;
import type { Db } from '../store/tables.js';
import type { MetricSnapshot } from './history-repo.js';
import { latencySketches, latestGauges, sketchQuantile } from '../metrics/index.js';
import type { AlertRule } from '../model/alert-rule.js';
import type { AnomalySeries } from '../model/forecast.js';

export interface MetricDeps {
  db: Db;
  live: (serverId: string) => LiveStats;
  activeConnections: (serverId: string) => number;
  /**
   * Rule metric `anomaly_score`: the live value's distance from the series' seasonal baseline of
   * the hour, in band half-widths (the forecasts part; its bands are fitted in the background, so
   * this never waits); undefined while there is no band.
   */
  anomalyScore?: (serverId: string, series: AnomalySeries, value: number) => number | undefined;
  retention?: MetricsRetention | undefined;
  servers: () => ServerRecord[];
}

const HOUR_S = 3600;

/**
 * The window a rule's value is read over: its evaluation period, at least a minute (the
 * roll-ups' bucket). Percentiles merge the sketches of that window; gauges take the latest
 * sample in it (older samples are no data).
 */
export const windowMs = (rule: Pick<AlertRule, 'evaluation_period'>): number =>
  Math.max(rule.evaluation_period, 60) * 1000;

type StoredGauge = 'cpu' | 'memory';

/**
 * The metric values of one evaluation: what needs the store (sketches, gauges) is read once
 * for every server before the rules run, live figures are read once per server.
 */
export class TickMetrics {
  private readonly liveCache = new Map<string, LiveStats>();
  /** Quantiles computed this tick, by window then `<q>` then server. */
  private readonly quantiles = new Map<string, Map<string, number | null>>();

  private constructor(
    private readonly deps: MetricDeps,
    private readonly sketches: Map<number, Map<string, DDSketch>>,
    private readonly gauges: Map<string, Map<string, number>>,
    /** Burn rates by window pair (its long window) then server. */
    private readonly burns: Map<number, Map<string, number>>,
  ) {}

  /** Rules whose metric `load` reads from the store (the others come from memory). */
  static readsStore(rule: AlertRule): boolean {
    return (
      ['response_time_p95', 'response_time_p99', 'cpu', 'memory', 'slo_burn_rate'].includes(rule.metric) ||
      (rule.metric === 'anomaly_score' && rule.series === 'p95')
    );
  }

  static async load(deps: MetricDeps, rules: readonly AlertRule[], now: number): Promise<TickMetrics> {
    const sketches = new Map<number, Map<string, DDSketch>>();
    const gauges = new Map<string, Map<string, number>>();
    const burns = new Map<number, Map<string, number>>();
    const keep = { retentionDays: deps.retention?.metricsRetentionDays ?? 30 };
    for (const rule of rules) {
      const w = windowMs(rule);
      if (
        rule.metric === 'response_time_p95' ||
        rule.metric === 'response_time_p99' ||
        (rule.metric === 'anomaly_score' && rule.series === 'p95')
      ) {
        if (!sketches.has(w)) sketches.set(w, await latencySketches(deps.db, now - w, now));
      } else if (rule.metric === 'cpu' || rule.metric === 'memory') {
        const k = `${rule.metric}:${w}`;
        if (!gauges.has(k)) gauges.set(k, await latestGauges(deps.db, rule.metric, now - w));
      } else if (rule.metric === 'slo_burn_rate') {
        const pair = burnPairFor(rule.threshold);
        if (!burns.has(pair.longMs))
          burns.set(pair.longMs, await burnRates(deps.db, deps.servers(), pair, now, keep));
      }
    }
    return new TickMetrics(deps, sketches, gauges, burns);
  }

  private live(serverId: string): LiveStats {
    let l = this.liveCache.get(serverId);
    if (!l) this.liveCache.set(serverId, (l = this.deps.live(serverId)));
    return l;
  }

  /** Many rules may share a window and a quantile: each server's is computed once a tick. */
  private quantile(rule: AlertRule, serverId: string, q: number): number | null {
    const w = windowMs(rule);
    const k = `${w}:${q}`;
    let cache = this.quantiles.get(k);
    if (!cache) this.quantiles.set(k, (cache = new Map<string, number | null>()));
    const hit = cache.get(serverId);
    if (hit !== undefined) return hit;
    const v = sketchQuantile(this.sketches.get(w)?.get(serverId), q);
    cache.set(serverId, v);
    return v;
  }

  private gauge(metric: StoredGauge, rule: AlertRule, serverId: string): number | null {
    return this.gauges.get(`${metric}:${windowMs(rule)}`)?.get(serverId) ?? null;
  }

  /** The rule's value for a server now; null is no data. */
  value(rule: AlertRule, server: AlertSubject): number | null {
    switch (rule.metric) {
      case 'status_offline':
      case 'peer_unreachable': // a peer subject is `offline` while unreachable (see evaluator.ts)
        return server.state.status === 'unknown' ? null : server.state.status === 'offline' ? 1 : 0;
      case 'response_time_avg':
        return server.state.responseTimeMs;
      case 'error_rate':
        return this.live(server.id).last5m.errorRatePercent;
      case 'rps':
        return this.live(server.id).last60s.rps;
      case 'active_connections':
        return this.deps.activeConnections(server.id);
      case 'response_time_p95':
        return this.quantile(rule, server.id, 0.95);
      case 'response_time_p99':
        return this.quantile(rule, server.id, 0.99);
      case 'cpu':
      case 'memory':
        return this.gauge(rule.metric, rule, server.id);
      case 'anomaly_score':
        return this.anomalyScore(rule, server.id);
      case 'slo_burn_rate':
        return this.burns.get(burnPairFor(rule.threshold).longMs)?.get(server.id) ?? null;
    }
  }

  /**
   * The series now, in the units of its hourly baseline (requests an hour from the last five
   * minutes' rate; p95 over the rule's window; the last five minutes' error rate), scored. No
   * request in five minutes is no data, as for p95 and the error rate: a few requests an hour
   * would otherwise read as a dip whenever the window falls between two (a server gone quiet
   * because it is down is what `status_offline` watches).
   */
  private anomalyScore(rule: AlertRule, serverId: string): number | null {
    const series = rule.series ?? 'requests';
    const live = this.live(serverId).last5m;
    if (live.requests === 0) return null;
    const value =
      series === 'requests'
        ? live.rps * HOUR_S
        : series === 'p95'
          ? this.quantile(rule, serverId, 0.95)
          : live.errorRatePercent;
    if (value === null) return null;
    return this.deps.anomalyScore?.(serverId, series, value) ?? null;
  }

  /** The related metrics at alert time, for the history entry. */
  snapshot(server: AlertSubject): MetricSnapshot {
    const live = this.live(server.id);
    return {
      status: server.state.status,
      response_time_ms: server.state.responseTimeMs,
      error_rate: live.last5m.errorRatePercent,
      rps: live.last60s.rps,
    };
  }
}
