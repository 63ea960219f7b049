/**
 * Who may run a route. Decided on the route Fastify matched (`req.routeOptions`), never on the
 * raw URL: the router decodes the path (`/%61pi/v1/servers` is `/api/v1/servers`), so a check of
 * the raw text and the route that runs could disagree. Every route asks for the token unless it
 * declares `config: { access: 'open' }`; a request that matches no route reaches only the
 * not-found handler (a 404, or the dashboard's page), which holds no data.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.js';

/**
 * `token` (the default): the api_token as `Authorization: Bearer`. `open`: no data behind it.
 * `live`: the WebSocket, whose token comes as `?token=` (browsers cannot set headers on a
 * WebSocket) and is checked after the upgrade, so that a browser learns why (close code 4401).
 */
export type Access = 'open' | 'token' | 'live';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Who is acting, for audit rows and alert actions: the authenticated identity. */
    actor: string;
  }
}

export const LIVE_PATH = '/api/v1/live';
/** What the dashboard needs before sign-in (whether a token is required); nothing secret. */
export const INFO_PATH = '/api/v1/info';
/** The OpenAPI document: no data in it, so served without the token. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

/** Route options for a route anyone may call. */
export const open = { config: { access: 'open' as const } };

const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const bearer = (authorization: string | undefined): string | undefined =>
  authorization?.startsWith('Bearer ') === true ? authorization.slice(7).trim() : undefined;

/** For raw requests (the gateway): true when no token is configured or the Bearer header carries it. */
export function tokenMatches(authorization: string | undefined, apiToken: string | undefined): boolean {
  if (!apiToken) return true;
  const token = bearer(authorization);
  return token !== undefined && equal(token, apiToken);
}

/** The live socket's check: the Bearer header, or `?token=` (on this route only). */
export function liveAuthorised(req: FastifyRequest, apiToken: string | undefined): boolean {
  if (!apiToken) return true;
  const query = req.query as Record<string, unknown> | undefined;
  const token =
    bearer(req.headers.authorization) ?? (typeof query?.token === 'string' ? query.token : undefined);
  return token !== undefined && equal(token, apiToken);
}

/** The access a request's route declares; a request that matched no route reaches only the not-found handler. */
export const accessOf = (req: FastifyRequest): Access =>
  req.routeOptions.url === undefined ? 'open' : (req.routeOptions.config.access ?? 'token');

/**
 * With `api_token` set, every route but the open ones requires it (the live socket checks it
 * itself after the upgrade). Sets `req.actor`: "api-token" for a request that carried the token,
 * "anonymous" when no authentication is configured.
 */
export function registerAuth(app: FastifyInstance, apiToken: string | undefined): void {
  app.decorateRequest('actor', 'anonymous');
  if (!apiToken) return;
  app.addHook('onRequest', (req, _reply, done) => {
    if (tokenMatches(req.headers.authorization, apiToken)) {
      req.actor = 'api-token';
      return done();
    }
    const access = accessOf(req);
    if (access !== 'token') return done();
    done(new AppError('unauthorised', 'this API requires a token: send Authorization: Bearer <api_token>'));
  });
}
