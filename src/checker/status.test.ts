import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeStatus, type StatusInput, type StatusSettings } from './status.js';

const settings: StatusSettings = {
  health_check_interval: 30,
  health_check_timeout: 5,
  health_check_retries: 3,
  response_time_warning_ms: 500,
  response_time_critical_ms: 1000,
  error_rate_warning_percent: 1,
  error_rate_critical_percent: 5,
};
const base: StatusInput = {
  now: 1_000_000,
  enabled: true,
  disabledUntil: null,
  checked: true,
  consecutiveFailures: 0,
  lastError: null,
  responseTimeMs: 10,
  errorRatePercent: null,
};
const status = (over: Partial<StatusInput>) => computeStatus({ ...base, ...over }, settings).status;

test('failures: one or two → critical, the third → offline', () => {
  assert.equal(status({ consecutiveFailures: 1, lastError: 'x' }), 'critical');
  assert.equal(status({ consecutiveFailures: 2, lastError: 'x' }), 'critical');
  assert.equal(status({ consecutiveFailures: 3, lastError: 'x' }), 'offline');
  const r = computeStatus(
    { ...base, consecutiveFailures: 3, lastError: 'timed out after 5000 ms' },
    settings,
  );
  assert.equal(r.reason, '3 consecutive failed checks: timed out after 5000 ms');
});

test('thresholds: 600 ms → warning, 1,200 ms → critical, error rates likewise', () => {
  assert.equal(status({ responseTimeMs: 499 }), 'healthy');
  assert.equal(status({ responseTimeMs: 600 }), 'warning');
  assert.equal(status({ responseTimeMs: 1200 }), 'critical');
  assert.equal(status({ errorRatePercent: 2 }), 'warning');
  assert.equal(status({ errorRatePercent: 5 }), 'critical');
});

test('disabled and unknown', () => {
  assert.equal(status({ enabled: false }), 'disabled');
  assert.equal(status({ disabledUntil: base.now + 1 }), 'disabled');
  assert.equal(status({ disabledUntil: base.now - 1 }), 'healthy');
  assert.equal(status({ checked: false }), 'unknown');
});
