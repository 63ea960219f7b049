import { RULE_DEFAULTS } from '../../../../src/model/rule-defaults.js';
import type { AlertCondition, AlertMetric, AlertRule, Severity } from '../../lib/api.js';
import type { AnomalySeries } from '../../../../src/model/forecast.js';
import { MB, isStateMetric } from './rule-text.js';

export const periodUnits = [
  [1, 'seconds'],
  [60, 'minutes'],
  [3600, 'hours'],
] as const;

/**
 * The rule form's state: every field held here, never in the DOM, so that the same input always
 * saves the same rule and an edit starts from the rule as stored.
 */
export interface Draft {
  name: string;
  description: string;
  metric: AlertMetric;
  /** What `anomaly_score` watches. */
  series: AnomalySeries;
  condition: AlertCondition;
  /** In the form's unit (MB for memory). */
  threshold: string;
  period: string;
  /** Seconds per unit of `period`. */
  periodUnit: number;
  allServers: boolean;
  servers: string[];
  severity: Severity;
  channels: number[];
  /** Minutes; empty: no repeat. */
  repeat: string;
}

/** A period in the largest unit that divides it (300 → 5 minutes); 0 is "0 minutes". */
function periodOf(seconds: number): Pick<Draft, 'period' | 'periodUnit'> {
  if (seconds === 0) return { period: '0', periodUnit: 60 };
  const [unit] = [...periodUnits].reverse().find(([s]) => seconds % s === 0) ?? periodUnits[0];
  return { period: String(seconds / unit), periodUnit: unit };
}

/** A new rule: the same defaults as the API's (RULE_DEFAULTS). */
export const emptyDraft = (): Draft => ({
  name: '',
  description: '',
  metric: 'response_time_avg',
  series: 'requests',
  condition: 'gt',
  threshold: '',
  ...periodOf(RULE_DEFAULTS.evaluation_period),
  allServers: true,
  servers: [],
  severity: RULE_DEFAULTS.severity,
  channels: [],
  repeat: '',
});

export const draftOf = (r: AlertRule): Draft => ({
  name: r.name,
  description: r.description ?? '',
  metric: r.metric,
  series: r.series ?? 'requests',
  condition: r.condition,
  threshold: isStateMetric(r.metric) ? '' : String(r.metric === 'memory' ? r.threshold / MB : r.threshold),
  ...periodOf(r.evaluation_period),
  allServers: r.servers === null,
  servers: r.servers ?? [],
  severity: r.severity,
  channels: r.channels,
  repeat: r.repeat_interval === null ? '' : String(r.repeat_interval / 60),
});

/** The body of POST /api/v1/alerts/rules or PATCH /api/v1/alerts/rules/:id (every field given). */
export function bodyOf(d: Draft): Record<string, unknown> {
  const offline = isStateMetric(d.metric);
  // An empty threshold is sent as such, for the API to name the field.
  const threshold = d.threshold.trim() === '' ? null : Number(d.threshold);
  return {
    name: d.name.trim(),
    description: d.description.trim() || null,
    metric: d.metric,
    series: d.metric === 'anomaly_score' ? d.series : null,
    condition: offline ? 'eq' : d.condition,
    threshold: offline ? 1 : threshold !== null && d.metric === 'memory' ? threshold * MB : threshold,
    evaluation_period: Math.round(Number(d.period || '0') * d.periodUnit),
    servers: d.allServers ? null : d.servers,
    severity: d.severity,
    channels: d.channels,
    repeat_interval: d.repeat.trim() ? Math.round(Number(d.repeat) * 60) : null,
  };
}
