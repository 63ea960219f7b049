import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../metrics/ingest/synthetic-traffic.js';
import { seasonalPeriods } from './seasonality.js';
import { filled } from './forecaster.js';
import { HourCache } from './cache.js';

const HOURS = 28 * 24;
const noise = (seed: number) => {
  const r = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
};
const series = (f: (h: number) => number, seed = 1) => {
  const g = noise(seed);
  return Array.from({ length: HOURS }, (_, h) => f(h) + 3 * g());
};
const daily = (h: number) => 100 + 30 * Math.sin((2 * Math.PI * h) / 24);
const weekend = (h: number) => (Math.floor(h / 24) % 7 >= 5 ? -25 : 0);

describe('seasonality', () => {
  test('a daily cycle, and a week on top of it, are found; noise, a trend and a constant are not', () => {
    for (const seed of [1, 2, 3]) {
      assert.deepEqual(seasonalPeriods(series(daily, seed), [24, 168]), [24]);
      assert.deepEqual(
        seasonalPeriods(
          series((h) => daily(h) + weekend(h), seed),
          [24, 168],
        ),
        [24, 168],
      );
      assert.deepEqual(
        seasonalPeriods(
          series(() => 50, seed),
          [24, 168],
        ),
        [],
      );
      assert.deepEqual(
        seasonalPeriods(
          series((h) => 50 + 0.3 * h, seed),
          [24, 168],
        ),
        [],
      );
    }
    assert.deepEqual(seasonalPeriods(new Array<number>(HOURS).fill(7), [24, 168]), []);
  });

  test('a period needs two cycles of history', () => {
    const tenDays = series((h) => daily(h) + weekend(h)).slice(0, 10 * 24);
    assert.deepEqual(seasonalPeriods(tenDays, [24, 168]), [24]);
  });
});

describe('history gaps', () => {
  const p = (t: number, value: number | null) => ({ t, value });
  test('leading empty steps are dropped; no traffic is 0 requests, other gaps are interpolated', () => {
    const points = [p(0, null), p(1, 4), p(2, null), p(3, null), p(4, 10), p(5, null)];
    assert.deepEqual(
      filled(points, 'zero').map((x) => x.value),
      [4, 0, 0, 10, 0],
    );
    assert.deepEqual(
      filled(points, 'interpolate').map((x) => x.value),
      [4, 6, 8, 10, 10],
    );
    assert.deepEqual(filled([p(0, null)], 'zero'), []);
  });
});

describe('the hour cache', () => {
  test('one fit per key and hour, shared while it runs; a failure is not kept', async () => {
    const cache = new HourCache<number>(2);
    let made = 0;
    const make = () => Promise.resolve(++made);
    assert.equal(await cache.get('a', 1, make), 1);
    assert.equal(await cache.get('a', 1, make), 1);
    assert.equal(await cache.get('a', 2, make), 2, 'a new hour: made again');
    await assert.rejects(cache.get('b', 2, () => Promise.reject(new Error('no'))));
    assert.equal(await cache.get('b', 2, make), 3, 'the failure was forgotten');
    await cache.get('c', 2, make);
    assert.equal(await cache.get('a', 2, make), 5, 'the oldest entry went when a third came');
  });
});
