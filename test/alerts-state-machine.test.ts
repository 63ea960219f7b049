import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  initialInstanceState,
  step,
  type ConditionResult,
  type InstanceState,
  type RuleTiming,
} from '../src/alerts/state-machine.js';
import { type NotificationKind } from '../src/model/notification.js';

/** Narrows away `undefined` with an assertion (no `!` in this code base). */
const must = <T>(v: T | undefined): T => {
  assert.ok(v !== undefined);
  return v;
};

const T0 = 1_800_000_000_000;
const s = (sec: number) => T0 + sec * 1000;

/** Runs a sequence of (second, condition) evaluations; returns states and notification kinds. */
function run(rule: RuleTiming, seq: [number, ConditionResult, number?][], start?: InstanceState) {
  let state = start;
  const states: string[] = [];
  const sent: [number, NotificationKind][] = [];
  for (const [sec, condition, value] of seq) {
    const r = step(state, { condition, now: s(sec), value: value ?? null }, rule);
    state = r.state;
    states.push(state.state);
    for (const n of r.notifications) sent.push([sec, n.kind]);
  }
  return { states, sent, state: must(state) };
}

describe('alert state machine', () => {
  test('error rate > 5% for 5 minutes: Pending until the period held, then Firing once', () => {
    const rule = { evaluation_period: 300 };
    const r = run(rule, [
      [0, true, 7],
      [60, true, 8],
      [299, true, 9],
      [300, true, 9],
      [360, true, 10],
      [3600, true, 10],
    ]);
    assert.deepEqual(r.states, ['pending', 'pending', 'pending', 'firing', 'firing', 'firing']);
    assert.deepEqual(r.sent, [[300, 'firing']]);
    assert.equal(r.state.activeSince, s(0));
    assert.equal(r.state.firedAt, s(300));
    assert.equal(r.state.value, 10);
  });

  test('a flap back under resets Pending: a short spike never fires', () => {
    const rule = { evaluation_period: 300 };
    const r = run(rule, [
      [0, true],
      [200, true],
      [250, false],
      [260, true],
      [500, true], // only 240 s since the flap
      [559, true],
      [560, true], // 300 s since 260
    ]);
    assert.deepEqual(r.states, ['pending', 'pending', 'normal', 'pending', 'pending', 'pending', 'firing']);
    assert.deepEqual(r.sent, [[560, 'firing']]);
  });

  test('evaluation_period 0 fires at once', () => {
    const r = run({ evaluation_period: 0 }, [[0, true, 1]]);
    assert.deepEqual(r.states, ['firing']);
    assert.deepEqual(r.sent, [[0, 'firing']]);
  });

  test('resolve notification, then Normal; a new firing after that notifies again', () => {
    const r = run({ evaluation_period: 0 }, [
      [0, true],
      [10, true],
      [20, false, 0],
      [30, false],
      [40, true],
    ]);
    assert.deepEqual(r.states, ['firing', 'firing', 'resolved', 'normal', 'firing']);
    assert.deepEqual(r.sent, [
      [0, 'firing'],
      [20, 'resolved'],
      [40, 'firing'],
    ]);
  });

  test('the resolved notification carries when the alert was triggered', () => {
    const fired = step(undefined, { condition: true, now: s(0), value: 1 }, { evaluation_period: 0 });
    const resolved = step(fired.state, { condition: false, now: s(90), value: 0 }, { evaluation_period: 0 });
    assert.deepEqual(resolved.notifications, [{ kind: 'resolved', at: s(90), triggeredAt: s(0), value: 0 }]);
    assert.equal(resolved.state.resolvedAt, s(90));
  });

  test('Resolved followed by true goes Pending again when there is a period', () => {
    const r = run({ evaluation_period: 60 }, [
      [0, true],
      [60, true],
      [70, false],
      [80, true],
      [140, true],
    ]);
    assert.deepEqual(r.states, ['pending', 'firing', 'resolved', 'pending', 'firing']);
    assert.deepEqual(r.sent, [
      [60, 'firing'],
      [70, 'resolved'],
      [140, 'firing'],
    ]);
  });

  test('repeat interval re-notifies on time while Firing, counted from the last notification', () => {
    const r = run({ evaluation_period: 0, repeat_interval: 600 }, [
      [0, true],
      [300, true],
      [599, true],
      [600, true],
      [1000, true],
      [1205, true],
      [1300, false],
    ]);
    assert.deepEqual(r.sent, [
      [0, 'firing'],
      [600, 'repeat'],
      [1205, 'repeat'],
      [1300, 'resolved'],
    ]);
  });

  test('no repeat interval: a long Firing sends nothing more', () => {
    const r = run({ evaluation_period: 0, repeat_interval: null }, [
      [0, true],
      [86_400, true],
      [172_800, true],
    ]);
    assert.deepEqual(r.sent, [[0, 'firing']]);
  });

  test('no data keeps the state by default: Pending does not advance, Firing does not resolve', () => {
    const rule = { evaluation_period: 60, repeat_interval: 30 };
    const r = run(rule, [
      [0, true],
      [30, 'no_data'],
      [90, 'no_data'], // period elapsed, but no data: no firing
      [100, true], // held since 0 → fires now
      [200, 'no_data'], // no resolve, no repeat
      [300, false],
      [310, 'no_data'], // Resolved settles into Normal
    ]);
    assert.deepEqual(r.states, ['pending', 'pending', 'pending', 'firing', 'firing', 'resolved', 'normal']);
    assert.deepEqual(r.sent, [
      [100, 'firing'],
      [300, 'resolved'],
    ]);
  });

  test('no data policy ok resolves, alerting counts as true', () => {
    const ok = run({ evaluation_period: 0, no_data: 'ok' }, [
      [0, true],
      [10, 'no_data'],
    ]);
    assert.deepEqual(ok.sent, [
      [0, 'firing'],
      [10, 'resolved'],
    ]);
    const alerting = run({ evaluation_period: 0, no_data: 'alerting' }, [[0, 'no_data']]);
    assert.deepEqual(alerting.sent, [[0, 'firing']]);
  });

  test('a persisted Firing state (after a restart) sends nothing new', () => {
    const before = run({ evaluation_period: 0 }, [[0, true]]).state;
    const restored = JSON.parse(JSON.stringify(before)) as InstanceState;
    const after = run({ evaluation_period: 0 }, [[120, true]], restored);
    assert.deepEqual(after.sent, []);
    assert.deepEqual(after.states, ['firing']);
  });

  test('the input state is not mutated', () => {
    const prev = initialInstanceState();
    const copy = { ...prev };
    step(prev, { condition: true, now: s(0) }, { evaluation_period: 0 });
    assert.deepEqual(prev, copy);
  });
});
