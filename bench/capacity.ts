// Anomalies and capacity (issue 13). Quality: precision and recall of the baseline band on
// synthetic series with injected spikes and dips, over several seeds (fitted in-process, as the
// worker does). Cost, on a SQLite store with a fleet's four backfilled weeks: the capacity view
// cold and cached; the live bands of rule `anomaly_score` for every server × 3 series filled in the
// background with the event loop's lag measured meanwhile, then one evaluation's scoring of them
// all (what a tick adds).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fitBaseline } from '../src/forecasts/baseline.js';
import { Forecasts, liveScore } from '../src/forecasts/index.js';
import { Aggregator } from '../src/metrics/aggregate/aggregator.js';
import { requestEvent, seasonalHourlyCounts, seededRandom } from '../src/metrics/ingest/synthetic-traffic.js';
import { ANOMALY_SERIES } from '../src/model/forecast.js';
import { openStore } from '../src/store/open-store.js';

const HOUR = 3_600_000;
const HOURS = 28 * 24;

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};

export interface AnomalyQuality {
  seeds: number;
  injected: number;
  precision: number;
  recall: number;
  falsePositives: number;
  fitP50Ms: number;
}

/** Six injected hours per series: three spikes (×2.5–4) and three dips (×0.15–0.4), two days apart at least. */
export function anomalyQuality(seeds: number): AnomalyQuality {
  let tp = 0;
  let fp = 0;
  let injected = 0;
  const fits: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const random = seededRandom(500 + seed);
    const values = seasonalHourlyCounts(HOURS, seed, 100);
    const at = new Map<number, 'up' | 'down'>();
    for (let k = 0; k < 6; k++) {
      const i = 48 + k * 100 + Math.floor(random() * 50);
      const up = k % 2 === 0;
      values[i] = Math.round((values[i] ?? 0) * (up ? 2.5 + 1.5 * random() : 0.15 + 0.25 * random()));
      at.set(i, up ? 'up' : 'down');
    }
    injected += at.size;
    const t0 = performance.now();
    const b = fitBaseline({ values, candidates: [24, 168], z: 5.5, minHalf: 0.15, min: 0, max: Infinity });
    fits.push(performance.now() - t0);
    b.score.forEach((s, i) => {
      if (Math.abs(s) <= 1) return;
      if (at.get(i) === (s > 0 ? 'up' : 'down')) tp++;
      else fp++;
    });
  }
  return {
    seeds,
    injected,
    precision: tp + fp > 0 ? tp / (tp + fp) : 1,
    recall: tp / injected,
    falsePositives: fp,
    fitP50Ms: percentile(fits, 0.5),
  };
}

export interface FleetCost {
  servers: number;
  capacityColdMs: number;
  capacityCachedMs: number;
  bandsFillMs: number;
  lagP99DuringFillMs: number;
  lagMaxDuringFillMs: number;
  scoreAllMs: number;
  bands: number;
}

/** `servers` servers with four weeks of hourly traffic (a few requests an hour each), half declaring a capacity. */
export async function fleetCost(servers: number): Promise<FleetCost> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-health-capacity-'));
  const store = await openStore({ dataDir: dir });
  try {
    const now = Date.now();
    const start = Math.floor(now / HOUR) * HOUR - HOURS * HOUR;
    const ids = Array.from({ length: servers }, (_, i) => `s${i}`);
    const aggregator = new Aggregator({ store });
    for (const [k, id] of ids.entries()) {
      const counts = seasonalHourlyCounts(HOURS, k, 3);
      counts.forEach((n, h) => {
        for (let i = 0; i < n; i++)
          aggregator.record(
            requestEvent({ serverId: id, startedAt: start + h * HOUR + (i * HOUR) / n, latencyMs: 20 + n }),
          );
      });
      if (k % 50 === 49) await aggregator.flush();
    }
    await aggregator.flush();
    const forecasts = new Forecasts({
      db: () => store.db,
      servers: () =>
        ids.map((id, k) => ({
          id,
          name: id,
          capacity: k % 2 === 0 ? { max_rps: 0.01 } : undefined,
          p95WarningMs: 25,
        })),
    });
    let t0 = performance.now();
    await forecasts.capacity();
    const capacityColdMs = performance.now() - t0;
    t0 = performance.now();
    await forecasts.capacity();
    const capacityCachedMs = performance.now() - t0;

    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    t0 = performance.now();
    const missing = () =>
      ids.flatMap((id) => ANOMALY_SERIES.filter((s) => forecasts.liveBand(id, s) === undefined));
    // bounded: a band that cannot be fitted would otherwise be asked for forever
    while (missing().length > 0 && performance.now() - t0 < 600_000)
      await new Promise((r) => setTimeout(r, 200));
    const bandsFillMs = performance.now() - t0;
    lag.disable();
    t0 = performance.now();
    let bands = 0;
    for (const id of ids)
      for (const s of ANOMALY_SERIES) {
        const band = forecasts.liveBand(id, s);
        if (band && Number.isFinite(liveScore(band, 5))) bands++;
      }
    const scoreAllMs = performance.now() - t0;
    await forecasts.close();
    return {
      servers,
      capacityColdMs,
      capacityCachedMs,
      bandsFillMs,
      lagP99DuringFillMs: lag.percentile(99) / 1e6,
      lagMaxDuringFillMs: lag.max / 1e6,
      scoreAllMs,
      bands,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
