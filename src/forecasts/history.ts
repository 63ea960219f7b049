/** How each forecast metric's history is read and its gaps filled (forecasts and anomalies share it). */
import type { StepMetric, StepPoint } from '../metrics/index.js';
import type { ForecastMetric } from './answer.js';

/** Where each metric is read, what a step without data means, and its bounds. */
export const METRICS = {
  requests: { read: 'requests', gap: 'zero', max: Infinity },
  p95: { read: 'latency_p95', gap: 'interpolate', max: Infinity },
  error_rate: { read: 'error_rate', gap: 'interpolate', max: 100 },
  connections: { read: 'active_connections', gap: 'interpolate', max: Infinity },
  cpu: { read: 'cpu', gap: 'interpolate', max: Infinity },
  memory: { read: 'memory', gap: 'interpolate', max: Infinity },
} as const satisfies Record<ForecastMetric, { read: StepMetric; gap: 'zero' | 'interpolate'; max: number }>;

/** The history from its first step with data, gaps filled: 0 requests, else a line between the neighbours. */
export function filled(points: StepPoint[], gap: 'zero' | 'interpolate'): { t: number; value: number }[] {
  const first = points.findIndex((p) => p.value !== null);
  if (first < 0) return [];
  const kept = points.slice(first);
  const v = kept.map((p) => p.value ?? (gap === 'zero' ? 0 : NaN));
  let last = 0; // the last step with a value; the first one has one
  for (let i = 1; i < v.length; i++) {
    if (!Number.isNaN(v[i])) {
      last = i;
      continue;
    }
    let next = i;
    while (next < v.length && Number.isNaN(v[next])) next++;
    const a = v[last] ?? 0;
    const b = next < v.length ? (v[next] ?? a) : a; // a gap at the end holds the last value
    for (let j = i; j < next; j++) v[j] = a + ((b - a) * (j - last)) / (next - last);
    i = next - 1;
  }
  return kept.map((p, i) => ({ t: p.t, value: v[i] ?? 0 }));
}
