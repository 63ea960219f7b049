import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  occurrenceAt,
  occurrences,
  parseCron,
  parseRRule,
  type Schedule,
} from '../src/maintenance/recurrence.js';
import { toInstant } from '../src/maintenance/zone.js';

const at = (iso: string): number => Date.parse(iso);
const isos = (starts: number[]): string[] => starts.map((s) => new Date(s).toISOString());
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('maintenance recurrence', () => {
  // Europe/Berlin 2027: clocks go forward on Sunday 28 March (02:00 CET → 03:00 CEST) and back
  // on Sunday 31 October (03:00 CEST → 02:00 CET).
  const berlin = (recurrence: Schedule['recurrence'], durationMs = HOUR): Schedule => ({
    startsAt: at('2027-03-26T01:30:00Z'), // 02:30 CET
    durationMs,
    recurrence,
    timeZone: 'Europe/Berlin',
  });

  for (const [label, recurrence] of [
    ['RRULE', { rrule: 'FREQ=DAILY' }],
    ['cron', { cron: '30 2 * * *' }],
  ] as const)
    test(`daily 02:30 in Berlin across both DST changes (${label})`, () => {
      const s = berlin(recurrence);
      // March: 02:30 does not exist on the 28th; it is read with the offset before the gap
      // (RFC 5545), so that day's window starts at 03:30 CEST (01:30 UTC).
      assert.deepEqual(isos(occurrences(s, at('2027-03-26T00:00:00Z'), at('2027-03-30T00:00:00Z'))), [
        '2027-03-26T01:30:00.000Z',
        '2027-03-27T01:30:00.000Z',
        '2027-03-28T01:30:00.000Z',
        '2027-03-29T00:30:00.000Z',
      ]);
      // October: 02:30 happens twice on the 31st; the window is at its first (CEST, 00:30 UTC).
      assert.deepEqual(isos(occurrences(s, at('2027-10-30T00:00:00Z'), at('2027-11-02T00:00:00Z'))), [
        '2027-10-30T00:30:00.000Z',
        '2027-10-31T00:30:00.000Z',
        '2027-11-01T01:30:00.000Z',
      ]);
      // In force: 03:45 CEST on 28 March; not at 01:45 CET that night; in the first 02:45 of
      // 31 October, not in the second one.
      assert.deepEqual(occurrenceAt(s, at('2027-03-28T01:45:00Z')), [
        at('2027-03-28T01:30:00Z'),
        at('2027-03-28T02:30:00Z'),
      ]);
      assert.equal(occurrenceAt(s, at('2027-03-28T00:45:00Z')), null);
      assert.ok(occurrenceAt(s, at('2027-10-31T00:45:00Z')));
      assert.equal(occurrenceAt(s, at('2027-10-31T01:45:00Z')), null);
    });

  test('local times a DST change makes odd, as documented', () => {
    const civil = (iso: string) => Date.parse(`${iso}Z`);
    assert.equal(toInstant(civil('2027-03-28T02:30:00'), 'Europe/Berlin'), at('2027-03-28T01:30:00Z'));
    assert.equal(toInstant(civil('2027-10-31T02:30:00'), 'Europe/Berlin'), at('2027-10-31T00:30:00Z'));
    assert.equal(toInstant(civil('2027-07-01T12:00:00'), 'America/New_York'), at('2027-07-01T16:00:00Z'));
    // New York goes forward at 02:00 on 14 March 2027: 02:30 is read as EST (-5): 07:30 UTC.
    assert.equal(toInstant(civil('2027-03-14T02:30:00'), 'America/New_York'), at('2027-03-14T07:30:00Z'));
  });

  test('weekly BYDAY with BYHOUR/BYMINUTE, INTERVAL, COUNT and UNTIL', () => {
    const s: Schedule = {
      startsAt: at('2027-01-04T00:00:00Z'), // a Monday
      durationMs: 2 * HOUR,
      recurrence: { rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;BYHOUR=22;BYMINUTE=15;COUNT=3' },
      timeZone: 'UTC',
    };
    assert.deepEqual(isos(occurrences(s, at('2027-01-01T00:00:00Z'), at('2027-03-01T00:00:00Z'))), [
      '2027-01-05T22:15:00.000Z',
      '2027-01-07T22:15:00.000Z',
      '2027-01-19T22:15:00.000Z',
    ]);
    const until = { ...s, recurrence: { rrule: 'FREQ=DAILY;UNTIL=20270106T235959Z' } };
    assert.deepEqual(isos(occurrences(until, at('2027-01-01T00:00:00Z'), at('2027-02-01T00:00:00Z'))), [
      '2027-01-04T00:00:00.000Z',
      '2027-01-05T00:00:00.000Z',
      '2027-01-06T00:00:00.000Z',
    ]);
  });

  test('monthly on the last Sunday, and on the 31st (months without one are skipped)', () => {
    const lastSunday: Schedule = {
      startsAt: at('2027-01-01T03:00:00Z'),
      durationMs: HOUR,
      recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=-1SU' },
      timeZone: 'UTC',
    };
    assert.deepEqual(isos(occurrences(lastSunday, at('2027-01-01T00:00:00Z'), at('2027-04-01T00:00:00Z'))), [
      '2027-01-31T03:00:00.000Z',
      '2027-02-28T03:00:00.000Z',
      '2027-03-28T03:00:00.000Z',
    ]);
    const the31st = {
      ...lastSunday,
      startsAt: at('2027-01-31T03:00:00Z'),
      recurrence: { rrule: 'FREQ=MONTHLY' },
    };
    assert.deepEqual(
      isos(occurrences(the31st, at('2027-01-01T00:00:00Z'), at('2027-06-01T00:00:00Z'))).map((x) =>
        x.slice(0, 10),
      ),
      ['2027-01-31', '2027-03-31', '2027-05-31'],
    );
    // Years on, without COUNT, the answer comes from near the range, and is still right.
    const far = occurrences(lastSunday, at('2037-03-01T00:00:00Z'), at('2037-04-01T00:00:00Z'));
    assert.deepEqual(isos(far), ['2037-03-29T03:00:00.000Z']);
  });

  test('cron: steps, ranges and either day field', () => {
    const s: Schedule = {
      startsAt: at('2027-01-01T00:00:00Z'),
      durationMs: 10 * 60_000,
      recurrence: { cron: '0 */12 1 * MON' },
      timeZone: 'UTC',
    };
    // The 1st of the month or a Monday, at 00:00 and 12:00. 1 Feb 2027 is a Monday.
    const got = isos(occurrences(s, at('2027-01-30T00:00:00Z'), at('2027-02-09T00:00:00Z')));
    assert.deepEqual(got, [
      '2027-02-01T00:00:00.000Z',
      '2027-02-01T12:00:00.000Z',
      '2027-02-08T00:00:00.000Z',
      '2027-02-08T12:00:00.000Z',
    ]);
    assert.ok(occurrences(s, at('2027-02-01T00:05:00Z'), at('2027-02-01T00:05:01Z')).length === 1);
    assert.equal(occurrences(s, at('2027-02-01T00:10:00Z'), at('2027-02-01T00:10:01Z')).length, 0);
    assert.equal(DAY, 86_400_000);
  });

  test('bad rules say what is wrong', () => {
    assert.throws(() => parseRRule('FREQ=HOURLY'), /FREQ=HOURLY is not supported/);
    assert.throws(() => parseRRule('INTERVAL=2'), /FREQ is required/);
    assert.throws(() => parseRRule('FREQ=DAILY;BYSETPOS=1'), /BYSETPOS is not supported/);
    assert.throws(() => parseRRule('FREQ=WEEKLY;BYDAY=1MO'), /needs FREQ=MONTHLY/);
    assert.throws(() => parseCron('* * *'), /five fields/);
    assert.throws(() => parseCron('61 * * * *'), /minute/);
  });
});
