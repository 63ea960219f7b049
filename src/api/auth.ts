import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.js';

const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function tokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  // Browsers cannot set headers on a WebSocket; the live hub takes the token as a query parameter.
  const query = req.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

export const LIVE_PATH = '/api/v1/live';
/** What the dashboard needs before sign-in (whether a token is required); nothing secret. */
export const INFO_PATH = '/api/v1/info';
/** The OpenAPI document: no data in it, so served without the token. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

/** Paths under /api/ served without the token: nothing secret in them. */
const OPEN_PATHS = new Set([INFO_PATH, OPENAPI_PATH]);

/**
 * Whether a path asks for the api_token when one is set: /api/ (but `OPEN_PATHS`) and /metrics.
 * The live socket (`LIVE_PATH`) asks too, as `?token=`, and checks it itself.
 */
export const needsToken = (path: string): boolean =>
  (path.startsWith('/api/') || path === '/metrics') && !OPEN_PATHS.has(path);

/** For raw requests (the gateway): true when no token is configured or the Bearer header carries it. */
export function tokenMatches(authorization: string | undefined, apiToken: string | undefined): boolean {
  if (!apiToken) return true;
  return authorization?.startsWith('Bearer ') === true && equal(authorization.slice(7).trim(), apiToken);
}

/** True when no token is configured, or the request carries the right one. */
export function authorised(req: FastifyRequest, apiToken: string | undefined): boolean {
  if (!apiToken) return true;
  const token = tokenOf(req);
  return token !== undefined && equal(token, apiToken);
}

/**
 * With `api_token` set, every /api/ route and /metrics require it; /healthz and /readyz stay open. The live
 * socket checks it itself after the upgrade and closes with 4401 (a browser cannot read an
 * HTTP status on a refused upgrade, and a refused upgrade would hold up the server's close).
 */
export function registerAuth(app: FastifyInstance, apiToken: string | undefined): void {
  if (!apiToken) return;
  app.addHook('onRequest', (req, _reply, done) => {
    const path = req.url.split('?')[0] ?? '';
    if (!needsToken(path) || path === LIVE_PATH || authorised(req, apiToken)) return done();
    done(new AppError('unauthorised', 'this API requires a token: send Authorization: Bearer <api_token>'));
  });
}

/** Who did it, for the audit log. With a single shared token, that is "api". */
export const actorOf = (req: FastifyRequest): string =>
  (req.headers['x-mcp-health-actor'] as string | undefined)?.slice(0, 100) ?? 'api';
