/** `/api/v1/alerts/…`: rules, channels, the alerts firing now, history with its actions, silences. */
import { z } from 'zod';
import { ANOMALY_SERIES } from '../../model/forecast.js';
import { ALERT_CONDITIONS, ALERT_METRICS, SEVERITIES } from '../../model/alert-rule.js';
import {
  ACTION_KINDS,
  ackInputSchema,
  commentInputSchema,
  silenceActionInputSchema,
} from '../../model/alert-action.js';
import { CHANNEL_KINDS, channelFieldsSchema } from '../../model/notification.js';
import { silenceInputSchema } from '../../model/silence.js';
import { isoTime, isoTimeInput } from './common.js';

/** The bodies of POST and PATCH /api/v1/alerts/rules: the rule's own schemas (the config file's too). */
export { ruleInputSchema as ruleInput, rulePatchSchema as rulePatch } from '../../model/alert-rule.js';
export type { RuleInput, RulePatch } from '../../model/alert-rule.js';

export const alertRule = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  metric: z.enum(ALERT_METRICS),
  /** The series `anomaly_score` watches; null for other metrics. */
  series: z.enum(ANOMALY_SERIES).nullable(),
  condition: z.enum(ALERT_CONDITIONS),
  threshold: z.number(),
  /** Seconds the condition must hold before the alert fires. */
  evaluation_period: z.number().int(),
  /** Server ids; null: every server, including ones added later. */
  servers: z.array(z.string()).nullable(),
  severity: z.enum(SEVERITIES),
  channels: z.array(z.number().int()),
  /** Seconds between repeated notifications while firing; null: none. */
  repeat_interval: z.number().int().nullable(),
  enabled: z.boolean(),
  /** Seconds a group waits for more servers before its first notification; 0: one per alert, at once. */
  group_wait: z.number().int(),
  /** Seconds between a group's later notifications (servers firing or resolving). */
  group_interval: z.number().int(),
  /** Further channels when a firing alert is not acknowledged within `after_minutes`. */
  escalation: z.array(z.object({ after_minutes: z.number().int(), channels: z.array(z.number().int()) })),
  /** `config`: from the config file's alert_rules (read-only here). */
  source: z.enum(['api', 'config']),
  /** Epoch ms. */
  created_at: z.number(),
  updated_at: z.number(),
});
export type AlertRule = z.infer<typeof alertRule>;
export const ruleList = z.object({ rules: z.array(alertRule) });
export type RuleList = z.infer<typeof ruleList>;

/** POST /api/v1/alerts/channels; `config` is then checked against the kind's own schema. */
export const channelInput = channelFieldsSchema;
export type ChannelInput = z.input<typeof channelInput>;

/** PATCH /api/v1/alerts/channels/:id: any fields; a secret sent back as the marker keeps the stored one. */
export const channelPatch = z
  .object({
    name: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    config: z.record(z.string(), z.unknown()),
    enabled: z.boolean(),
  })
  .partial()
  .strict();
export type ChannelPatch = z.infer<typeof channelPatch>;

/** A channel as the API shows it: every secret field of its config replaced by the marker. */
export const channelView = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  config: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  /** Epoch ms. */
  created_at: z.number(),
  updated_at: z.number(),
});
export type ChannelView = z.infer<typeof channelView>;
export const channelList = z.object({ channels: z.array(channelView) });
export type ChannelList = z.infer<typeof channelList>;

/** One delivery try. */
export const deliveryAttempt = z.object({
  kind: z.enum(CHANNEL_KINDS),
  /** 1-based. */
  try: z.number().int(),
  outcome: z.enum(['ok', 'error']),
  error: z.string().nullable(),
  /** HTTP status, for webhooks. */
  status: z.number().int().optional(),
  /** Epoch ms. */
  started_at: z.number(),
  duration_ms: z.number(),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttempt>;

/** POST /api/v1/alerts/channels/:id/test. */
export const channelTestResult = z.object({
  ok: z.boolean(),
  error: z.string().nullable(),
  tries: z.array(deliveryAttempt),
});
export type ChannelTestResult = z.infer<typeof channelTestResult>;

/** An alert pending or firing now. */
export const activeAlert = z.object({
  rule_id: z.number().int(),
  rule_name: z.string().nullable(),
  metric: z.enum(ALERT_METRICS).nullable(),
  severity: z.enum(SEVERITIES).nullable(),
  server_id: z.string(),
  history_id: z.number().int().nullable(),
  value: z.number().nullable(),
  fired_at: isoTime.nullable(),
  active_since: isoTime.nullable(),
});
export type ActiveAlert = z.infer<typeof activeAlert>;
export const activeAlerts = z.object({ alerts: z.array(activeAlert) });
export type ActiveAlerts = z.infer<typeof activeAlerts>;

/** GET /api/v1/alerts/history: filters, newest first. */
export const historyQuery = z.object({
  server: z.string().min(1).optional(),
  rule: z.coerce.number().int().positive().optional(),
  state: z.enum(['firing', 'resolved']).optional(),
  from: isoTimeInput.optional(),
  to: isoTimeInput.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type HistoryQuery = z.input<typeof historyQuery>;

export { ACTION_KINDS };

/** What a person did about an alert. */
export const historyAction = z.object({
  id: z.number().int(),
  history_id: z.number().int(),
  action: z.enum(ACTION_KINDS),
  by: z.string(),
  at: isoTime,
  comment: z.string().nullable(),
  /** Silence actions only. */
  until: isoTime.nullable(),
});
export type HistoryAction = z.infer<typeof historyAction>;

/** An alert that fired: the row, its rule's name, a snapshot of the metrics, and the actions on it. */
export const historyItem = z.object({
  id: z.number().int(),
  /** null once the rule is deleted. */
  rule_id: z.number().int().nullable(),
  rule_name: z.string().nullable(),
  server_id: z.string().nullable(),
  state: z.string(),
  severity: z.string().nullable(),
  value: z.number().nullable(),
  triggered_at: isoTime,
  resolved_at: isoTime.nullable(),
  /** 'condition', or the rule or server no longer covering it. */
  resolved_reason: z.string().nullable(),
  notification_sent: z.boolean(),
  snapshot: z
    .object({
      status: z.string(),
      response_time_ms: z.number().nullable(),
      error_rate: z.number().nullable(),
      rps: z.number().nullable(),
    })
    .nullable(),
  /** Oldest first. */
  actions: z.array(historyAction),
  /** The latest acknowledgement. */
  acknowledged: z.object({ by: z.string(), at: isoTime }).nullable(),
  /** The latest end of a silence action (may be past). */
  silenced_until: isoTime.nullable(),
});
export type HistoryItem = z.infer<typeof historyItem>;
export const historyList = z.object({ history: z.array(historyItem) });
export type HistoryList = z.infer<typeof historyList>;

/** One delivery try, or a notification held back ('suppressed', try 0) by a silence, a silence action or a maintenance window. */
export const notificationTry = z.object({
  id: z.number().int(),
  channel_id: z.number().int().nullable(),
  channel_kind: z.string(),
  notification: z.string(),
  try: z.number().int(),
  outcome: z.string(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  at: isoTime,
  duration_ms: z.number(),
  silence_id: z.number().int().nullable(),
  action_id: z.number().int().nullable(),
  /** The maintenance window that held it back. */
  maintenance_id: z.number().int().nullable(),
});
export type NotificationTry = z.infer<typeof notificationTry>;

/** GET /api/v1/alerts/history/:id. */
export const historyDetail = historyItem.extend({ notifications: z.array(notificationTry) });
export type HistoryDetail = z.infer<typeof historyDetail>;

/** POST /api/v1/alerts/history/:id/ack (may be empty); `by` defaults to who is calling. */
export const ackInput = ackInputSchema;
export type AckInput = z.input<typeof ackInput>;
/** POST /api/v1/alerts/history/:id/silence. */
export const silenceActionInput = silenceActionInputSchema;
export type SilenceActionInput = z.input<typeof silenceActionInput>;
/** POST /api/v1/alerts/history/:id/comment. */
export const commentInput = commentInputSchema;
export type CommentInput = z.input<typeof commentInput>;

/**
 * POST /api/v1/alerts/silences: from `starts_at` (default now) to `ends_at`, no notification for
 * alerts whose rule, server and server tag match (null matches anything; give at least one).
 */
export const silenceInput = silenceInputSchema;
export type SilenceInput = z.input<typeof silenceInput>;

/** A silence: ISO times, and whether it holds now. */
export const silenceView = z.object({
  id: z.number().int(),
  rule_id: z.number().int().nullable(),
  server_id: z.string().nullable(),
  tag: z.string().nullable(),
  starts_at: isoTime,
  ends_at: isoTime,
  comment: z.string().nullable(),
  by: z.string(),
  created_at: isoTime,
  active: z.boolean(),
});
export type SilenceView = z.infer<typeof silenceView>;
export const silenceList = z.object({ silences: z.array(silenceView) });
export type SilenceList = z.infer<typeof silenceList>;
