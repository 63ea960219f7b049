import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Monitor } from '../../monitor.js';
import { DAY_MS } from '../../metrics/aggregate/bucket.js';
import { canonicalTimeZone, isTimeZone } from '../../metrics/read/time-zone.js';
import { usage } from '../../metrics/read/usage.js';
import { validationError } from '../../shared/errors.js';
import { validate } from '../../shared/validate.js';
import { serverIdParams, time } from './params.js';

export const usageQuery = z.strictObject({
  from: time.optional(),
  to: time.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  /** Hours, weekdays and days in this IANA time zone (default UTC). */
  time_zone: z
    .string()
    .max(64)
    .refine(isTimeZone, { error: 'not a time zone: expected an IANA name such as Europe/Berlin, or UTC' })
    .transform(canonicalTimeZone)
    .optional(),
});

/** At most this long a range: the day tier's retention. */
const MAX_RANGE_MS = 400 * DAY_MS;

/** The query of a usage request: [from, to) defaulting to the last 30 days, checks naming the field. */
function usageQueryOf(query: unknown): {
  from: number;
  to: number;
  limit: number | undefined;
  timeZone: string | undefined;
} {
  const q = validate(usageQuery, query, 'query');
  const to = q.to ?? Date.now();
  const from = q.from ?? to - 30 * DAY_MS;
  if (from >= to) throw validationError([{ field: 'query.from', message: 'must be before to' }]);
  if (to - from > MAX_RANGE_MS)
    throw validationError([{ field: 'query.from', message: 'the range may span at most 400 days' }]);
  return { from, to, limit: q.limit, timeZone: q.time_zone };
}

/** Usage analytics for the capacity planner: one server's, and the fleet's. */
export function usageRoutes(app: FastifyInstance, monitor: Monitor): void {
  const { store, registry, config } = monitor;
  const retention = {
    metricsRetentionDays: config.metrics_retention_days,
    errorRetentionDays: config.error_retention_days,
  };

  app.get('/api/v1/servers/:id/usage', async (req) => {
    const { id } = validate(serverIdParams, req.params);
    registry.get(id);
    const q = usageQueryOf(req.query);
    return usage(store.db, { serverId: id, ...q, retention });
  });

  app.get('/api/v1/usage', async (req) => usage(store.db, { ...usageQueryOf(req.query), retention }));
}
