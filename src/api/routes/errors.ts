import type { FastifyInstance } from 'fastify';
import type { Monitor } from '../../monitor.js';
import { validationError } from '../../shared/errors.js';
import { validate } from '../../shared/validate.js';
import { errorListQuery, errorTrendQuery, groupParams, groupPatch, groupQuery } from '../contract/errors.js';

const DAY_MS = 86_400_000;
/** At most this long a window: groups and their daily counts are kept 400 days. */
const MAX_WINDOW_MS = 400 * DAY_MS;

/** [from, to) defaulting to the last 24 hours, with checks that name the field. */
function windowOf(q: { from?: number | undefined; to?: number | undefined }): { from: number; to: number } {
  const to = q.to ?? Date.now();
  const from = q.from ?? to - DAY_MS;
  if (from >= to) throw validationError([{ field: 'query.from', message: 'must be before to' }]);
  if (to - from > MAX_WINDOW_MS)
    throw validationError([{ field: 'query.from', message: 'the window may span at most 400 days' }]);
  return { from, to };
}

/** Error groups (DESIGN §10): thin adapters over the errors service. */
export function errorRoutes(app: FastifyInstance, monitor: Monitor): void {
  const { errors } = monitor;

  app.get('/api/v1/errors', async (req) => {
    const q = validate(errorListQuery, req.query, 'query');
    const w = windowOf(q);
    const filter = { serverId: q.server, endpoint: q.endpoint, kind: q.kind, status: q.status, text: q.q };
    return { ...w, groups: await errors.list(w, filter, q.limit) };
  });

  app.get('/api/v1/errors/trend', async (req) => {
    const q = validate(errorTrendQuery, req.query, 'query');
    return errors.trend(windowOf(q), q.server);
  });

  app.get('/api/v1/errors/groups/:id', async (req) => {
    const { id } = validate(groupParams, req.params);
    const q = validate(groupQuery, req.query, 'query');
    // without a window, the group's whole life
    const w = q.from === undefined && q.to === undefined ? {} : windowOf(q);
    return errors.detail(id, w, q.samples);
  });

  app.patch('/api/v1/errors/groups/:id', async (req) => {
    const { id } = validate(groupParams, req.params);
    return errors.update(id, validate(groupPatch, req.body ?? {}));
  });
}
