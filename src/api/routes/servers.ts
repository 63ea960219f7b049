import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { serverInput } from '../../config/server-input.js';
import type { Monitor } from '../../monitor.js';
import { operation } from './operation.js';
import { mayRunCommands } from '../auth.js';
import type { ServerRecord } from '../../model/server.js';
import { AppError } from '../../shared/errors.js';
import { noContent, serverIdParams } from '../contract/common.js';
import {
  checkList,
  checkNowResult,
  disableBody,
  limitQuery,
  serverList,
  serverListQuery,
  serverLogs,
  serverPatch,
  serverView,
} from '../contract/servers.js';
import { logLineView, serverView as viewOf } from '../server-view.js';

const MAX_DISABLE_MS = 366 * 24 * 3600 * 1000;
const op = operation('servers');
/** The registry writes these changes' audit rows itself (server.create, …): not again by the API's hook. */
const partAudited = { config: { audit: false } };
/** The uptime windows the list shows with each server. */
const LIST_UPTIME_WINDOWS = ['24h', '30d'];

export function serverRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { registry, checker } = monitor;
  const view = (s: ServerRecord) =>
    viewOf(s, monitor.activeConnections(s.id), monitor.maintenance.activeMaintenance(s.id));
  const params = serverIdParams;

  api.get(
    '/api/v1/servers',
    op('listServers', 'The fleet: `{ servers: [...] }`', {
      querystring: serverListQuery,
      response: { 200: serverList },
    }),
    async (req) => {
      const q = req.query;
      const needle = q.q?.toLowerCase();
      const uptime = await monitor.uptime.fleet(LIST_UPTIME_WINDOWS);
      const servers = registry
        .list()
        .filter((s) => !q.status || s.state.status === q.status)
        .filter((s) => !q.tag || s.tags.includes(q.tag))
        .filter((s) => !needle || s.name.toLowerCase().includes(needle) || s.id.includes(needle))
        .map((s) => ({ ...view(s), uptime: uptime.get(s.id) ?? {} }));
      return { servers };
    },
  );

  api.post(
    '/api/v1/servers',
    {
      ...partAudited,
      ...op('createServer', 'Adds a server', {
        body: serverInput,
        response: { 201: serverView.describe('The new server') },
      }),
    },
    async (req, reply) =>
      reply.status(201).send(view(await registry.create(req.body, req.actor, mayRunCommands(req)))),
  );

  api.get(
    '/api/v1/servers/:id',
    op('getServer', 'One server', { params, response: { 200: serverView } }),
    (req) => view(registry.get(req.params.id)),
  );

  api.patch(
    '/api/v1/servers/:id',
    {
      ...partAudited,
      ...op('updateServer', "Changes a server's fields (those given)", {
        params,
        body: serverPatch,
        response: { 200: serverView },
      }),
    },
    async (req) => view(await registry.update(req.params.id, req.body, req.actor, mayRunCommands(req))),
  );

  api.delete(
    '/api/v1/servers/:id',
    {
      ...partAudited,
      ...op('deleteServer', 'Removes a server added through the API', {
        params,
        response: { 204: noContent },
      }),
    },
    async (req, reply) => {
      await registry.delete(req.params.id, req.actor);
      return reply.status(204).send();
    },
  );

  api.get(
    '/api/v1/servers/:id/checks',
    op('listChecks', 'Recent health checks, newest first', {
      params,
      querystring: limitQuery,
      response: { 200: checkList },
    }),
    async (req) => {
      registry.get(req.params.id);
      return { checks: await checker.recentChecks(req.params.id, req.query.limit) };
    },
  );

  api.post(
    '/api/v1/servers/:id/check',
    op('checkServer', 'Runs a health check now and returns it', {
      params,
      response: { 200: checkNowResult },
    }),
    async (req) => {
      const { id } = req.params;
      const server = registry.get(id);
      if (server.state.status === 'disabled')
        throw new AppError('conflict', `server "${server.name}" is disabled; enable it to check it`);
      const check = await checker.checkNow(id);
      return { check, server: view(registry.get(id)) };
    },
  );

  api.post(
    '/api/v1/servers/:id/disable',
    {
      ...partAudited,
      ...op('disableServer', 'Stops checking a server for a while', {
        params,
        body: disableBody,
        response: { 200: serverView },
      }),
    },
    async (req) => {
      const body = req.body;
      const until = body.until ? Date.parse(body.until) : Date.now() + (body.minutes ?? 0) * 60_000;
      if (until <= Date.now())
        throw new AppError('validation_failed', 'until must be in the future', {
          fields: [{ field: 'until', message: 'must be in the future' }],
        });
      if (until - Date.now() > MAX_DISABLE_MS)
        throw new AppError('validation_failed', 'until must be within a year', {
          fields: [{ field: 'until', message: 'must be within a year' }],
        });
      return view(await registry.disable(req.params.id, until, body.reason ?? null, req.actor));
    },
  );

  api.post(
    '/api/v1/servers/:id/enable',
    {
      ...partAudited,
      ...op('enableServer', 'Resumes checking a disabled server', {
        params,
        response: { 200: serverView },
      }),
    },
    async (req) => view(await registry.enable(req.params.id, req.actor)),
  );

  api.get(
    '/api/v1/servers/:id/logs',
    op('serverLogs', "A server's recent stderr lines, checks and events", {
      params,
      querystring: limitQuery,
      response: { 200: serverLogs },
    }),
    async (req) => {
      const { id } = req.params;
      const { limit } = req.query;
      registry.get(id);
      const lines = checker.recentLogs(id).slice(-limit).reverse();
      return {
        logs: lines.map(logLineView),
        checks: await checker.recentChecks(id, limit),
        events: await registry.recentEvents(id, limit),
      };
    },
  );
}
