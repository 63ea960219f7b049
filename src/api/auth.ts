/**
 * Who may run a route. Decided on the route Fastify matched (`req.routeOptions`), never on the
 * raw URL: the router decodes the path (`/%61pi/v1/servers` is `/api/v1/servers`), so a check of
 * the raw text and the route that runs could disagree. Every route asks for authentication
 * unless it declares `config: { access: 'open' }`; a request that matches no route reaches only
 * the not-found handler (a 404, or the dashboard's page), which holds no data.
 *
 * Roles (DESIGN §12) are decided the same way and are safe by default: a route needs `viewer`
 * to read (GET) and `operator` to change anything, unless it declares `config: { role }` (the
 * users, tokens and settings routes declare `admin`). A new route fits in with no change.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { atLeast, type Role } from '../model/role.js';
import { AppError } from '../shared/errors.js';
import type { Monitor } from '../monitor.js';
import { isUser, nobody, sameSecret, type Principal } from '../users/index.js';
import { identify } from './identify.js';

/**
 * `token` (the default): authenticated (a Bearer token, the session cookie, a trusted proxy's
 * header). `open`: no data behind it. `live`: the WebSocket, which may also carry its token as
 * `?token=` (browsers cannot set headers on a WebSocket) and is checked after the upgrade, so
 * that a browser learns why (close code 4401).
 */
export type Access = 'open' | 'token' | 'live';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** The least role the route needs; default `viewer` for GET, `operator` for any other method. */
    role?: Role;
  }
  interface FastifyRequest {
    /** Who is acting, for audit rows and alert actions: the authenticated identity. */
    actor: string;
    /** Who the request comes from, once authenticated (`nobody` when the monitor has no authentication). */
    principal: Principal | undefined;
  }
}

export const LIVE_PATH = '/api/v1/live';
/** What the dashboard needs before sign-in (whether a token is required); nothing secret. */
export const INFO_PATH = '/api/v1/info';
/** The OpenAPI document: no data in it, so served without the token. */
export const OPENAPI_PATH = '/api/v1/openapi.json';
/** Where CSRF's value goes on a cookie-authenticated write. */
export const CSRF_HEADER = 'x-csrf-token';

/** Route options for a route anyone may call. */
export const open = { config: { access: 'open' as const } };
/** Route options for a route only admins may call. */
export const adminOnly = { config: { role: 'admin' as const } };

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The least role of a route: declared, else viewer to read and operator to write. */
export const roleOf = (method: string, declared: Role | undefined): Role =>
  declared ?? (READS.has(method.toUpperCase()) ? 'viewer' : 'operator');

/** The access a request's route declares; a request that matched no route reaches only the not-found handler. */
export const accessOf = (req: FastifyRequest): Access =>
  req.routeOptions.url === undefined ? 'open' : (req.routeOptions.config.access ?? 'token');

/** True when the monitor asks for authentication: an api_token, trusted header auth, or any user. */
export async function authRequired(monitor: Monitor): Promise<boolean> {
  const c = monitor.config;
  return Boolean(c.api_token) || c.auth_proxy_header !== undefined || (await monitor.users.anyUsers());
}

/** The live socket's check: the principal of its request, or `?token=` (on this route only). */
export async function liveAuthorised(req: FastifyRequest, monitor: Monitor): Promise<boolean> {
  if (req.principal !== undefined) return req.principal.servers === null;
  const query = req.query as Record<string, unknown> | undefined;
  if (typeof query?.token !== 'string') return false;
  const p = await identify(monitor, { authorization: `Bearer ${query.token}` }, undefined);
  return p !== undefined && p.servers === null;
}

/**
 * Every route but the open ones requires a principal with the route's role (the live socket
 * checks its own after the upgrade). Sets `req.principal` and `req.actor` ("api-token",
 * a user's name, "anonymous" when no authentication is configured).
 */
export function registerAuth(app: FastifyInstance, monitor: Monitor): void {
  app.decorateRequest('actor', 'anonymous');
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (req) => {
    const found = await identify(monitor, req.headers, req.socket.remoteAddress);
    const principal = found ?? ((await authRequired(monitor)) ? undefined : nobody);
    req.principal = principal;
    if (principal) req.actor = principal.name;
    const access = accessOf(req);
    if (access !== 'token') return;
    if (principal === undefined)
      throw new AppError(
        'unauthorised',
        'this API requires authentication: sign in, or send Authorization: Bearer <token>',
      );
    if (principal.servers !== null)
      throw new AppError(
        'forbidden',
        'this token is scoped to the gateway of some servers (/mcp/<server>) and cannot call the API',
      );
    const needed = roleOf(req.method, req.routeOptions.config.role);
    if (!atLeast(principal.role, needed))
      throw new AppError(
        'forbidden',
        `this needs the ${needed} role; ${principal.name} is ${principal.role}`,
      );
    if (principal.kind === 'session' && !READS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || principal.csrf === undefined || !sameSecret(sent, principal.csrf))
        throw new AppError(
          'forbidden',
          `a signed-in change needs the ${CSRF_HEADER} header (its value is in GET /api/v1/auth/me)`,
        );
    }
  });
}

/** An alert action's `by`: the signed-in user when there is one (a typed name only without users). */
export function asCaller<B extends { by?: string | undefined }>(req: FastifyRequest, body: B): B {
  return req.principal !== undefined && isUser(req.principal) ? { ...body, by: undefined } : body;
}

/** Whether the caller may add or change a stdio server (a command this monitor runs): admins only. */
export const mayRunCommands = (req: FastifyRequest): boolean =>
  req.principal !== undefined && atLeast(req.principal.role, 'admin');
