/**
 * Capacity (DESIGN §11): per server, the load now and at next week's peak against what it can
 * take, growth week over week and month over month, days until saturation, and what to do, in
 * plain words; the fleet sorted by urgency. What a server can take is declared
 * (`capacity.max_rps`) or learned: the highest hourly load it carried with p95 under its warning
 * threshold, below the lightest load at which p95 went over it — unknown while p95 never did.
 *
 * Cheap on purpose, for a fleet of thousands: two fleet-wide queries (hourly requests of the last
 * week, daily requests of eight weeks), and per server with no declared maximum its hourly p95;
 * next week's peak is this week's grown by the week-over-week rate. The answer is kept for the
 * hour, like forecasts.
 */
import { fleetStepRequests, stepSeries } from '../metrics/index.js';
import type { ServerCapacity } from '../model/server.js';
import type { Db } from '../store/tables.js';
import { HourCache } from './cache.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface CapacityServer {
  id: string;
  name: string;
  capacity: ServerCapacity | undefined;
  /** The p95 warning threshold in force for the server (its override, else the setting). */
  p95WarningMs: number;
}

export type Urgency = 'critical' | 'soon' | 'watch' | 'ok' | 'unknown';

export interface ServerCapacityView {
  server: string;
  name: string;
  urgency: Urgency;
  /** Requests per second the server can take, and where that figure comes from. */
  max_rps: number | null;
  max_rps_source: 'declared' | 'learned' | null;
  /** Busiest hour of the last 7 days, and next week's expected busiest hour, in requests per second. */
  peak_rps: number;
  forecast_peak_rps: number;
  /** Peak load over capacity, %; null without a known capacity. */
  utilisation_percent: number | null;
  forecast_utilisation_percent: number | null;
  /** Change of the requests of the last 7 (28) days over the 7 (28) before, %; null without that history. */
  growth_week_percent: number | null;
  growth_month_percent: number | null;
  /** Days until the peak reaches capacity at the weekly growth rate; 0: already there; null: not growing or unknown. */
  days_until_saturation: number | null;
  recommendation: string;
}

export interface CapacityAnswer {
  generated_at: number;
  servers: ServerCapacityView[];
}

const URGENCY_ORDER: Record<Urgency, number> = { critical: 0, soon: 1, watch: 2, ok: 3, unknown: 4 };

const growth = (recent: number, before: number): number | null =>
  before > 0 ? ((recent - before) / before) * 100 : null;

const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** The highest hourly load with p95 under `warningMs`, below the lightest load with p95 over it. */
export function learnedMaxRps(
  hours: { requests: number; p95: number | null }[],
  warningMs: number,
): number | null {
  const over = hours.filter((h) => h.p95 !== null && h.p95 > warningMs).map((h) => h.requests);
  if (over.length === 0) return null;
  const limit = Math.min(...over);
  const under = hours.filter((h) => h.p95 !== null && h.p95 <= warningMs && h.requests < limit);
  const best = Math.max(0, ...under.map((h) => h.requests));
  return best > 0 ? best / 3600 : limit / 3600;
}

export function assess(
  figures: { peakRps: number; maxRps: number | null; week: number | null; month: number | null },
  source: ServerCapacityView['max_rps_source'],
): Pick<
  ServerCapacityView,
  | 'urgency'
  | 'forecast_peak_rps'
  | 'utilisation_percent'
  | 'forecast_utilisation_percent'
  | 'days_until_saturation'
  | 'recommendation'
> {
  const { peakRps, maxRps, week } = figures;
  const weekly = week !== null ? week / 100 : 0;
  const forecastPeak = peakRps * Math.max(0, 1 + weekly);
  if (maxRps === null)
    return {
      urgency: 'unknown',
      forecast_peak_rps: round(forecastPeak, 4),
      utilisation_percent: null,
      forecast_utilisation_percent: null,
      days_until_saturation: null,
      recommendation:
        'Capacity unknown: declare capacity.max_rps for this server, or it is learned once p95 latency has gone over its warning threshold.',
    };
  const now = (peakRps / maxRps) * 100;
  const next = (forecastPeak / maxRps) * 100;
  const days =
    peakRps >= maxRps
      ? 0
      : weekly > 0 && peakRps > 0
        ? (Math.log(maxRps / peakRps) / Math.log(1 + weekly)) * 7
        : null;
  const rps = (v: number) => (v >= 10 ? String(Math.round(v)) : String(Number(v.toPrecision(2))));
  const load = `peak ${rps(peakRps)} req/s of ${rps(maxRps)} (${Math.round(now)} %)`;
  const trend = week === null ? '' : `, ${week >= 0 ? '+' : ''}${Math.round(week)} % week over week`;
  const [urgency, recommendation]: [Urgency, string] =
    days === 0
      ? ['critical', `At capacity now (${load}): add capacity or shed load today.`]
      : days !== null && days <= 14
        ? [
            'critical',
            `Saturates in about ${Math.ceil(days)} days (${load}${trend}): add capacity this week.`,
          ]
        : days !== null && days <= 60
          ? ['soon', `Saturates in about ${Math.ceil(days)} days (${load}${trend}): plan more capacity.`]
          : now >= 70
            ? ['watch', `Running close to capacity (${load}${trend}): watch the growth.`]
            : ['ok', `Enough headroom (${load}${trend}).`];
  return {
    urgency,
    forecast_peak_rps: round(forecastPeak, 4),
    utilisation_percent: round(now, 1),
    forecast_utilisation_percent: round(next, 1),
    days_until_saturation: days === null ? null : round(days, 1),
    recommendation:
      source === 'learned' ? `${recommendation} (capacity learned from latency)` : recommendation,
  };
}

export class Capacity {
  private readonly cache = new HourCache<CapacityAnswer>(4);

  constructor(private readonly deps: { db: () => Db; now: () => number; servers: () => CapacityServer[] }) {}

  fleet(): Promise<CapacityAnswer> {
    const now = this.deps.now();
    return this.cache.get('fleet', Math.floor(now / HOUR_MS), () => this.make(now));
  }

  private async make(now: number): Promise<CapacityAnswer> {
    const db = this.deps.db();
    const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
    const day = Math.floor(now / DAY_MS) * DAY_MS;
    const [hourly, daily] = await Promise.all([
      fleetStepRequests(db, { step: '1h', from: hour - 7 * DAY_MS, to: hour }),
      fleetStepRequests(db, { step: '1d', from: day - 56 * DAY_MS, to: day }),
    ]);
    const views: ServerCapacityView[] = [];
    for (const s of this.deps.servers()) {
      const days = daily.get(s.id) ?? new Map<number, number>();
      const sum = (from: number, n: number) => {
        let total = 0;
        for (let d = 0; d < n; d++) total += days.get(day - (from + d + 1) * DAY_MS) ?? 0;
        return total;
      };
      const has = (n: number) => [...days.keys()].some((t) => t < day - n * DAY_MS);
      const week = has(13) ? growth(sum(0, 7), sum(7, 7)) : null;
      const month = has(55) ? growth(sum(0, 28), sum(28, 28)) : null;
      const peakRps = Math.max(0, ...(hourly.get(s.id)?.values() ?? [])) / 3600;
      let maxRps = s.capacity?.max_rps ?? null;
      let source: ServerCapacityView['max_rps_source'] = maxRps === null ? null : 'declared';
      if (maxRps === null && peakRps > 0) {
        maxRps = await this.learned(db, s, hour);
        if (maxRps !== null) source = 'learned';
      }
      views.push({
        server: s.id,
        name: s.name,
        max_rps: maxRps === null ? null : round(maxRps, 4),
        max_rps_source: source,
        peak_rps: round(peakRps, 4),
        growth_week_percent: week === null ? null : round(week, 1),
        growth_month_percent: month === null ? null : round(month, 1),
        ...assess({ peakRps, maxRps, week, month }, source),
      });
    }
    views.sort(
      (a, b) =>
        URGENCY_ORDER[a.urgency] - URGENCY_ORDER[b.urgency] ||
        (a.days_until_saturation ?? Infinity) - (b.days_until_saturation ?? Infinity) ||
        (b.utilisation_percent ?? -1) - (a.utilisation_percent ?? -1) ||
        a.name.localeCompare(b.name),
    );
    return { generated_at: now, servers: views };
  }

  private async learned(db: Db, s: CapacityServer, hour: number): Promise<number | null> {
    const range = { serverId: s.id, step: '1h' as const, from: hour - 28 * DAY_MS, to: hour };
    const [requests, p95] = await Promise.all([
      stepSeries(db, { ...range, metric: 'requests' }),
      stepSeries(db, { ...range, metric: 'latency_p95' }),
    ]);
    const p95At = new Map(p95.map((p) => [p.t, p.value]));
    const hours = requests
      .filter((p) => p.value !== null)
      .map((p) => ({ requests: p.value ?? 0, p95: p95At.get(p.t) ?? null }));
    return learnedMaxRps(hours, s.p95WarningMs);
  }
}
