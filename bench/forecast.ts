// Forecast quality and latency (issue 13): the backtest of the next 7 days on synthetic series
// with daily and weekly cycles, a trend and noise, over several seeds (fitted in-process, as the
// worker does); then a server's forecast through the forecasts part on a SQLite store holding
// four backfilled weeks: cold (store read + fit in the worker) and cached.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitForecast } from '../src/forecasts/fit.js';
import { Forecasts } from '../src/forecasts/index.js';
import { Aggregator } from '../src/metrics/aggregate/aggregator.js';
import { rollUp } from '../src/metrics/aggregate/rollup.js';
import { requestEvent, seasonalHourlyCounts } from '../src/metrics/ingest/synthetic-traffic.js';
import { openStore } from '../src/store/open-store.js';

const HOUR = 3_600_000;
const WEEK = 168;

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};

export interface ForecastBench {
  seeds: number;
  mapeMean: number;
  mapeMax: number;
  coverageMean: number;
  coverageMin: number;
  seasonalityFound: number;
  /** One fitForecast in-process (backtest and forecast), p50 over the seeds. */
  fitP50Ms: number;
  runs: number;
  coldP50Ms: number;
  coldP99Ms: number;
  cachedP50Ms: number;
  cachedP99Ms: number;
}

export async function benchForecast(seeds: number, runs: number): Promise<ForecastBench> {
  const mapes: number[] = [];
  const coverages: number[] = [];
  const fits: number[] = [];
  let found = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const all = seasonalHourlyCounts(5 * WEEK, seed);
    const truth = all.slice(4 * WEEK);
    const t0 = performance.now();
    const f = fitForecast({
      values: all.slice(0, 4 * WEEK),
      candidates: [24, WEEK],
      week: WEEK,
      horizon: WEEK,
      level: 0.95,
      min: 0,
      max: Infinity,
    });
    fits.push(performance.now() - t0);
    mapes.push((truth.reduce((a, v, i) => a + Math.abs(v - (f.point[i] ?? 0)) / v, 0) / WEEK) * 100);
    coverages.push(truth.filter((v, i) => v >= (f.lower[i] ?? 0) && v <= (f.upper[i] ?? 0)).length / WEEK);
    if (f.periods.join() === `24,${WEEK}`) found++;
  }

  const dir = mkdtempSync(join(tmpdir(), 'mcp-health-forecast-'));
  const store = await openStore({ dataDir: dir });
  try {
    const now = Date.now();
    const start = Math.floor(now / HOUR) * HOUR - 4 * WEEK * HOUR;
    const aggregator = new Aggregator({ store });
    seasonalHourlyCounts(4 * WEEK, 99).forEach((n, h) => {
      for (let i = 0; i < n; i++)
        aggregator.record(requestEvent({ serverId: 'bench', startedAt: start + h * HOUR + (i * HOUR) / n }));
    });
    await aggregator.flush();
    await rollUp(store.db, now);
    const forecasts = new Forecasts({ db: () => store.db });
    const q = (level: number) => ({
      serverId: 'bench',
      metric: 'requests' as const,
      horizonHours: WEEK,
      level,
    });
    await forecasts.forecast(q(0.5)); // the worker started and its WASM loaded: not a forecast's cost
    const cold: number[] = [];
    const cached: number[] = [];
    for (let i = 1; i <= runs; i++) {
      const level = 0.5 + (0.49 * i) / runs; // a new key each time: nothing cached
      let t0 = performance.now();
      await forecasts.forecast(q(level));
      cold.push(performance.now() - t0);
      t0 = performance.now();
      await forecasts.forecast(q(level));
      cached.push(performance.now() - t0);
    }
    await forecasts.close();
    return {
      seeds,
      mapeMean: mapes.reduce((a, b) => a + b, 0) / seeds,
      mapeMax: Math.max(...mapes),
      coverageMean: coverages.reduce((a, b) => a + b, 0) / seeds,
      coverageMin: Math.min(...coverages),
      seasonalityFound: found,
      fitP50Ms: percentile(fits, 0.5),
      runs,
      coldP50Ms: percentile(cold, 0.5),
      coldP99Ms: percentile(cold, 0.99),
      cachedP50Ms: percentile(cached, 0.5),
      cachedP99Ms: percentile(cached, 0.99),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
