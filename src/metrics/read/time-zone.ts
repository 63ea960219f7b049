/**
 * Wall-clock time in an IANA time zone, for usage analytics that speak in the user's hours and
 * days (the store's buckets are UTC). Daylight saving is the zone's own: each instant is read
 * through `Intl`, never through a fixed offset.
 */
import { HOUR_MS, MINUTE_MS, floorTo } from '../aggregate/bucket.js';

export const UTC = 'UTC';

/** An instant's wall clock in a zone. */
export interface LocalTime {
  /** 0–23. */
  hour: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** The local date as a sortable key, `YYYY-MM-DD`. */
  date: string;
  /** Local time minus UTC, ms (e.g. +3,600,000 in Berlin in winter). */
  offsetMs: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formats = new Map<string, Intl.DateTimeFormat>();

/** Whether `name` is a time zone this runtime knows (IANA names such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    formatFor(name);
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical name (`utc`, `Etc/UTC` and `GMT` are `UTC`; `europe/berlin` is `Europe/Berlin`). */
export const canonicalTimeZone = (name: string): string => formatFor(name).resolvedOptions().timeZone;

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** `at`'s wall clock in `timeZone` (which must be valid: see `isTimeZone`). */
export function localTime(at: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatFor(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const [year, month, day, hour, minute] = [parts.year, parts.month, parts.day, parts.hour, parts.minute].map(
    Number,
  ) as [number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  return {
    hour,
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
    date: `${parts.year}-${parts.month}-${parts.day}`,
    offsetMs: wall - floorTo(at, MINUTE_MS),
  };
}

/** The instant the local day holding `at` began (local midnight, or the day's first hour where a DST change skips midnight). */
export function localDayStart(at: number, timeZone: string): number {
  const t = localTime(at, timeZone);
  const [y, m, d] = t.date.split('-').map(Number) as [number, number, number];
  const midnight = Date.UTC(y, m - 1, d);
  // The offset at midnight may differ from the offset at `at` (a DST change that day).
  const guess = midnight - t.offsetMs;
  const start = midnight - localTime(guess, timeZone).offsetMs;
  return localTime(start, timeZone).date === t.date ? start : guess;
}

/** The instant the local day after the one holding `dayStart` begins (days are 23–25 h long). */
export const nextLocalDayStart = (dayStart: number, timeZone: string): number =>
  localDayStart(dayStart + 26 * HOUR_MS, timeZone);
