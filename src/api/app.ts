import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { LiveHub } from '../live/hub.js';
import type { LiveLimits } from '../live/live-client.js';
import type { Monitor } from '../monitor.js';
import { authorised, INFO_PATH, LIVE_PATH, OPENAPI_PATH, registerAuth, tokenMatches } from './auth.js';
import { registerDashboard } from './dashboard.js';
import { registerErrorHandler, registerNotFound } from './errors.js';
import { openApiDocument } from './openapi.js';
import { alertRoutes } from './routes/alerts.js';
import { ingestRoutes } from './routes/ingest.js';
import { metricsRoutes } from './routes/metrics.js';
import { serverRoutes } from './routes/servers.js';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface Api {
  app: FastifyInstance;
  hub: LiveHub;
  /** Every route registered, as `GET /api/v1/servers/:id` (HEAD twins left out): what the OpenAPI document must list. */
  routes: string[];
}

export interface ApiOptions {
  /** How far a live dashboard may fall behind; benchmarks lift them to measure the monitor without. */
  liveLimits?: LiveLimits;
}

/** The HTTP face of a monitor: REST under /api/v1, the live hub, /healthz and /readyz. */
export async function buildApi(monitor: Monitor, options: ApiOptions = {}): Promise<Api> {
  const loggerInstance: FastifyBaseLogger = monitor.log.child({ part: 'api' });
  const logController = new LogController({ disableRequestLogging: true });
  // The gateway speaks raw Streamable HTTP at /mcp/<server-id>; it sits in front of Fastify's router.
  const serverFactory = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
    createServer((req, res) => {
      if (!(req.url ?? '').startsWith('/mcp/')) return handler(req, res);
      if (!tokenMatches(req.headers.authorization, monitor.config.api_token)) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
        res.end(
          JSON.stringify({
            error: { code: 'unauthorised', message: 'the gateway requires the api_token as a Bearer token' },
          }),
        );
        return;
      }
      // The monitor's own token is for the monitor: it never travels on to a server.
      if (monitor.config.api_token) delete req.headers.authorization;
      monitor.gateway.handle(req, res).then(
        (handled) => handled || handler(req, res),
        (err: unknown) => {
          loggerInstance.error({ err }, 'gateway failed');
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
    });
  const app = Fastify({ loggerInstance, logController, bodyLimit: 1024 * 1024, serverFactory });
  const routes: string[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${r.url}`);
  });
  registerErrorHandler(app);
  registerAuth(app, monitor.config.api_token);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  const hub = new LiveHub(monitor, 500, options.liveLimits);
  app.get(LIVE_PATH, { websocket: true }, (socket, req) => {
    if (authorised(req, monitor.config.api_token)) hub.accept(socket);
    else socket.close(4401, 'unauthorised: pass ?token=<api_token>');
  });
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await monitor.store.ping();
    return reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ready' : 'store unreachable', store: monitor.store.dialect });
  });
  serverRoutes(app, monitor);
  ingestRoutes(app, monitor);
  metricsRoutes(app, monitor);
  alertRoutes(app, monitor);
  app.get(INFO_PATH, () => ({
    version: packageVersion,
    auth_required: Boolean(monitor.config.api_token),
    dashboard_refresh_interval_ms: monitor.config.dashboard_refresh_interval * 1000,
    store: monitor.store.dialect,
  }));
  const openApi = openApiDocument(packageVersion, Boolean(monitor.config.api_token));
  app.get(OPENAPI_PATH, () => openApi);
  registerNotFound(app, await registerDashboard(app));
  app.addHook('onClose', () => hub.close());
  return { app, hub, routes };
}
