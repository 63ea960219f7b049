import {
  METRIC_UNITS,
  type AlertCondition,
  type AlertRule,
  type RuleInput,
  type RulePatch,
} from '../model/alert-rule.js';
import { RULE_DEFAULTS } from '../model/rule-defaults.js';

export function applyRulePatch(rule: AlertRule, patch: RulePatch, now: number): AlertRule {
  return { ...rule, ...patch, updated_at: now };
}

/** Compares a value with the threshold. Equality on floats is exact: use gte/lte for ranges. */
export function compare(condition: AlertCondition, value: number, threshold: number): boolean {
  switch (condition) {
    case 'gt':
      return value > threshold;
    case 'lt':
      return value < threshold;
    case 'eq':
      return value === threshold;
    case 'gte':
      return value >= threshold;
    case 'lte':
      return value <= threshold;
  }
}

/** Whether a rule covers a server: null covers every server, present and future. */
export const ruleAppliesTo = (rule: Pick<RuleInput, 'servers'>, serverId: string): boolean =>
  rule.servers === null || rule.servers.includes(serverId);

const CONDITION_WORDS: Record<AlertCondition, string> = {
  gt: '>',
  lt: '<',
  eq: '=',
  gte: '≥',
  lte: '≤',
};

/** "error_rate > 5 % for 5 min", "status offline" — for subjects, logs and the UI. */
export function describeRule(
  rule: Pick<RuleInput, 'metric' | 'condition' | 'threshold' | 'evaluation_period'> & {
    series?: RuleInput['series'];
  },
): string {
  const what =
    rule.metric === 'status_offline'
      ? 'server offline'
      : rule.metric === 'anomaly_score'
        ? `anomaly_score of ${rule.series ?? 'requests'} ${CONDITION_WORDS[rule.condition]} ${rule.threshold} band widths`
        : rule.metric === 'peer_unreachable'
          ? 'peer unreachable'
          : `${rule.metric} ${CONDITION_WORDS[rule.condition]} ${rule.threshold}${METRIC_UNITS[rule.metric] ? ` ${METRIC_UNITS[rule.metric]}` : ''}`;
  if (rule.evaluation_period === 0) return what;
  const p = rule.evaluation_period;
  const period = p % 60 === 0 ? `${p / 60} min` : `${p} s`;
  return `${what} for ${period}`;
}

/** The two rules that ship by default (issue 5). They watch every server and use no channel yet. */
export const DEFAULT_RULES: readonly RuleInput[] = [
  {
    name: 'Server offline',
    description: 'The health checker marked the server Offline (after consecutive failed checks).',
    metric: 'status_offline',
    series: null,
    condition: 'eq',
    threshold: 1,
    evaluation_period: 0,
    servers: null,
    severity: 'critical',
    channels: [],
    repeat_interval: null,
    enabled: true,
    group_wait: RULE_DEFAULTS.group_wait,
    group_interval: RULE_DEFAULTS.group_interval,
    escalation: [],
  },
  {
    name: 'Error rate above 5%',
    description: 'More than 5 % of requests failed, held for 5 minutes.',
    metric: 'error_rate',
    series: null,
    condition: 'gt',
    threshold: 5,
    evaluation_period: 300,
    servers: null,
    severity: 'warning',
    channels: [],
    repeat_interval: null,
    enabled: true,
    group_wait: RULE_DEFAULTS.group_wait,
    group_interval: RULE_DEFAULTS.group_interval,
    escalation: [],
  },
];
