/**
 * Which of the candidate periods (a day and a week, in steps) a series shows. Each is tested on what
 * the shorter ones leave: the series without its linear trend, and without the mean profile of every
 * period already found, must repeat itself at that lag (autocorrelation ≥ 0.3) over at least two
 * cycles. augurs' own periodogram detector (`seasonalities`) was tried first: on four weeks of hourly
 * data it answered 23 for a 24-hour cycle, missed the week, and found a period of 127 in a constant
 * series — a flat series must not be flagged as anything.
 */

const MIN_AUTOCORRELATION = 0.3;

/** `y` minus its least-squares line; undefined when nothing is left to explain (a flat series). */
function detrended(y: readonly number[]): number[] | undefined {
  const n = y.length;
  const mx = (n - 1) / 2;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - mx) * ((y[i] ?? 0) - my);
    sxx += (i - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const d = y.map((v, i) => v - my - slope * (i - mx));
  const variance = d.reduce((a, v) => a + v * v, 0) / n;
  // relative to the level: rounding noise around a constant is not a pattern
  return variance > 1e-12 * Math.max(1, my * my) ? d : undefined;
}

/** Autocorrelation at `lag`, each side normalised by its own number of pairs. */
function autocorrelation(d: readonly number[], lag: number): number {
  const n = d.length;
  let variance = 0;
  for (const v of d) variance += v * v;
  let c = 0;
  for (let i = lag; i < n; i++) c += (d[i] ?? 0) * (d[i - lag] ?? 0);
  return variance > 0 ? c / (n - lag) / (variance / n) : 0;
}

/** `d` minus its mean profile over `period` (the mean at each phase). */
export function withoutProfile(d: readonly number[], period: number): number[] {
  const sums = new Array<number>(period).fill(0);
  const counts = new Array<number>(period).fill(0);
  d.forEach((v, i) => {
    sums[i % period] = (sums[i % period] ?? 0) + v;
    counts[i % period] = (counts[i % period] ?? 0) + 1;
  });
  return d.map((v, i) => v - (sums[i % period] ?? 0) / Math.max(1, counts[i % period] ?? 1));
}

export function seasonalPeriods(y: readonly number[], candidates: readonly number[]): number[] {
  let d = detrended(y);
  const found: number[] = [];
  for (const p of [...candidates].sort((a, b) => a - b)) {
    if (d === undefined || y.length < 2 * p) break;
    if (autocorrelation(d, p) < MIN_AUTOCORRELATION) continue;
    found.push(p);
    d = withoutProfile(d, p);
  }
  return found;
}
