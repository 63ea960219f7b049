/** The dashboard's bell: stored notifications with their read state (`/api/v1/notifications`). */
import { z } from 'zod';
import { ALERT_CONDITIONS, ALERT_METRICS, SEVERITIES } from '../../model/alert-rule.js';
import { isoTime } from './common.js';

export const notificationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type NotificationsQuery = z.input<typeof notificationsQuery>;

/** POST /api/v1/notifications/read: `{ ids: [...] }` or `{ all: true }`. */
export const markReadBody = z
  .object({
    ids: z.array(z.number().int().positive()).min(1).max(1000).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine((b) => (b.ids === undefined) !== (b.all === undefined), 'give either ids or all: true');
export type MarkReadBody = z.input<typeof markReadBody>;

/** What every channel sends for one alert (the webhook's JSON body); model/notification.ts AlertMessage. */
export const alertMessage = z.object({
  rule: z.object({ id: z.number().int(), name: z.string() }),
  server: z.object({ id: z.string(), name: z.string() }),
  state: z.enum(['firing', 'resolved']),
  notification: z.enum(['firing', 'resolved', 'repeat']),
  metric: z.enum(ALERT_METRICS),
  condition: z.enum(ALERT_CONDITIONS),
  value: z.number().nullable(),
  threshold: z.number(),
  severity: z.enum(SEVERITIES),
  triggered_at: isoTime,
  resolved_at: isoTime.nullable(),
  sent_at: isoTime,
  /** The server in the dashboard. */
  url: z.string(),
  /** This alert's history entry in the dashboard; null for a test notification. */
  alert_url: z.string().nullable(),
  /** "[FIRING] Error rate above 5% on chaos". */
  summary: z.string(),
  /** Set on a channel's test notification. */
  test: z.boolean().optional(),
});
export type AlertMessage = z.infer<typeof alertMessage>;

/** A notification in the bell (also pushed on the live socket). */
export const dashboardNotification = z.object({
  id: z.number().int(),
  at: isoTime,
  read: z.boolean(),
  /** The alert's history entry; null for a test notification. */
  history_id: z.number().int().nullable(),
  title: z.string(),
  message: alertMessage,
});
export type DashboardNotification = z.infer<typeof dashboardNotification>;

/** GET /api/v1/notifications: newest first, and how many are unread in all. */
export const notificationList = z.object({
  notifications: z.array(dashboardNotification),
  unread: z.number().int(),
});
export type NotificationList = z.infer<typeof notificationList>;

/** POST /api/v1/notifications/read: how many were marked, and how many are left unread. */
export const markReadResult = z.object({ marked: z.number().int(), unread: z.number().int() });
export type MarkReadResult = z.infer<typeof markReadResult>;
