import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import { operation } from './operation.js';
import {
  markReadBody,
  markReadResult,
  notificationList,
  notificationsQuery,
} from '../contract/notifications.js';

const op = operation('notifications');

/** The dashboard's notifications (the bell): newest first, with their read state. */
export function notificationRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { notifications } = monitor.alerts;
  api.get(
    '/api/v1/notifications',
    op('listNotifications', "The dashboard's notifications, newest first, with `read` and the unread count", {
      querystring: notificationsQuery,
      response: { 200: notificationList },
    }),
    (req) => notifications.list(req.query.limit),
  );
  api.post(
    '/api/v1/notifications/read',
    {
      // Reading the bell is reading: a viewer may mark what they have seen.
      config: { role: 'viewer', audit: false },
      ...op('markNotificationsRead', 'Marks notifications read: `{ ids: [...] }` or `{ all: true }`', {
        body: markReadBody,
        response: { 200: markReadResult },
      }),
    },
    (req) => notifications.markRead(req.body.ids ?? 'all'),
  );
}
