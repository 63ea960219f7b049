/** The time range of the performance and endpoint views, kept in the URL (`range=24h` or `from=&to=`). */

export const ranges = [
  ['1h', 'Last hour', 3600_000],
  ['6h', '6 hours', 6 * 3600_000],
  ['24h', '24 hours', 24 * 3600_000],
  ['7d', '7 days', 7 * 86_400_000],
  ['30d', '30 days', 30 * 86_400_000],
] as const;

export interface Range {
  key: string;
  from: number;
  to: number;
}

const time = (s: string | null): number | undefined => {
  if (!s) return undefined;
  const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  return Number.isFinite(n) ? n : undefined;
};

/** The range in the URL; `fallback` when it names none (the performance view's is the last hour). */
export function rangeOf(query: URLSearchParams, now: number, fallback = '1h'): Range {
  const key = query.get('range') ?? fallback;
  if (key === 'custom') {
    const from = time(query.get('from'));
    const to = time(query.get('to')) ?? now;
    if (from !== undefined && from < to) return { key, from, to };
  }
  const preset = ranges.find((r) => r[0] === key) ?? ranges[0];
  return { key: preset[0], from: now - preset[2], to: now };
}

/** For <input type="datetime-local">: local time without seconds. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}
