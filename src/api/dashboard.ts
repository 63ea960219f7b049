import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { open } from './auth.js';

/** Where `vite build` put the dashboard: dist/web beside dist/api when built, or from src/ under tsx. */
function webRoot(): string | undefined {
  for (const rel of ['../web/', '../../dist/web/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}

const notBuilt = `<!doctype html><meta charset="utf-8"><title>mcp-health</title>
<p>The dashboard is not built. Run <code>npm run build</code> (or <code>npm start</code>); the API is at <a href="/api/v1/servers">/api/v1/servers</a>.</p>`;

/** True for a browser asking for a page: a GET for HTML outside the API, the gateway and /metrics. */
function wantsPage(req: FastifyRequest): boolean {
  const path = req.url.split('?')[0] ?? '';
  return (
    req.method === 'GET' &&
    !/^\/(api|mcp)\//.test(path) &&
    path !== '/metrics' &&
    !path.startsWith('/assets/') &&
    (req.headers.accept ?? '').includes('text/html')
  );
}

/**
 * Serves the single-page dashboard at `/`: hashed assets cached for good, the page itself never
 * cached, and every other page URL (`/servers/x/performance`, ...) answered with the page so that
 * deep links and reloads work. Returns the fallback for the not-found handler.
 */
export async function registerDashboard(
  app: FastifyInstance,
): Promise<(req: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined> {
  const root = webRoot();
  // Read on every request (it is small): a rebuild while the monitor runs serves the new assets' names.
  const page = () =>
    root && existsSync(`${root}index.html`) ? readFileSync(`${root}index.html`, 'utf8') : notBuilt;
  const sendPage = (reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page());
  if (root)
    await app.register(async (assets) => {
      // The page's scripts and styles load before sign-in; @fastify/static takes no route config.
      assets.addHook('onRoute', (route) => {
        route.config = { ...route.config, access: 'open' };
      });
      await assets.register(fastifyStatic, {
        root: `${root}assets`,
        prefix: '/assets/',
        wildcard: true,
        index: false,
        maxAge: '365d',
        immutable: true,
      });
    });
  app.get('/', open, (_req, reply) => sendPage(reply));
  return (req, reply) => (wantsPage(req) ? sendPage(reply) : undefined);
}
