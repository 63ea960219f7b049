import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalTimeZone, isTimeZone, localDayStart, localTime, nextLocalDayStart } from './time-zone.js';

const HOUR = 3_600_000;

/** The local days from the one holding `from`, `n` of them: [start, length in hours, date]. */
function days(from: number, zone: string, n: number): [string, number, string][] {
  const out: [string, number, string][] = [];
  let day = localDayStart(from, zone);
  for (let i = 0; i < n; i++) {
    const next = nextLocalDayStart(day, zone);
    out.push([new Date(day).toISOString(), (next - day) / HOUR, localTime(day, zone).date]);
    day = next;
  }
  return out;
}

test('zones: IANA names and UTC are known, anything else is not', () => {
  assert.ok(isTimeZone('UTC'));
  assert.ok(isTimeZone('Europe/Berlin'));
  assert.ok(!isTimeZone('Mars/Olympus'));
  assert.ok(!isTimeZone(''));
  assert.equal(canonicalTimeZone('etc/utc'), 'UTC');
  assert.equal(canonicalTimeZone('europe/berlin'), 'Europe/Berlin');
});

test("a local time: hour, weekday, date and offset, with the zone's daylight saving", () => {
  // 2026-07-01 12:00 UTC: Berlin is on summer time (+2), New York on EDT (−4), Kolkata +5:30.
  const at = Date.UTC(2026, 6, 1, 12);
  assert.deepEqual(localTime(at, 'Europe/Berlin'), {
    hour: 14,
    weekday: 3,
    date: '2026-07-01',
    offsetMs: 2 * HOUR,
  });
  assert.deepEqual(localTime(at, 'America/New_York'), {
    hour: 8,
    weekday: 3,
    date: '2026-07-01',
    offsetMs: -4 * HOUR,
  });
  assert.equal(localTime(at, 'Asia/Kolkata').offsetMs, 5.5 * HOUR);
  assert.equal(localTime(Date.UTC(2026, 0, 1, 12), 'America/New_York').offsetMs, -5 * HOUR);
  assert.equal(localTime(Date.UTC(2026, 0, 1, 3), 'America/New_York').date, '2025-12-31');
});

test('local days across DST changes are 23 and 25 hours long, each starting at local midnight', () => {
  assert.deepEqual(days(Date.UTC(2026, 2, 7, 12), 'America/New_York', 3), [
    ['2026-03-07T05:00:00.000Z', 24, '2026-03-07'],
    ['2026-03-08T05:00:00.000Z', 23, '2026-03-08'], // 02:00 → 03:00
    ['2026-03-09T04:00:00.000Z', 24, '2026-03-09'],
  ]);
  assert.deepEqual(days(Date.UTC(2026, 9, 31, 12), 'America/New_York', 3), [
    ['2026-10-31T04:00:00.000Z', 24, '2026-10-31'],
    ['2026-11-01T04:00:00.000Z', 25, '2026-11-01'], // 02:00 → 01:00
    ['2026-11-02T05:00:00.000Z', 24, '2026-11-02'],
  ]);
  assert.deepEqual(days(Date.UTC(2026, 0, 1, 12), 'Asia/Kolkata', 2), [
    ['2025-12-31T18:30:00.000Z', 24, '2026-01-01'],
    ['2026-01-01T18:30:00.000Z', 24, '2026-01-02'],
  ]);
});

test('a day whose midnight does not exist (Chile moves 24:00 to 01:00) starts at its first hour', () => {
  // 2026-09-06 in Santiago: clocks go from 2026-09-06 00:00 (−4) straight to 01:00 (−3).
  const [, sept6] = days(Date.UTC(2026, 8, 5, 12), 'America/Santiago', 3);
  assert.ok(sept6);
  assert.equal(sept6[2], '2026-09-06');
  assert.equal(sept6[1], 23);
  assert.equal(localTime(Date.parse(sept6[0]), 'America/Santiago').hour, 1);
});
