import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LiveHub } from './live/hub.js';
import type { LiveLimits } from './live/live-client.js';
import type { Monitor } from '../monitor.js';
import { registerAuditHook } from './audit-hook.js';
import { registerAuth, roleOf, type Access } from './auth.js';
import type { Role } from '../model/role.js';
import { registerDashboard } from './dashboard.js';
import { frameworkErrors, registerErrorHandler, registerNotFound } from './errors.js';
import { gatewayEntry } from './gateway-entry.js';
import { registerInputChecks } from './input-checks.js';
import { registerOpenApi } from './openapi.js';
import { serviceRoutes } from './routes/service.js';
import { clusterRoutes } from './routes/cluster.js';
import { serializerCompiler, validatorCompiler } from './schema-compilers.js';
import { registerRequestGuard, requestGuard } from './request-guard.js';
import { alertRoutes } from './routes/alerts.js';
import { errorRoutes } from './routes/errors.js';
import { incidentRoutes } from './routes/incidents.js';
import { federationRoutes } from './routes/federation.js';
import { peerProxyRoutes } from './peer-proxy.js';
import { forecastRoutes } from './routes/forecasts.js';
import { ingestRoutes } from './routes/ingest.js';
import { metricsRoutes } from './routes/metrics.js';
import { notificationRoutes } from './routes/notifications.js';
import { importRoutes } from './routes/import.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { serverRoutes } from './routes/servers.js';
import { userRoutes } from './routes/users.js';
import { statusPageRoutes } from './routes/status-pages.js';
import { uptimeRoutes } from './routes/uptime.js';

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
  /** The least role each registered route needs (`POST /api/v1/users` → `admin`). */
  roles: Map<string, Role>;
}

export interface ApiOptions {
  /** How far a live dashboard may fall behind; benchmarks lift them to measure the monitor without. */
  liveLimits?: LiveLimits;
  /** Check every answer against its route's schema, a mismatch being a 500 (the tests; see schema-compilers.ts). */
  checkAnswers?: boolean;
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
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler(options.checkAnswers ?? false));
  const routes: string[] = [];
  const access = new Map<string, Access>();
  const roles = new Map<string, Role>();
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push(`${method} ${r.url}`);
      access.set(`${method} ${r.url}`, r.config?.access ?? 'token');
      roles.set(`${method} ${r.url}`, roleOf(method, r.config?.role));
    }
  });
  registerErrorHandler(app);
  registerRequestGuard(app, guard);
  registerAuth(app, monitor);
  registerAuditHook(app, monitor);
  registerInputChecks(app);
  await registerOpenApi(app, packageVersion, Boolean(monitor.config.api_token));
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  const hub = new LiveHub(monitor, 500, options.liveLimits);
  serviceRoutes(app, monitor, hub, packageVersion);
  serverRoutes(app, monitor);
  importRoutes(app, monitor);
  ingestRoutes(app, monitor);
  metricsRoutes(app, monitor);
  errorRoutes(app, monitor);
  incidentRoutes(app, monitor);
  forecastRoutes(app, monitor);
  alertRoutes(app, monitor);
  notificationRoutes(app, monitor);
  userRoutes(app, monitor);
  maintenanceRoutes(app, monitor);
  federationRoutes(app, monitor);
  peerProxyRoutes(app, monitor);
  uptimeRoutes(app, monitor);
  statusPageRoutes(app, monitor);
  clusterRoutes(app, monitor);
  registerNotFound(app, await registerDashboard(app));
  app.addHook('onClose', () => hub.close());
  return { app, hub, routes, access, roles };
}
