import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import { AppError } from '../../shared/errors.js';
import { nobody, type Principal } from '../../users/index.js';
import { adminOnly, open } from '../auth.js';
import { idParams, noContent } from '../contract/common.js';
import {
  auditList,
  auditQuery,
  loginInput,
  meView,
  tokenCreated,
  tokenInput,
  tokenList,
  tokenListQuery,
  userInput,
  userList,
  userPatch,
  userView,
} from '../contract/users.js';
import { cookieOf, SESSION_COOKIE } from '../identify.js';
import { queryRange } from './query-range.js';
import { operation } from './operation.js';

/** Any signed-in user may read who they are, sign out and keep their own tokens. */
const anyUser = { config: { role: 'viewer' as const } };
/** The users part writes these changes' audit rows itself, with before and after. */
const adminAudited = { config: { role: 'admin' as const, audit: false } };
const anyUserAudited = { config: { role: 'viewer' as const, audit: false } };
const WEEK_MS = 7 * 86_400_000;

const me = (p: Principal) => ({ user: p.name, role: p.role, kind: p.kind, csrf_token: p.csrf ?? null });

/** Users (admin), sign-in and sign-out, who am I, API tokens, and the audit log (admin). */
export function userRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { users } = monitor;
  const op = operation('users');
  const principalOf = (req: FastifyRequest): Principal => req.principal ?? nobody;

  api.get(
    '/api/v1/users',
    { ...adminOnly, ...op('listUsers', 'Users and their roles', { response: { 200: userList } }) },
    async () => ({
      users: await users.list(),
    }),
  );
  api.post(
    '/api/v1/users',
    {
      ...adminAudited,
      ...op('createUser', 'Adds a user (password: at least 12 characters)', {
        body: userInput,
        response: { 201: userView },
      }),
    },
    async (req, reply) => reply.status(201).send(await users.add(req.body, req.actor)),
  );
  api.patch(
    '/api/v1/users/:id',
    {
      ...adminAudited,
      ...op('updateUser', "Changes a user's role or password (the last admin stays admin)", {
        params: idParams,
        body: userPatch,
        response: { 200: userView },
      }),
    },
    async (req) => users.update(req.params.id, req.body, req.actor),
  );
  api.delete(
    '/api/v1/users/:id',
    {
      ...adminAudited,
      ...op('deleteUser', 'Removes a user with their sessions and tokens (never the last admin)', {
        params: idParams,
        response: { 204: noContent },
      }),
    },
    async (req, reply) => {
      await users.remove(req.params.id, req.actor);
      return reply.status(204).send();
    },
  );

  const auth = operation('auth');
  api.post(
    '/api/v1/auth/login',
    {
      ...open,
      ...auth('login', 'Signs in: sets the session cookie (HttpOnly, SameSite=Lax)', {
        body: loginInput,
        response: { 200: meView },
      }),
    },
    async (req, reply) => {
      const client = req.socket.remoteAddress ?? 'unknown';
      try {
        const { secret, principal } = await users.login(req.body.username, req.body.password, client);
        req.actor = principal.name;
        req.principal = principal;
        void reply.header(
          'set-cookie',
          sessionCookie(monitor, req, secret, monitor.config.session_lifetime_hours * 3600),
        );
        return me(principal);
      } catch (err) {
        if (err instanceof AppError && err.code === 'too_many_requests')
          void reply.header('retry-after', String((err.details as { retry_after_s: number }).retry_after_s));
        throw err;
      }
    },
  );
  api.post(
    '/api/v1/auth/logout',
    { ...anyUser, ...auth('logout', 'Signs out: ends the session', { response: { 204: noContent } }) },
    async (req, reply) => {
      const secret = cookieOf(req.headers.cookie, SESSION_COOKIE);
      if (secret) await users.logout(secret);
      return reply
        .header('set-cookie', sessionCookie(monitor, req, '', 0))
        .status(204)
        .send();
    },
  );
  api.get(
    '/api/v1/auth/me',
    {
      ...anyUser,
      ...auth('me', 'Who is calling, their role and the CSRF value', { response: { 200: meView } }),
    },
    (req) => me(principalOf(req)),
  );

  const tokens = operation('tokens');
  api.get(
    '/api/v1/tokens',
    {
      ...anyUser,
      ...tokens('listTokens', "Your API tokens (admins: everyone's with all=true)", {
        querystring: tokenListQuery,
        response: { 200: tokenList },
      }),
    },
    async (req) => ({ tokens: await users.tokens(principalOf(req), req.query.all ?? false) }),
  );
  api.post(
    '/api/v1/tokens',
    {
      ...anyUserAudited,
      ...tokens('createToken', 'Makes an API or gateway token; the secret is in this answer only', {
        body: tokenInput,
        response: { 201: tokenCreated },
      }),
    },
    async (req, reply) => {
      const { expires_at, ...rest } = req.body;
      const made = await users.createToken(principalOf(req), {
        ...rest,
        ...(expires_at === undefined ? {} : { expires_at: Date.parse(expires_at) }),
      });
      return reply.status(201).send(made);
    },
  );
  api.delete(
    '/api/v1/tokens/:id',
    {
      ...anyUserAudited,
      ...tokens('deleteToken', 'Revokes a token', { params: idParams, response: { 204: noContent } }),
    },
    async (req, reply) => {
      await users.revokeToken(principalOf(req), req.params.id);
      return reply.status(204).send();
    },
  );

  api.get(
    '/api/v1/audit',
    {
      ...adminOnly,
      ...operation('audit')('listAudit', 'Who did what and when, newest first', {
        querystring: auditQuery,
        response: { 200: auditList },
      }),
    },
    async (req) => {
      const { from, to } = queryRange(req.query, { defaultMs: WEEK_MS });
      const rows = await users.readAudit({
        from,
        to,
        limit: req.query.limit,
        ...(req.query.actor === undefined ? {} : { actor: req.query.actor }),
        ...(req.query.target === undefined ? {} : { target: req.query.target }),
      });
      return { entries: rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() })) };
    },
  );
}

/** The session cookie: HttpOnly, SameSite=Lax, Secure when the dashboard is reached over https. */
function sessionCookie(monitor: Monitor, req: FastifyRequest, secret: string, maxAgeS: number): string {
  const secure = req.protocol === 'https' || monitor.config.public_url?.startsWith('https:') === true;
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}
