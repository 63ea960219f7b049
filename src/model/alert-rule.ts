/** An alert rule (DESIGN §5): what it watches, and the shapes the API and the config file take. */
import { z } from 'zod';
import { ANOMALY_SERIES } from './forecast.js';
import { RULE_DEFAULTS } from './rule-defaults.js';

/**
 * Metrics a rule can watch (issue 5). `status_offline` is 1 when the server is Offline, else 0.
 * `anomaly_score` (issue 13): how far the `series` it watches is from its seasonal baseline now,
 * in band half-widths (beyond 1 is outside the band).
 * Metrics a rule can watch (issue 5). `status_offline` is 1 when the server is Offline, else 0;
 * `peer_unreachable` watches federation peers (not servers): 1 while a peer is unreachable.
 * `slo_burn_rate` (issue 17): how fast a server with an SLO spends its error budget, over the
 * SRE workbook's window pair for the rule's threshold (uptime/slo.ts `BURN_PAIRS`).
 */
export const ALERT_METRICS = [
  'response_time_avg',
  'response_time_p95',
  'response_time_p99',
  'error_rate',
  'rps',
  'active_connections',
  'cpu',
  'memory',
  'status_offline',
  'anomaly_score',
  'peer_unreachable',
  'slo_burn_rate',
] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

export const ALERT_CONDITIONS = ['gt', 'lt', 'eq', 'gte', 'lte'] as const;
export type AlertCondition = (typeof ALERT_CONDITIONS)[number];

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Units of the compared value, for messages and the UI. */
export const METRIC_UNITS: Record<AlertMetric, string> = {
  response_time_avg: 'ms',
  response_time_p95: 'ms',
  response_time_p99: 'ms',
  error_rate: '%',
  rps: 'req/s',
  active_connections: '',
  cpu: '%',
  memory: 'bytes',
  status_offline: '',
  anomaly_score: 'band widths',
  peer_unreachable: '',
  slo_burn_rate: '×',
};

const serverId = z.string().trim().min(1).max(255);
const channelId = z.number().int().positive();
/** Durations are whole seconds: evaluation period up to a week, repeat interval up to 30 days. */
const seconds = (max: number) => z.number().int().min(0).max(max);

const fields = {
  name: z.string().trim().min(1).max(255),
  description: z.string().max(2000).nullable(),
  metric: z.enum(ALERT_METRICS),
  /** What `anomaly_score` watches; null for every other metric. */
  series: z.enum(ANOMALY_SERIES).nullable(),
  condition: z.enum(ALERT_CONDITIONS),
  threshold: z.number(),
  evaluation_period: seconds(7 * 86_400),
  servers: z
    .array(serverId)
    .min(1, 'give at least one server id, or null for all servers')
    .max(10_000)
    .refine((a) => new Set(a).size === a.length, 'server ids must be unique')
    .nullable(),
  severity: z.enum(SEVERITIES),
  channels: z
    .array(channelId)
    .max(100)
    .refine((a) => new Set(a).size === a.length, 'channel ids must be unique'),
  repeat_interval: z
    .number()
    .int()
    .min(60, 'must be at least 60 seconds (or null for no repeat)')
    .max(30 * 86_400)
    .nullable(),
  enabled: z.boolean(),
  group_wait: seconds(3600),
  group_interval: z.number().int().min(1).max(86_400),
  escalation: z
    .array(
      z
        .object({
          after_minutes: z
            .number()
            .int()
            .min(1)
            .max(7 * 1440),
          channels: z
            .array(channelId)
            .min(1)
            .max(100)
            .refine((a) => new Set(a).size === a.length, 'channel ids must be unique'),
        })
        .strict(),
    )
    .max(10)
    .refine(
      (steps) => steps.every((s, i) => i === 0 || (steps[i - 1]?.after_minutes ?? 0) < s.after_minutes),
      'steps must come in increasing after_minutes',
    ),
};

/** `series` goes with `anomaly_score` and with it only (the API and the config file; a PATCH checks the rule it makes). */
export function seriesProblem(r: { metric: AlertMetric; series: string | null }): string | undefined {
  if (r.metric === 'anomaly_score' && r.series === null)
    return `give the series anomaly_score watches: ${ANOMALY_SERIES.join(', ')}`;
  if (r.metric !== 'anomaly_score' && r.series !== null) return 'series goes only with metric anomaly_score';
  return undefined;
}

/** A step of a rule's escalation: further channels, when a firing alert is not acknowledged in time. */
export interface EscalationStep {
  after_minutes: number;
  channels: number[];
}

/**
 * `POST /api/v1/alerts/rules` body. Unknown fields are errors. Defaults: no description,
 * evaluation period and severity from RULE_DEFAULTS (shared with the dashboard's form: at once,
 * warning), all servers (null, including ones added later), no channels, no repeat, enabled,
 * grouped (30 s wait, 5 min interval), no escalation.
 */
export const ruleInputSchema = z
  .object({
    name: fields.name,
    description: fields.description.default(null),
    metric: fields.metric,
    series: fields.series.default(null),
    condition: fields.condition,
    threshold: fields.threshold,
    evaluation_period: fields.evaluation_period.default(RULE_DEFAULTS.evaluation_period),
    servers: fields.servers.default(null),
    severity: fields.severity.default(RULE_DEFAULTS.severity),
    channels: fields.channels.default([]),
    repeat_interval: fields.repeat_interval.default(null),
    enabled: fields.enabled.default(true),
    group_wait: fields.group_wait.default(RULE_DEFAULTS.group_wait),
    group_interval: fields.group_interval.default(RULE_DEFAULTS.group_interval),
    escalation: fields.escalation.default([]),
  })
  .strict()
  .superRefine((r, ctx) => {
    const problem = seriesProblem(r);
    if (problem) ctx.addIssue({ code: 'custom', path: ['series'], message: problem });
  });
export type RuleInput = z.output<typeof ruleInputSchema>;

/** `PATCH /api/v1/alerts/rules/:id` body: any subset of the fields, no defaults applied. */
export const rulePatchSchema = z
  .object({
    name: fields.name,
    description: fields.description,
    metric: fields.metric,
    series: fields.series,
    condition: fields.condition,
    threshold: fields.threshold,
    evaluation_period: fields.evaluation_period,
    servers: fields.servers,
    severity: fields.severity,
    channels: fields.channels,
    repeat_interval: fields.repeat_interval,
    enabled: fields.enabled,
    group_wait: fields.group_wait,
    group_interval: fields.group_interval,
    escalation: fields.escalation,
  })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give at least one field to change');
export type RulePatch = z.output<typeof rulePatchSchema>;

/** Where a rule comes from: the API, or the config file's `alert_rules` (read-only through the API). */
export type RuleSource = 'api' | 'config';

/** A stored rule. */
export interface AlertRule extends RuleInput {
  id: number;
  source: RuleSource;
  created_at: number;
  updated_at: number;
}
