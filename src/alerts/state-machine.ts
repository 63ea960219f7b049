/**
 * The life of one alert instance (one rule × one server), DESIGN §5, Prometheus/Grafana style:
 *
 *   Normal ──true──▶ Pending ──true, held ≥ evaluation_period──▶ Firing ──false──▶ Resolved ──▶ Normal
 *            (period 0: straight to Firing)    │false: back to Normal (a flap resets Pending)
 *
 * Pure: no clock, no I/O. The caller feeds the previous state, the condition at `now` and the
 * rule's timing, and gets the next state plus the notifications to send. The state is a plain
 * JSON-able object so that it can be persisted and a restart neither loses a firing alert nor
 * notifies it again.
 */

export type AlertStateName = 'normal' | 'pending' | 'firing' | 'resolved';
import type { NotificationKind } from '../model/notification.js';

/** The rule's condition at one evaluation: held, did not hold, or no value to compare. */
export type ConditionResult = true | false | 'no_data';

/**
 * What no data means. `keep` (default): nothing changes — Pending does not advance, Firing does
 * not resolve and sends no repeat. `ok`: as if the condition did not hold. `alerting`: as if it did.
 */
export type NoDataPolicy = 'keep' | 'ok' | 'alerting';

export interface InstanceState {
  state: AlertStateName;
  /** When the condition started to hold (Pending entered, or Firing entered with period 0). */
  activeSince: number | null;
  /** When the instance went Firing. */
  firedAt: number | null;
  /** Last firing or repeat notification (drives the repeat interval). */
  lastNotifiedAt: number | null;
  /** When the instance went Resolved. */
  resolvedAt: number | null;
  /** Last value seen with data (for notifications). */
  value: number | null;
}

/** The parts of a rule the state machine needs; both are seconds, as in the API. */
export interface RuleTiming {
  evaluation_period: number;
  repeat_interval?: number | null | undefined;
  no_data?: NoDataPolicy | undefined;
}

export interface PendingNotification {
  kind: NotificationKind;
  /** Time of the evaluation that produced it (epoch ms). */
  at: number;
  /** When the alert went Firing (the same for its repeats and its resolution). */
  triggeredAt: number;
  value: number | null;
}

export interface StepInput {
  condition: ConditionResult;
  /** Epoch ms. */
  now: number;
  /** The metric value compared (omit or null with no data). */
  value?: number | null;
}

export interface StepResult {
  state: InstanceState;
  notifications: PendingNotification[];
}

export const initialInstanceState = (): InstanceState => ({
  state: 'normal',
  activeSince: null,
  firedAt: null,
  lastNotifiedAt: null,
  resolvedAt: null,
  value: null,
});

const normal = (value: number | null): InstanceState => ({ ...initialInstanceState(), value });

// Module-level rather than a closure in step(): step runs for every instance on every tick.
function fire(activeSince: number, now: number, value: number | null): StepResult {
  return {
    state: { state: 'firing', activeSince, firedAt: now, lastNotifiedAt: now, resolvedAt: null, value },
    notifications: [{ kind: 'firing', at: now, triggeredAt: now, value }],
  };
}

/** One evaluation of one instance. `prev` undefined = never evaluated (Normal). */
export function step(prev: InstanceState | undefined, input: StepInput, rule: RuleTiming): StepResult {
  const p = prev ?? initialInstanceState();
  const { now } = input;
  const policy = rule.no_data ?? 'keep';
  const cond: ConditionResult =
    input.condition === 'no_data' && policy !== 'keep' ? policy === 'alerting' : input.condition;
  const value = input.value ?? p.value;
  const periodMs = Math.max(0, rule.evaluation_period) * 1000;

  if (cond === 'no_data') {
    // Keep: Resolved still settles into Normal; everything else waits for data.
    if (p.state === 'resolved') return { state: normal(p.value), notifications: [] };
    return { state: p, notifications: [] };
  }

  switch (p.state) {
    case 'normal':
    case 'resolved': {
      if (!cond) return { state: normal(value), notifications: [] };
      if (periodMs === 0) return fire(now, now, value);
      return {
        state: { ...initialInstanceState(), state: 'pending', activeSince: now, value },
        notifications: [],
      };
    }
    case 'pending': {
      if (!cond) return { state: normal(value), notifications: [] };
      const since = p.activeSince ?? now;
      if (now - since >= periodMs) return fire(since, now, value);
      return { state: { ...p, activeSince: since, value }, notifications: [] };
    }
    case 'firing': {
      const firedAt = p.firedAt ?? now;
      if (!cond)
        return {
          state: { ...p, state: 'resolved', firedAt, resolvedAt: now, value },
          notifications: [{ kind: 'resolved', at: now, triggeredAt: firedAt, value }],
        };
      const repeatMs = rule.repeat_interval ? rule.repeat_interval * 1000 : 0;
      const last = p.lastNotifiedAt ?? firedAt;
      if (repeatMs > 0 && now - last >= repeatMs)
        return {
          state: { ...p, firedAt, lastNotifiedAt: now, value },
          notifications: [{ kind: 'repeat', at: now, triggeredAt: firedAt, value }],
        };
      return { state: { ...p, firedAt, value }, notifications: [] };
    }
  }
}
