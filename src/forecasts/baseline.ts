/**
 * A series' seasonal baseline band and its level shifts (DESIGN §11), fitted in the fit worker, on
 * the logs of the values like forecasts (a quiet weekend scales the daily cycle down).
 *
 * The baseline is MSTL's in-sample fit (AutoETS trend) over the periods the series shows. Fitted
 * once, a spike leaks into the seasonal component of its phase (a quarter of it with four weekly
 * cycles) and would then mark the same hour of the other weeks as dips; so the points outside the
 * first band are replaced by the first fit and the model fitted again. The band is the baseline ±
 * `z` robust standard deviations of the residuals (1.4826 × their median absolute deviation, so
 * the anomalies themselves do not widen it), never narrower than `minHalf` (a flat series has no
 * noise at all, and must not turn every rounding into an anomaly). MSTL's own in-sample intervals
 * come from the residual variance, spikes included, so they were not used.
 *
 * Level shifts: augurs' Bayesian changepoint detector (normal-gamma) on the series without its
 * seasonal profile, kept when the median of the day after differs from the day before by more
 * than a band half-width.
 */
import { ChangepointDetector, initSync as initChangepoint } from '@bsull/augurs/changepoint';
import { augurs, wasmOf } from './augurs.js';
import { seasonalPeriods, withoutProfile } from './seasonality.js';

export interface BaselineJob {
  /** One value per step, oldest first, no gaps. */
  values: number[];
  /** Candidate periods in steps (a day, a week). */
  candidates: number[];
  /** Half-width of the band in robust standard deviations. */
  z: number;
  /** Smallest half-width, in logs (0.15 ≈ ±16 %). */
  minHalf: number;
  /** Bounds of the metric's values (0 and 100 for an error rate). */
  min: number;
  max: number;
}

export interface LevelShiftAt {
  index: number;
  before: number;
  after: number;
  /** The change in band half-widths. */
  score: number;
}

export interface BaselineResult {
  baseline: number[];
  lower: number[];
  upper: number[];
  /** Distance from the baseline in band half-widths, signed: > 1 above the band, < -1 below it. */
  score: number[];
  /** The next step's baseline in logs and the half-width: what a live value is scored against. */
  next: { center: number; half: number; value: number; lower: number; upper: number };
  periods: number[];
  shifts: LevelShiftAt[];
}

/** A level shift is kept when it moves the level by two band half-widths. */
const MIN_SHIFT = 2;

let changepointLoaded = false;
function detector(): ChangepointDetector {
  if (!changepointLoaded) {
    initChangepoint({ module: wasmOf('changepoint') });
    changepointLoaded = true;
  }
  return ChangepointDetector.normalGamma();
}

/** Without a period: the median of the 25 steps around each one, the next step's the last day's. */
function rollingMedian(y: number[]): { fit: number[]; next: number } {
  const fit = y.map((_, i) => median(y.slice(Math.max(0, i - 12), i + 13)));
  return { fit, next: median(y.slice(-24)) };
}

/** The in-sample fit and the next step's point. */
function inSample(y: number[], periods: number[]): { fit: number[]; next: number } {
  if (periods.length === 0) return rollingMedian(y);
  const { MSTL } = augurs();
  const model = MSTL.ets(periods, {});
  try {
    model.fit(Float64Array.from(y));
    const fit = model.predictInSample().point;
    return { fit, next: model.predict(1).point[0] ?? fit.at(-1) ?? 0 };
  } finally {
    model.free();
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

function halfWidth(residuals: readonly number[], job: BaselineJob): number {
  const m = median(residuals);
  const mad = median(residuals.map((r) => Math.abs(r - m)));
  return Math.max(job.minHalf, job.z * 1.4826 * mad);
}

function levelShifts(
  y: number[],
  periods: number[],
  half: number,
  back: (v: number) => number,
): LevelShiftAt[] {
  let d = y;
  for (const p of periods) d = withoutProfile(d, p);
  const cpd = detector();
  let indices: number[];
  try {
    indices = cpd.detectChangepoints(Float64Array.from(d)).indices;
  } finally {
    cpd.free();
  }
  const day = Math.min(24, Math.floor(y.length / 4));
  const out: LevelShiftAt[] = [];
  for (const i of indices) {
    if (i < day || i > y.length - day) continue;
    const before = median(d.slice(i - day, i));
    const after = median(d.slice(i, i + day));
    const score = (after - before) / half;
    if (Math.abs(score) < MIN_SHIFT) continue;
    const last = out.at(-1);
    if (last && i - last.index < day) continue;
    const level = median(y.slice(i - day, i)) - before; // the profile's mean, added back
    out.push({ index: i, before: back(before + level), after: back(after + level), score });
  }
  return out;
}

/**
 * MSTL's seasonal smoothing rounds a sharp weekly edge (a weekend starting at midnight), so the
 * same hours miss by the same amount every week — 8 robust deviations on synthetic traffic, which
 * flagged them all. The fit is moved by the median of its residuals at each phase of the longest
 * period, when there are three cycles or more (a one-off spike does not move a median of three).
 */
function corrected(y: number[], f: { fit: number[]; next: number }, periods: number[]) {
  const period = Math.max(0, ...periods);
  if (period === 0 || y.length < 3 * period) return f;
  const byPhase = Array.from({ length: period }, () => [] as number[]);
  y.forEach((v, i) => byPhase[i % period]?.push(v - (f.fit[i] ?? v)));
  const shift = byPhase.map(median);
  return {
    fit: f.fit.map((v, i) => v + (shift[i % period] ?? 0)),
    next: f.next + (shift[y.length % period] ?? 0),
  };
}

export function fitBaseline(job: BaselineJob): BaselineResult {
  const y = job.values.map((v) => Math.log1p(Math.max(0, v)));
  const periods = seasonalPeriods(y, job.candidates).filter((p) => y.length >= 2 * p);
  const first = inSample(y, periods);
  const half1 = halfWidth(
    y.map((v, i) => v - (first.fit[i] ?? v)),
    job,
  );
  const cleaned = y.map((v, i) => {
    const f = first.fit[i] ?? v;
    return Math.abs(v - f) > half1 ? f : v;
  });
  const second = corrected(y, inSample(cleaned, periods), periods);
  const residuals = y.map((v, i) => v - (second.fit[i] ?? v));
  const half = halfWidth(residuals, job);
  const back = (v: number) => Math.min(job.max, Math.max(job.min, Math.expm1(v)));
  return {
    baseline: second.fit.map(back),
    lower: second.fit.map((f) => back(f - half)),
    upper: second.fit.map((f) => back(f + half)),
    score: residuals.map((r) => r / half),
    next: {
      center: second.next,
      half,
      value: back(second.next),
      lower: back(second.next - half),
      upper: back(second.next + half),
    },
    periods,
    shifts: levelShifts(cleaned, periods, half, back),
  };
}
