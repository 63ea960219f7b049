import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RULES, applyRulePatch, compare, describeRule, ruleAppliesTo } from '../src/alerts/rule.js';
import { ruleInputSchema, rulePatchSchema, type AlertRule } from '../src/model/alert-rule.js';
import { validate } from '../src/shared/validate.js';

/** Narrows away `undefined` with an assertion (no `!` in this code base). */
const must = <T>(v: T | undefined): T => {
  assert.ok(v !== undefined);
  return v;
};

const fullBody = {
  name: 'Slow p95',
  description: 'p95 above 500 ms',
  metric: 'response_time_p95',
  series: null,
  condition: 'gt',
  threshold: 500,
  evaluation_period: 300,
  servers: ['everything-stdio', 'chaos'],
  severity: 'critical',
  channels: [1, 2],
  repeat_interval: 3600,
  enabled: false,
  group_wait: 10,
  group_interval: 120,
  escalation: [{ after_minutes: 15, channels: [3] }],
};

describe('alert rule validation', () => {
  test('accepts the full API body with the names of issue 5', () => {
    const r = ruleInputSchema.parse(fullBody);
    assert.deepEqual(r, fullBody);
  });

  test('applies defaults: all servers, fire at once, warning, no channels, no repeat, enabled, grouped for 30 s', () => {
    const r = ruleInputSchema.parse({ name: 'x', metric: 'rps', condition: 'lt', threshold: 1 });
    assert.deepEqual(r, {
      name: 'x',
      description: null,
      metric: 'rps',
      series: null,
      condition: 'lt',
      threshold: 1,
      evaluation_period: 0,
      servers: null,
      severity: 'warning',
      channels: [],
      repeat_interval: null,
      enabled: true,
      group_wait: 30,
      group_interval: 300,
      escalation: [],
    });
  });

  test('every metric and condition of issue 5 is accepted', () => {
    for (const metric of [
      'response_time_avg',
      'response_time_p95',
      'response_time_p99',
      'error_rate',
      'rps',
      'active_connections',
      'cpu',
      'memory',
      'status_offline',
    ])
      for (const condition of ['gt', 'lt', 'eq', 'gte', 'lte'])
        assert.ok(ruleInputSchema.safeParse({ name: 'n', metric, condition, threshold: 0 }).success, metric);
  });

  test('rejects bad values, naming each field', () => {
    const bad = {
      name: '',
      metric: 'anomaly',
      condition: 'ne',
      threshold: 'high',
      evaluation_period: -1,
      servers: [],
      severity: 'page',
      channels: [1, 1],
      repeat_interval: 5,
      enabled: 'yes',
      extra: 1,
    };
    try {
      validate(ruleInputSchema, bad);
      assert.fail('should throw');
    } catch (e) {
      const message = (e as Error).message;
      for (const f of [
        'name',
        'metric',
        'condition',
        'threshold',
        'evaluation_period',
        'servers',
        'severity',
        'channels',
        'repeat_interval',
        'enabled',
        'extra',
      ])
        assert.match(message, new RegExp(`(: |; )${f}: `), f);
    }
  });

  test('rejects non-finite thresholds and fractional periods', () => {
    const base = { name: 'n', metric: 'cpu', condition: 'gt' };
    assert.equal(ruleInputSchema.safeParse({ ...base, threshold: Infinity }).success, false);
    assert.equal(ruleInputSchema.safeParse({ ...base, threshold: 1, evaluation_period: 1.5 }).success, false);
  });

  test('patch: a subset, no defaults, not empty, no unknown fields', () => {
    assert.deepEqual(rulePatchSchema.parse({ threshold: 7, servers: null }), { threshold: 7, servers: null });
    assert.equal(rulePatchSchema.safeParse({}).success, false);
    assert.equal(rulePatchSchema.safeParse({ metric_name: 'cpu' }).success, false);
    const rule: AlertRule = {
      ...ruleInputSchema.parse(fullBody),
      id: 1,
      source: 'api',
      created_at: 1,
      updated_at: 1,
    };
    const patched = applyRulePatch(rule, rulePatchSchema.parse({ enabled: true }), 5);
    assert.equal(patched.enabled, true);
    assert.equal(patched.updated_at, 5);
    assert.equal(patched.name, 'Slow p95');
  });

  test('compare', () => {
    assert.equal(compare('gt', 6, 5), true);
    assert.equal(compare('gt', 5, 5), false);
    assert.equal(compare('gte', 5, 5), true);
    assert.equal(compare('lt', 4, 5), true);
    assert.equal(compare('lte', 5, 5), true);
    assert.equal(compare('eq', 1, 1), true);
    assert.equal(compare('eq', 0, 1), false);
  });

  test('servers null covers every server, including ones added later', () => {
    assert.equal(ruleAppliesTo({ servers: null }, 'added-tomorrow'), true);
    assert.equal(ruleAppliesTo({ servers: ['a'] }, 'a'), true);
    assert.equal(ruleAppliesTo({ servers: ['a'] }, 'b'), false);
  });

  test('the two default rules are valid and mean what issue 5 says', () => {
    for (const r of DEFAULT_RULES) assert.deepEqual(ruleInputSchema.parse(r), r);
    const [offline, errors] = DEFAULT_RULES;
    assert.equal(offline?.metric, 'status_offline');
    assert.equal(offline?.evaluation_period, 0);
    assert.equal(offline?.servers, null);
    assert.equal(compare(must(offline).condition, 1, must(offline).threshold), true);
    assert.equal(compare(must(offline).condition, 0, must(offline).threshold), false);
    assert.equal(errors?.metric, 'error_rate');
    assert.equal(errors?.evaluation_period, 300);
    assert.equal(compare(must(errors).condition, 5.1, must(errors).threshold), true);
    assert.equal(compare(must(errors).condition, 5, must(errors).threshold), false);
    assert.equal(describeRule(must(errors)), 'error_rate > 5 % for 5 min');
    assert.equal(describeRule(must(offline)), 'server offline');
  });
});
