import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DAY_MS } from '../../metrics/aggregate/bucket.js';
import type { Monitor } from '../../monitor.js';
import {
  changeList,
  changesQuery,
  incident,
  incidentDetail,
  incidentList,
  incidentListQuery,
  incidentParams,
  incidentPatch,
  windowAnalysis,
  windowQuery,
} from '../contract/incidents.js';
import { operation } from './operation.js';
import { queryRange } from './query-range.js';

const op = operation('incidents');

/** Incidents and "click a spike" (DESIGN §10): thin adapters over the incidents service. */
export function incidentRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { incidents } = monitor;

  api.get(
    '/api/v1/incidents',
    op('listIncidents', 'Incidents open at some time of a window, newest first (default: the last 7 days)', {
      querystring: incidentListQuery,
      response: { 200: incidentList },
    }),
    async (req) => {
      const q = req.query;
      const w = queryRange(q, { defaultMs: 7 * DAY_MS, maxMs: 400 * DAY_MS, noun: 'window' });
      return {
        ...w,
        incidents: await incidents.list({ ...w, serverId: q.server, status: q.status, limit: q.limit }),
      };
    },
  );

  // before /:id, so that "window" is not read as an id
  api.get(
    '/api/v1/incidents/window',
    op(
      'incidentWindow',
      'Click a spike: the errors of a window against their baseline, the events around it ranked, what was affected, similar past incidents',
      {
        querystring: windowQuery,
        response: { 200: windowAnalysis },
      },
    ),
    async (req) => {
      const w = queryRange(req.query, { defaultMs: 3_600_000, maxMs: 31 * DAY_MS, noun: 'window' });
      return incidents.window(w, req.query.server);
    },
  );

  api.get(
    '/api/v1/changes',
    op(
      'listChanges',
      "Deployments (a server's reported version changed) and config changes of a window, oldest first: the charts' markers",
      {
        querystring: changesQuery,
        response: { 200: changeList },
      },
    ),
    async (req) => {
      const w = queryRange(req.query, { defaultMs: DAY_MS, maxMs: 400 * DAY_MS, noun: 'window' });
      return { ...w, changes: await incidents.changes(w, req.query.server) };
    },
  );

  api.get(
    '/api/v1/incidents/:id',
    op(
      'incident',
      'One incident: its groups, the events around it, its alerts with their comments, similar past incidents and how they were fixed',
      {
        params: incidentParams,
        response: { 200: incidentDetail },
      },
    ),
    async (req) => incidents.detail(req.params.id),
  );

  api.patch(
    '/api/v1/incidents/:id',
    op('updateIncident', "Sets an incident's resolution note, or resolves it by hand", {
      params: incidentParams,
      body: incidentPatch,
      response: { 200: incident },
    }),
    async (req) => incidents.update(req.params.id, req.body),
  );
}
