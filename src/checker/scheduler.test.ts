import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from './scheduler.js';

test('every id runs on its interval, never more than `concurrency` at once, never overlapping itself', async () => {
  const runs = new Map<string, number>();
  let running = 0;
  let maxRunning = 0;
  const active = new Set<string>();
  const scheduler = new Scheduler({
    concurrency: 3,
    run: async (id) => {
      assert.ok(!active.has(id), `${id} overlapped itself`);
      active.add(id);
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs.set(id, (runs.get(id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      active.delete(id);
    },
  });
  for (let i = 0; i < 40; i++) scheduler.schedule(`s${i}`, 300, i % 2 === 0);
  await new Promise((r) => setTimeout(r, 1600));
  scheduler.stop();
  assert.ok(maxRunning <= 3, `max concurrent ${maxRunning}`);
  assert.equal(runs.size, 40, 'every id ran');
  for (const [id, n] of runs) assert.ok(n >= 3 && n <= 7, `${id} ran ${n} times in 1.6 s at 300 ms`);
  const lags = scheduler.takeLags();
  assert.ok(lags.length >= 120);
  assert.ok(lags.every((l) => l >= 0));
});

test('an unscheduled id stops running', async () => {
  let runs = 0;
  const scheduler = new Scheduler({
    concurrency: 1,
    run: () => {
      runs++;
      return Promise.resolve();
    },
  });
  scheduler.schedule('a', 100, true);
  await new Promise((r) => setTimeout(r, 350));
  scheduler.unschedule('a');
  const seen = runs;
  await new Promise((r) => setTimeout(r, 300));
  scheduler.stop();
  assert.ok(seen >= 2, `ran ${seen} times`);
  assert.equal(runs, seen);
});
