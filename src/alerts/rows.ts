import type { Insertable, Selectable } from 'kysely';
import { fromJson, toJson } from '../store/json.js';
import type { AlertRulesTable, AlertStatesTable } from '../store/tables.js';
import {
  ALERT_CONDITIONS,
  ALERT_METRICS,
  SEVERITIES,
  type AlertRule,
  type EscalationStep,
  type RuleInput,
  type RuleSource,
} from '../model/alert-rule.js';
import { ANOMALY_SERIES } from '../model/forecast.js';
import type { AlertStateName, InstanceState } from './state-machine.js';

/** Row ↔ model mapping for rules and instance states; the one place column names differ. */

const oneOf = <T extends string>(list: readonly T[], v: string, fallback: T): T =>
  (list as readonly string[]).includes(v) ? (v as T) : fallback;

export function ruleToRow(
  rule: RuleInput,
  now: number,
  source: RuleSource = 'api',
): Insertable<AlertRulesTable> {
  return {
    source,
    name: rule.name,
    description: rule.description,
    metric_name: rule.metric,
    series: rule.series,
    condition: rule.condition,
    threshold: rule.threshold,
    evaluation_period: rule.evaluation_period,
    servers: rule.servers === null ? null : toJson(rule.servers),
    severity: rule.severity,
    channels: toJson(rule.channels),
    repeat_interval: rule.repeat_interval,
    enabled: rule.enabled ? 1 : 0,
    group_wait: rule.group_wait,
    group_interval: rule.group_interval,
    escalation: rule.escalation.length === 0 ? null : toJson(rule.escalation),
    created_at: now,
    updated_at: now,
  };
}

export function ruleFromRow(row: Selectable<AlertRulesTable>): AlertRule {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    metric: oneOf(ALERT_METRICS, row.metric_name, 'status_offline'),
    series: row.series === null ? null : oneOf(ANOMALY_SERIES, row.series, 'requests'),
    condition: oneOf(ALERT_CONDITIONS, row.condition, 'gt'),
    threshold: row.threshold,
    evaluation_period: row.evaluation_period,
    servers: row.servers === null ? null : fromJson<string[]>(row.servers, []),
    severity: oneOf(SEVERITIES, row.severity, 'warning'),
    channels: fromJson<number[]>(row.channels, []),
    repeat_interval: row.repeat_interval,
    enabled: row.enabled === 1,
    group_wait: row.group_wait,
    group_interval: row.group_interval,
    escalation: row.escalation === null ? [] : fromJson<EscalationStep[]>(row.escalation, []),
    source: row.source === 'config' ? 'config' : 'api',
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const STATES: readonly AlertStateName[] = ['normal', 'pending', 'firing', 'resolved'];

export function stateToRow(
  ruleId: number,
  serverId: string,
  s: InstanceState,
  historyId: number | null,
  now: number,
): AlertStatesTable {
  return {
    rule_id: ruleId,
    server_id: serverId,
    state: s.state,
    active_since: s.activeSince,
    fired_at: s.firedAt,
    last_notified_at: s.lastNotifiedAt,
    resolved_at: s.resolvedAt,
    value: s.value,
    history_id: historyId,
    updated_at: now,
  };
}

export function stateFromRow(row: AlertStatesTable): InstanceState {
  return {
    state: oneOf(STATES, row.state, 'normal'),
    activeSince: row.active_since,
    firedAt: row.fired_at,
    lastNotifiedAt: row.last_notified_at,
    resolvedAt: row.resolved_at,
    value: row.value,
  };
}
