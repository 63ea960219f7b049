import type { FastifyInstance } from 'fastify';
import { DAY_MS } from '../../metrics/aggregate/bucket.js';
import type { Monitor } from '../../monitor.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  errorGroup,
  errorGroupDetail,
  errorList,
  errorListQuery,
  errorTrend,
  errorTrendQuery,
  groupParams,
  groupPatch,
  groupQuery,
} from '../contract/errors.js';
import { sendCsv } from './csv.js';
import { operation } from './operation.js';
import { queryRange } from './query-range.js';

const MAX_WINDOW_MS = 400 * DAY_MS;

/** [from, to) defaulting to the last 24 hours, at most 400 days (groups and day counts are kept that long). */
const windowOf = (q: { from?: number | undefined; to?: number | undefined }) =>
  queryRange(q, { defaultMs: DAY_MS, maxMs: MAX_WINDOW_MS, noun: 'window' });

const op = operation('errors');

/** Error groups (DESIGN §10): thin adapters over the errors service. */
export function errorRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { errors } = monitor;

  api.get(
    '/api/v1/errors',
    op('listErrors', 'Error groups of a window, most errors first (default: the last 24 hours)', {
      querystring: errorListQuery,
      response: { 200: errorList },
    }),
    async (req, reply) => {
      const q = req.query;
      const w = windowOf(q);
      const filter = { serverId: q.server, endpoint: q.endpoint, kind: q.kind, status: q.status, text: q.q };
      const groups = await errors.list(w, filter, q.limit);
      if (q.format === 'csv') return sendCsv(reply, 'errors.csv', groups, Object.keys(errorGroup.shape));
      return { ...w, groups };
    },
  );

  api.get(
    '/api/v1/errors/trend',
    op('errorTrend', 'Errors and their rate per step, by kind', {
      querystring: errorTrendQuery,
      response: { 200: errorTrend },
    }),
    async (req) => errors.trend(windowOf(req.query), req.query.server),
  );

  api.get(
    '/api/v1/errors/groups/:id',
    op('errorGroup', 'One group: its samples and its breakdowns by server, endpoint and client', {
      params: groupParams,
      querystring: groupQuery,
      response: { 200: errorGroupDetail },
    }),
    async (req) => {
      const q = req.query;
      // without a window, the group's whole life
      const w = q.from === undefined && q.to === undefined ? {} : windowOf(q);
      return errors.detail(req.params.id, w, q.samples);
    },
  );

  api.patch(
    '/api/v1/errors/groups/:id',
    op('updateErrorGroup', "Sets a group's status (open, resolved, ignored) and resolution note", {
      params: groupParams,
      body: groupPatch,
      response: { 200: errorGroup },
    }),
    async (req) => errors.update(req.params.id, req.body),
  );
}
