/**
 * When a maintenance window happens: once, or again and again by an RRULE (RFC 5545; FREQ
 * DAILY, WEEKLY or MONTHLY with INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYHOUR, BYMINUTE) or
 * a five-field cron expression, both read in the window's time zone. The local times a DST change
 * makes odd are placed as zone.ts `toInstant` says (RFC 5545): a repeated time at its first
 * occurrence, a skipped one shifted forward by the gap.
 */
import { toCivil, toInstant } from './zone.js';

export type Recurrence = { rrule: string } | { cron: string } | null;

/** What the evaluator needs of a window. */
export interface Schedule {
  /** The first start (epoch ms); a recurrence's times of day come from it unless it names them. */
  startsAt: number;
  durationMs: number;
  recurrence: Recurrence;
  timeZone: string;
}

const DAY = 86_400_000;
/** Occurrences one question may give back: a window list is a page, not a calendar export. */
const MAX_STARTS = 1000;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

interface RRule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY';
  interval: number;
  count: number | null;
  /** Civil ms, or an instant when `untilUtc`. */
  until: number | null;
  untilUtc: boolean;
  /** JS weekday (0 = Sunday) and, for MONTHLY, which of the month (1, 2, -1 = last). */
  byDay: { day: number; nth: number | null }[] | null;
  byMonthDay: number[] | null;
  byHour: number[] | null;
  byMinute: number[] | null;
}

const intList = (v: string, min: number, max: number, what: string): number[] =>
  v.split(',').map((x) => {
    const n = Number(x);
    if (!/^-?\d+$/.test(x) || n < min || n > max || (n === 0 && min < 0))
      throw new Error(`${what}: "${x}" is not in ${min}..${max}`);
    return n;
  });

/** Parses the supported RRULE subset; throws an Error saying what is wrong. */
export function parseRRule(text: string): RRule {
  const r: RRule = {
    freq: 'DAILY',
    interval: 1,
    count: null,
    until: null,
    untilUtc: false,
    byDay: null,
    byMonthDay: null,
    byHour: null,
    byMinute: null,
  };
  let freq: string | null = null;
  for (const part of text
    .trim()
    .replace(/^RRULE:/i, '')
    .split(';')) {
    const [key = '', value = ''] = part.split('=');
    switch (key.toUpperCase()) {
      case 'FREQ':
        if (value !== 'DAILY' && value !== 'WEEKLY' && value !== 'MONTHLY')
          throw new Error(`FREQ=${value} is not supported: DAILY, WEEKLY or MONTHLY`);
        r.freq = value;
        freq = value;
        break;
      case 'INTERVAL':
        [r.interval = 1] = intList(value, 1, 1000, 'INTERVAL');
        break;
      case 'COUNT':
        [r.count = null] = intList(value, 1, 10_000, 'COUNT');
        break;
      case 'UNTIL': {
        const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
        if (!m) throw new Error(`UNTIL=${value}: give YYYYMMDD or YYYYMMDDTHHMMSS[Z]`);
        const [, y, mo, d, h = '23', mi = '59', s = '59', z] = m;
        r.until = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
        r.untilUtc = z === 'Z';
        break;
      }
      case 'BYDAY':
        r.byDay = value.split(',').map((x) => {
          const m = /^([+-]?\d)?(SU|MO|TU|WE|TH|FR|SA)$/.exec(x);
          if (!m) throw new Error(`BYDAY: "${x}" is not a weekday such as MO or 1MO or -1SU`);
          return {
            day: WEEKDAYS.indexOf(m[2] as (typeof WEEKDAYS)[number]),
            nth: m[1] ? Number(m[1]) : null,
          };
        });
        break;
      case 'BYMONTHDAY':
        r.byMonthDay = intList(value, -31, 31, 'BYMONTHDAY');
        break;
      case 'BYHOUR':
        r.byHour = intList(value, 0, 23, 'BYHOUR');
        break;
      case 'BYMINUTE':
        r.byMinute = intList(value, 0, 59, 'BYMINUTE');
        break;
      case 'WKST':
        if (value !== 'MO') throw new Error('WKST: only MO is supported');
        break;
      default:
        throw new Error(`${key || '(empty)'} is not supported`);
    }
  }
  if (freq === null) throw new Error('FREQ is required');
  if (r.count !== null && r.until !== null) throw new Error('give COUNT or UNTIL, not both');
  if (r.byDay?.some((d) => d.nth !== null) && r.freq !== 'MONTHLY')
    throw new Error('BYDAY with a number (1MO, -1SU) needs FREQ=MONTHLY');
  return r;
}

interface Cron {
  minutes: number[];
  hours: number[];
  doms: Set<number>;
  months: Set<number>;
  dows: Set<number>;
  domAny: boolean;
  dowAny: boolean;
}

function cronField(text: string, min: number, max: number, what: string): number[] {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!m) throw new Error(`${what}: "${item}" is not a cron field`);
    const lo = m[1] === '*' ? min : Number(m[2]);
    const hi = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] ? max : lo;
    const step = m[4] ? Number(m[4]) : 1;
    if (lo < min || hi > max || lo > hi || step < 1)
      throw new Error(`${what}: "${item}" is out of ${min}..${max}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

const CRON_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const CRON_MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Day and month names (MON, JAN) as their numbers. */
const named = (field: string, names: readonly string[], first = 0): string =>
  field.toUpperCase().replace(/[A-Z]{3}/g, (n) => (names.includes(n) ? String(names.indexOf(n) + first) : n));

/** Parses "minute hour day-of-month month day-of-week" (0 or 7 = Sunday); throws saying what is wrong. */
export function parseCron(text: string): Cron {
  const f = text.trim().split(/\s+/);
  if (f.length !== 5) throw new Error('give five fields: minute hour day-of-month month day-of-week');
  const [mi = '', h = '', dom = '', mon = '', dow = ''] = f;
  return {
    minutes: cronField(mi, 0, 59, 'minute'),
    hours: cronField(h, 0, 23, 'hour'),
    doms: new Set(cronField(dom, 1, 31, 'day-of-month')),
    months: new Set(cronField(named(mon, CRON_MONTHS, 1), 1, 12, 'month')),
    dows: new Set(cronField(named(dow, CRON_DAYS), 0, 7, 'day-of-week').map((d) => d % 7)),
    domAny: dom === '*',
    dowAny: dow === '*',
  };
}

/** Checks a recurrence; the problem as a message, or null. */
export function recurrenceProblem(r: Recurrence): string | null {
  try {
    if (r && 'rrule' in r) parseRRule(r.rrule);
    else if (r) parseCron(r.cron);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

const dayOf = (civil: number): number => Math.floor(civil / DAY) * DAY;
const timesOfDay = (hours: readonly number[], minutes: readonly number[]): number[] =>
  hours.flatMap((h) => minutes.map((m) => h * 3_600_000 + m * 60_000)).sort((a, b) => a - b);

/** The days of a month (civil ms of each midnight) an RRULE's BYMONTHDAY / BYDAY pick. */
function monthDays(r: RRule, year: number, month: number, dtDay: number): number[] {
  const first = Date.UTC(year, month, 1);
  const length = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const days: number[] = [];
  if (r.byMonthDay)
    for (const d of r.byMonthDay) {
      const n = d > 0 ? d : length + d + 1;
      if (n >= 1 && n <= length) days.push(first + (n - 1) * DAY);
    }
  else if (r.byDay)
    for (const { day, nth } of r.byDay) {
      const all: number[] = [];
      for (let n = 0; n < length; n++)
        if (new Date(first + n * DAY).getUTCDay() === day) all.push(first + n * DAY);
      if (nth === null) days.push(...all);
      else {
        const pick = nth > 0 ? all[nth - 1] : all[all.length + nth];
        if (pick !== undefined) days.push(pick);
      }
    }
  else if (dtDay <= length) days.push(first + (dtDay - 1) * DAY);
  return [...new Set(days)].sort((a, b) => a - b);
}

/** The candidate days of one period of an RRULE (civil midnights). */
function periodDays(r: RRule, dtCivil: number, p: number): number[] {
  const dt = new Date(dtCivil);
  const weekdays = r.byDay?.map((d) => d.day);
  switch (r.freq) {
    case 'DAILY': {
      const day = dayOf(dtCivil) + p * r.interval * DAY;
      const date = new Date(day);
      if (weekdays && !weekdays.includes(date.getUTCDay())) return [];
      if (r.byMonthDay && !r.byMonthDay.includes(date.getUTCDate())) return [];
      return [day];
    }
    case 'WEEKLY': {
      const monday = dayOf(dtCivil) - ((dt.getUTCDay() + 6) % 7) * DAY + p * r.interval * 7 * DAY;
      const wanted = weekdays ?? [dt.getUTCDay()];
      return wanted.map((d) => monday + ((d + 6) % 7) * DAY).sort((a, b) => a - b);
    }
    case 'MONTHLY': {
      const index = dt.getUTCFullYear() * 12 + dt.getUTCMonth() + p * r.interval;
      return monthDays(r, Math.floor(index / 12), index % 12, dt.getUTCDate());
    }
  }
}

/** The first day of an RRULE's period `p` (civil ms). */
function periodStart(r: RRule, dtCivil: number, p: number): number {
  const dt = new Date(dtCivil);
  switch (r.freq) {
    case 'DAILY':
      return dayOf(dtCivil) + p * r.interval * DAY;
    case 'WEEKLY':
      return dayOf(dtCivil) - ((dt.getUTCDay() + 6) % 7) * DAY + p * r.interval * 7 * DAY;
    case 'MONTHLY': {
      const index = dt.getUTCFullYear() * 12 + dt.getUTCMonth() + p * r.interval;
      return Date.UTC(Math.floor(index / 12), index % 12, 1);
    }
  }
}

/** Roughly how long a period is, to start near a range rather than at the first start. */
const periodMs = (r: RRule): number =>
  (r.freq === 'DAILY' ? DAY : r.freq === 'WEEKLY' ? 7 * DAY : 31 * DAY) * r.interval;

function rruleStarts(s: Schedule, r: RRule, from: number, to: number): number[] {
  const zone = s.timeZone;
  const dtCivil = toCivil(s.startsAt, zone);
  const dt = new Date(dtCivil);
  const times = timesOfDay(r.byHour ?? [dt.getUTCHours()], r.byMinute ?? [dt.getUTCMinutes()]);
  const until = r.until === null ? Infinity : r.untilUtc ? r.until : toInstant(r.until, zone);
  // With COUNT the occurrences are counted from the first; without, start a period before the range.
  const skip = r.count === null ? Math.floor((from - s.durationMs - s.startsAt) / periodMs(r)) - 2 : 0;
  const out: number[] = [];
  let count = 0;
  const lastCivil = toCivil(to, zone) + DAY;
  for (let p = Math.max(0, skip); periodStart(r, dtCivil, p) <= lastCivil; p++) {
    const days = periodDays(r, dtCivil, p);
    for (const day of days)
      for (const t of times) {
        const start = toInstant(day + t, zone);
        if (start < s.startsAt) continue;
        if (start > until) return out;
        count += 1;
        if (r.count !== null && count > r.count) return out;
        if (start < to && start + s.durationMs > from) out.push(start);
        if (out.length >= MAX_STARTS) return out;
      }
  }
  return out;
}

function cronStarts(s: Schedule, c: Cron, from: number, to: number): number[] {
  const zone = s.timeZone;
  const times = timesOfDay(c.hours, c.minutes);
  const out: number[] = [];
  const firstDay = dayOf(toCivil(Math.max(s.startsAt, from - s.durationMs), zone)) - DAY;
  const lastDay = dayOf(toCivil(to, zone)) + DAY;
  for (let day = firstDay; day <= lastDay; day += DAY) {
    const date = new Date(day);
    if (!c.months.has(date.getUTCMonth() + 1)) continue;
    const dom = c.doms.has(date.getUTCDate());
    const dow = c.dows.has(date.getUTCDay());
    // cron's rule: with both day fields restricted, either matches.
    const matches = c.domAny && c.dowAny ? true : c.domAny ? dow : c.dowAny ? dom : dom || dow;
    if (!matches) continue;
    for (const t of times) {
      const start = toInstant(day + t, zone);
      if (start < s.startsAt || start >= to || start + s.durationMs <= from) continue;
      if (out.at(-1) !== start) out.push(start);
      if (out.length >= MAX_STARTS) return out;
    }
  }
  return out;
}

/** The starts of the occurrences overlapping [from, to), in order. */
export function occurrences(s: Schedule, from: number, to: number): number[] {
  const r = s.recurrence;
  if (r === null) return s.startsAt < to && s.startsAt + s.durationMs > from ? [s.startsAt] : [];
  return 'rrule' in r
    ? rruleStarts(s, parseRRule(r.rrule), from, to)
    : cronStarts(s, parseCron(r.cron), from, to);
}

/** The occurrence in force at `at`, as [start, end); the one ending last if several overlap. */
export function occurrenceAt(s: Schedule, at: number): [number, number] | null {
  const starts = occurrences(s, at, at + 1);
  if (starts.length === 0) return null;
  const end = Math.max(...starts.map((x) => x + s.durationMs));
  return [Math.min(...starts.filter((x) => x + s.durationMs === end)), end];
}

/** The occurrence in force at `at`, else the next one starting within a year. */
export function currentOrNext(s: Schedule, at: number): [number, number] | null {
  const now = occurrenceAt(s, at);
  if (now) return now;
  const [next] = occurrences(s, at, at + 366 * DAY);
  return next === undefined ? null : [next, next + s.durationMs];
}
