/** Numbers and times as the dashboard shows them. */

export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 100) return `${Math.round(v)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

export function percent(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v < 10 ? v.toFixed(2) : v.toFixed(1)}%`;
}

export function rate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0/s';
  if (v < 0.1) return `${v.toPrecision(2)}/s`;
  return v >= 100 ? `${Math.round(v)}/s` : `${v.toFixed(v >= 10 ? 1 : 2)}/s`;
}

export function count(v: number): string {
  return v >= 10_000 ? `${(v / 1000).toFixed(v >= 100_000 ? 0 : 1)}k` : String(v);
}

export function bytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x.toFixed(x >= 100 || i === 0 ? 0 : 1)} ${units[i] ?? 'B'}`;
}

/** "12 s ago", "3 min ago", "in 5 min"; the exact time belongs in a title beside it. */
export function relative(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const d = Math.round((Date.parse(iso) - now) / 1000);
  const a = Math.abs(d);
  const text =
    a < 5
      ? 'now'
      : a < 60
        ? `${a} s`
        : a < 3600
          ? `${Math.round(a / 60)} min`
          : a < 86_400
            ? `${Math.round(a / 3600)} h`
            : `${Math.round(a / 86_400)} d`;
  if (text === 'now') return 'just now';
  return d < 0 ? `${text} ago` : `in ${text}`;
}

export function exact(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '';
}
