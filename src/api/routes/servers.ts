import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Monitor } from '../../monitor.js';
import { statuses, type ServerRecord } from '../../model/server.js';
import { AppError } from '../../shared/errors.js';
import { validate } from '../../shared/validate.js';
import { eventsRepo } from '../../store/events-repo.js';
import { serverView } from '../server-view.js';
import { serverIdParams } from './params.js';

export const listQuery = z.object({
  status: z.enum(statuses as [string, ...string[]]).optional(),
  tag: z.string().optional(),
  q: z.string().optional(),
});
export const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });
const MAX_DISABLE_MS = 366 * 24 * 3600 * 1000;
export const disableBody = z
  .strictObject({
    minutes: z
      .number()
      .positive()
      .max(MAX_DISABLE_MS / 60_000)
      .optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((b) => (b.minutes === undefined) !== (b.until === undefined), {
    error: 'give either minutes or until',
    path: ['minutes'],
  });

export function serverRoutes(app: FastifyInstance, monitor: Monitor): void {
  const { registry, checker, store } = monitor;
  const view = (s: ServerRecord) => serverView(s, monitor.activeConnections(s.id));

  app.get('/api/v1/servers', (req) => {
    const q = validate(listQuery, req.query, 'query');
    const needle = q.q?.toLowerCase();
    const servers = registry
      .list()
      .filter((s) => !q.status || s.state.status === q.status)
      .filter((s) => !q.tag || s.tags.includes(q.tag))
      .filter((s) => !needle || s.name.toLowerCase().includes(needle) || s.id.includes(needle))
      .map((s) => view(s));
    return { servers };
  });

  app.post('/api/v1/servers', async (req, reply) => {
    const server = await registry.create(req.body, req.actor);
    return reply.status(201).send(view(server));
  });

  app.get('/api/v1/servers/:id', (req) => view(registry.get(validate(serverIdParams, req.params).id)));

  app.patch('/api/v1/servers/:id', async (req) => {
    const { id } = validate(serverIdParams, req.params);
    return view(await registry.update(id, req.body ?? {}, req.actor));
  });

  app.delete('/api/v1/servers/:id', async (req, reply) => {
    await registry.delete(validate(serverIdParams, req.params).id, req.actor);
    return reply.status(204).send();
  });

  app.get('/api/v1/servers/:id/checks', async (req) => {
    const { id } = validate(serverIdParams, req.params);
    registry.get(id);
    const { limit } = validate(limitQuery, req.query, 'query');
    return { checks: await checker.recentChecks(id, limit) };
  });

  app.post('/api/v1/servers/:id/check', async (req) => {
    const { id } = validate(serverIdParams, req.params);
    const server = registry.get(id);
    if (server.state.status === 'disabled')
      throw new AppError('conflict', `server "${server.name}" is disabled; enable it to check it`);
    const check = await checker.checkNow(id);
    return { check, server: view(registry.get(id)) };
  });

  app.post('/api/v1/servers/:id/disable', async (req) => {
    const { id } = validate(serverIdParams, req.params);
    const body = validate(disableBody, req.body ?? {});
    const until = body.until ? Date.parse(body.until) : Date.now() + (body.minutes ?? 0) * 60_000;
    if (until <= Date.now())
      throw new AppError('validation_failed', 'until must be in the future', {
        fields: [{ field: 'until', message: 'must be in the future' }],
      });
    if (until - Date.now() > MAX_DISABLE_MS)
      throw new AppError('validation_failed', 'until must be within a year', {
        fields: [{ field: 'until', message: 'must be within a year' }],
      });
    return view(await registry.disable(id, until, body.reason ?? null, req.actor));
  });

  app.post('/api/v1/servers/:id/enable', async (req) => {
    const { id } = validate(serverIdParams, req.params);
    return view(await registry.enable(id, req.actor));
  });

  app.get('/api/v1/servers/:id/logs', async (req) => {
    const { id } = validate(serverIdParams, req.params);
    registry.get(id);
    const { limit } = validate(limitQuery, req.query, 'query');
    const lines = checker.recentLogs(id).slice(-limit).reverse();
    return {
      logs: lines.map((l) => ({ at: new Date(l.at).toISOString(), stream: l.stream, line: l.line })),
      checks: await checker.recentChecks(id, limit),
      events: await eventsRepo.recent(store.db, id, limit),
    };
  });
}
