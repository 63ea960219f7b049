/**
 * Wall-clock time in an IANA time zone with the runtime's own zone data (Intl), no library.
 * A local time is kept as "civil ms": the epoch ms its fields would be in UTC (read with the
 * getUTC* methods), so date arithmetic on it ignores DST.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows the zone (an IANA name such as "Europe/Berlin", or "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local time in `zone` at an instant, as civil ms (whole seconds). */
export function toCivil(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The zone's offset from UTC at an instant, in ms (Berlin in summer: +2 h). */
export const offsetAt = (instant: number, zone: string): number =>
  toCivil(instant, zone) - Math.floor(instant / 1000) * 1000;

/**
 * The instant a local time happens in `zone`, as RFC 5545 (3.3.5) has it for times a DST change
 * makes odd: a time that occurs twice (clocks going back) is its first occurrence; a time that
 * does not exist (clocks going forward) is read with the offset before the gap, so it lands as
 * far after the gap's start as it was meant to be (02:30 in Berlin on the last Sunday of March
 * is 03:30 CEST).
 */
export function toInstant(civil: number, zone: string): number {
  const DAY = 86_400_000;
  const before = offsetAt(civil - DAY, zone);
  const after = offsetAt(civil + DAY, zone);
  const fits = [before, after]
    .map((off) => civil - off)
    .filter((t) => offsetAt(t, zone) === civil - t)
    .sort((a, b) => a - b);
  return fits[0] ?? civil - before;
}
