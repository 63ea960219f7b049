import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { dashboardNotificationsRepo } from '../../alerts/notifications-repo.js';
import type { Monitor } from '../../monitor.js';
import { validate } from '../../shared/validate.js';

export const notificationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const markReadBody = z
  .object({
    ids: z.array(z.number().int().positive()).min(1).max(1000).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine((b) => (b.ids === undefined) !== (b.all === undefined), 'give either ids or all: true');

/** The dashboard's notifications (the bell): newest first, with their read state. */
export function notificationRoutes(app: FastifyInstance, monitor: Monitor): void {
  const db = monitor.store.db;
  app.get('/api/v1/notifications', async (req) => {
    const { limit } = validate(notificationsQuery, req.query, 'query');
    const [notifications, unread] = await Promise.all([
      dashboardNotificationsRepo.list(db, limit),
      dashboardNotificationsRepo.unread(db),
    ]);
    return { notifications, unread };
  });
  app.post('/api/v1/notifications/read', async (req) => {
    const body = validate(markReadBody, req.body ?? {});
    const marked = await dashboardNotificationsRepo.markRead(db, body.ids ?? 'all');
    return { marked, unread: await dashboardNotificationsRepo.unread(db) };
  });
}
