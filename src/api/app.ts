import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { stdioFromApiAllowed } from '../config/schema.js';
import { LiveHub } from './live/hub.js';
import type { LiveLimits } from './live/live-client.js';
import type { Monitor } from '../monitor.js';
import {
  INFO_PATH,
  LIVE_PATH,
  liveAuthorised,
  open,
  OPENAPI_PATH,
  registerAuth,
  type Access,
} from './auth.js';
import { registerDashboard } from './dashboard.js';
import { frameworkErrors, registerErrorHandler, registerNotFound } from './errors.js';
import { gatewayEntry } from './gateway-entry.js';
import { registerInputChecks } from './input-checks.js';
import { openApiDocument } from './openapi.js';
import { registerRequestGuard, requestGuard } from './request-guard.js';
import { alertRoutes } from './routes/alerts.js';
import { forecastRoutes } from './routes/forecasts.js';
import { ingestRoutes } from './routes/ingest.js';
import { metricsRoutes } from './routes/metrics.js';
import { notificationRoutes } from './routes/notifications.js';
import { serverRoutes } from './routes/servers.js';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface Api {
  app: FastifyInstance;
  hub: LiveHub;
  /** Every route registered, as `GET /api/v1/servers/:id` (HEAD twins left out): what the OpenAPI document must list. */
  routes: string[];
  /** What each registered route declares (`GET /api/v1/info` → `open`). */
  access: Map<string, Access>;
}

export interface ApiOptions {
  /** How far a live dashboard may fall behind; benchmarks lift them to measure the monitor without. */
  liveLimits?: LiveLimits;
}

/** The HTTP face of a monitor: REST under /api/v1, the live hub, /healthz and /readyz. */
export async function buildApi(monitor: Monitor, options: ApiOptions = {}): Promise<Api> {
  const loggerInstance: FastifyBaseLogger = monitor.log.child({ part: 'api' });
  const logController = new LogController({ disableRequestLogging: true });
  const guard = requestGuard(monitor.config);
  // The gateway speaks raw Streamable HTTP at /mcp/<server-id>; it sits in front of Fastify's router.
  const gateway = gatewayEntry(monitor, guard, loggerInstance);
  const serverFactory = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
    createServer((req, res) => gateway(req, res, handler));
  const app = Fastify({
    loggerInstance,
    logController,
    bodyLimit: 1024 * 1024,
    serverFactory,
    frameworkErrors,
  });
  const routes: string[] = [];
  const access = new Map<string, Access>();
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push(`${method} ${r.url}`);
      access.set(`${method} ${r.url}`, r.config?.access ?? 'token');
    }
  });
  registerErrorHandler(app);
  registerRequestGuard(app, guard);
  registerAuth(app, monitor.config.api_token);
  registerInputChecks(app);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  const hub = new LiveHub(monitor, 500, options.liveLimits);
  app.get(LIVE_PATH, { websocket: true, config: { access: 'live' } }, (socket, req) => {
    if (liveAuthorised(req, monitor.config.api_token)) hub.accept(socket);
    else socket.close(4401, 'unauthorised: pass ?token=<api_token>');
  });
  app.get('/healthz', open, () => ({ status: 'ok' }));
  app.get('/readyz', open, async (_req, reply) => {
    const reachable = await monitor.store.ping();
    const { cause } = monitor.store.health;
    const status = !reachable ? 'store unreachable' : cause !== null ? 'store not writable' : 'ready';
    return reply
      .status(status === 'ready' ? 200 : 503)
      .send({ status, store: monitor.store.dialect, ...(cause === null ? {} : { cause }) });
  });
  serverRoutes(app, monitor);
  ingestRoutes(app, monitor);
  metricsRoutes(app, monitor);
  forecastRoutes(app, monitor);
  alertRoutes(app, monitor);
  notificationRoutes(app, monitor);
  app.get(INFO_PATH, open, () => ({
    version: packageVersion,
    auth_required: Boolean(monitor.config.api_token),
    dashboard_refresh_interval_ms: monitor.config.dashboard_refresh_interval * 1000,
    store: monitor.store.dialect,
    stdio_servers_from_api: stdioFromApiAllowed(monitor.config),
  }));
  let openApi: Record<string, unknown> | undefined; // made at the first request, when every route is in
  app.get(OPENAPI_PATH, open, () => {
    openApi ??= openApiDocument(packageVersion, Boolean(monitor.config.api_token), (r) => access.get(r));
    return openApi;
  });
  registerNotFound(app, await registerDashboard(app));
  app.addHook('onClose', () => hub.close());
  return { app, hub, routes, access };
}
