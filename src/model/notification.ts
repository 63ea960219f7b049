/** Alert notifications: what every channel sends, each delivery try, and the dashboard's bell. */
import { z } from 'zod';
import type { AlertCondition, AlertMetric, Severity } from './alert-rule.js';

/** A notification of an alert instance: when it fires, repeats, or resolves. */
export type NotificationKind = 'firing' | 'resolved' | 'repeat';

export const CHANNEL_KINDS = [
  'email',
  'webhook',
  'dashboard',
  'log',
  'slack',
  'discord',
  'msteams',
  'pagerduty',
  'opsgenie',
  'telegram',
  'ntfy',
  'mattermost',
  'google_chat',
  'pushover',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/**
 * A channel's fields as `POST /api/v1/alerts/channels` takes them; `config` is then checked
 * against the kind's own schema (alerts/channels/registry.ts `channelInputSchema`).
 */
export const channelFieldsSchema = z
  .object({
    name: z.string().trim().min(1).max(255),
    kind: z.enum(CHANNEL_KINDS),
    config: z.record(z.string(), z.unknown()).default({}),
    enabled: z.boolean().default(true),
  })
  .strict();
export type ChannelFields = z.output<typeof channelFieldsSchema>;

/**
 * What every channel sends: one notification of one alert instance. Field names are the
 * webhook's JSON body (issue 5), times are ISO strings as everywhere in the API.
 */
export interface AlertMessage {
  rule: { id: number; name: string };
  server: { id: string; name: string };
  /** `repeat` notifications go out as `firing`; `notification` tells them apart. */
  state: 'firing' | 'resolved';
  notification: NotificationKind;
  metric: AlertMetric;
  condition: AlertCondition;
  value: number | null;
  threshold: number;
  severity: Severity;
  triggered_at: string;
  resolved_at: string | null;
  /** When this notification was produced. */
  sent_at: string;
  /** The server in the dashboard (at `public_url`). */
  url: string;
  /** This alert's entry in the dashboard's history; null for a test notification. */
  alert_url: string | null;
  /** One line for subjects and lists: "[FIRING] Error rate above 5% on chaos". */
  summary: string;
  /** Set for "send test notification". */
  test?: boolean;
  /**
   * The notification's unique key (rule, server, transition) when several instances share the
   * store: the same on a copy sent again after a failover (webhooks: also `Idempotency-Key`).
   */
  key?: string;
  /**
   * Set when the message tells of several servers of one rule at once (grouping, issue 17): each
   * alert of the group, firing ones first. The fields above are then the first alert's, and
   * `summary` names the group.
   */
  alerts?: GroupedAlert[];
}

/** One alert of a grouped notification. */
export interface GroupedAlert {
  server: { id: string; name: string };
  state: 'firing' | 'resolved';
  notification: NotificationKind;
  value: number | null;
  triggered_at: string;
  resolved_at: string | null;
  url: string;
  alert_url: string | null;
}

/** One delivery try, reported as it ends (for `alert_notifications`). */
export interface DeliveryAttempt {
  kind: ChannelKind;
  /** 1-based. */
  try: number;
  outcome: 'ok' | 'error';
  error: string | null;
  /** HTTP status, for the channels that POST. */
  status?: number;
  started_at: number;
  duration_ms: number;
}

/** What is put in the dashboard's bell: a title and the alert message. */
export interface NotificationInput {
  title: string;
  message: AlertMessage;
}

/** A notification in the dashboard's bell, as stored (alerts/notifications-repo.ts) and pushed live. */
export interface DashboardNotification extends NotificationInput {
  id: number;
  at: string;
  read: boolean;
  /** The alert's history entry; null for a test notification. */
  history_id: number | null;
}
