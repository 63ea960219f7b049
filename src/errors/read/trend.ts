import type { Db } from '../../store/tables.js';
import type { CountResolution } from '../store/write-repo.js';
import { ERROR_KINDS, type ErrorKind } from '../fingerprint/fingerprint.js';
import { errorsReadRepo as repo } from '../store/read-repo.js';
import type { TrendPlan } from './window.js';

/** Requests per step (keyed by step start) over a plan's range: the metrics part answers it. */
export type RequestCounts = (q: {
  from: number;
  to: number;
  stepMs: number;
  serverId: string | undefined;
}) => Promise<Map<number, number>>;

export interface TrendPoint {
  /** Start of the step, epoch ms. */
  t: number;
  requests: number;
  /** Failed requests (every kind but `probe`). */
  errors: number;
  /** errors / requests, %; null without requests. */
  rate: number | null;
  by_kind: Record<ErrorKind, { count: number; rate: number | null }>;
}

export interface Trend {
  from: number;
  to: number;
  step_ms: number;
  resolution: CountResolution;
  points: TrendPoint[];
}

const percent = (n: number, of: number): number | null => (of > 0 ? (n / of) * 100 : null);

/** Errors per step and kind, with the rate against the requests of the step (a failed check is not a request: no rate). */
export async function errorTrend(
  db: Db,
  plan: TrendPlan,
  serverId: string | undefined,
  requests: RequestCounts | undefined,
): Promise<Trend> {
  const [rows, reqs] = await Promise.all([
    repo.perBucket(db, plan, serverId),
    requests?.({ from: plan.from, to: plan.to, stepMs: plan.stepMs, serverId }) ?? new Map<number, number>(),
  ]);
  const steps = new Map<number, Map<string, number>>();
  for (const r of rows) {
    const t = plan.from + Math.floor((r.bucket - plan.from) / plan.stepMs) * plan.stepMs;
    let kinds = steps.get(t);
    if (!kinds) steps.set(t, (kinds = new Map<string, number>()));
    kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + r.count);
  }
  const points: TrendPoint[] = [];
  for (let t = plan.from; t < plan.to; t += plan.stepMs) {
    const kinds = steps.get(t);
    const n = reqs.get(t) ?? 0;
    const byKind = Object.fromEntries(
      ERROR_KINDS.map((k) => {
        const count = kinds?.get(k) ?? 0;
        return [k, { count, rate: k === 'probe' ? null : percent(count, n) }];
      }),
    ) as TrendPoint['by_kind']; // safe because every kind is a key
    const errors = ERROR_KINDS.reduce((sum, k) => (k === 'probe' ? sum : sum + byKind[k].count), 0);
    points.push({ t, requests: n, errors, rate: percent(errors, n), by_kind: byKind });
  }
  return { from: plan.from, to: plan.to, step_ms: plan.stepMs, resolution: plan.resolution, points };
}
