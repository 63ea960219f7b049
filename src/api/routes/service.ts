import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { stdioFromApiAllowed } from '../../config/schema.js';
import type { Monitor } from '../../monitor.js';
import { authRequired, INFO_PATH, LIVE_PATH, liveAuthorised, open, OPENAPI_PATH } from '../auth.js';
import { healthz, info, readyz } from '../contract/common.js';
import type { LiveHub } from '../live/hub.js';
import { operation } from './operation.js';

const op = operation('service');

/** The live socket, /healthz, /readyz, what the dashboard needs before sign-in, and the OpenAPI document. */
export function serviceRoutes(app: FastifyInstance, monitor: Monitor, hub: LiveHub, version: string): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    LIVE_PATH,
    {
      websocket: true,
      config: { access: 'live' },
      ...op('live', 'WebSocket: status changes, metric ticks, notifications (token as ?token=)', {
        response: { 101: z.null().describe('Switching to the WebSocket protocol') },
      }),
    },
    async (socket, req) => {
      if (await liveAuthorised(req, monitor)) hub.accept(socket);
      else socket.close(4401, 'unauthorised: sign in, or pass ?token=<token>');
    },
  );
  api.get(
    '/healthz',
    { ...open, ...op('healthz', 'The process is up', { response: { 200: healthz } }) },
    () => ({
      status: 'ok' as const,
    }),
  );
  api.get(
    '/readyz',
    {
      ...open,
      ...op('readyz', 'The store is reachable and writable (503 when not)', {
        response: { 200: readyz, 503: readyz },
      }),
    },
    async (_req, reply) => {
      const reachable = await monitor.store.ping();
      const { cause } = monitor.store.health;
      const status = !reachable ? 'store unreachable' : cause !== null ? 'store not writable' : 'ready';
      return reply
        .status(status === 'ready' ? 200 : 503)
        .send({ status, store: monitor.store.dialect, ...(cause === null ? {} : { cause }) });
    },
  );
  api.get(
    INFO_PATH,
    {
      ...open,
      ...op('info', 'Version, whether a token is required, store kind', { response: { 200: info } }),
    },
    async () => ({
      version,
      auth_required: await authRequired(monitor),
      dashboard_refresh_interval_ms: monitor.config.dashboard_refresh_interval * 1000,
      store: monitor.store.dialect,
      stdio_servers_from_api: stdioFromApiAllowed(monitor.config),
    }),
  );
  api.get(
    OPENAPI_PATH,
    {
      ...open,
      ...op('openapi', 'This document', {
        response: { 200: z.record(z.string(), z.unknown()).describe('OpenAPI 3.1') },
      }),
    },
    // @fastify/swagger makes it once, from the routes as registered, at the first call.
    () => ({ ...app.swagger() }),
  );
}
