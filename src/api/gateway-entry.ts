/**
 * The gateway's door in front of Fastify's router: requests under /mcp/ are MCP (Streamable
 * HTTP), answered by the gateway; everything else goes on to Fastify. The same guards apply as
 * to the API: Host and Origin, a JSON body, and a Bearer token when the monitor asks for
 * authentication: a user's token scoped to this server (what MCP clients are given), an
 * unscoped token of an operator or admin, or the api_token. The monitor's token never travels on
 * to a server; with no authentication configured, the client's own Authorization header goes
 * through to the server as it came.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { replyAppError } from '../gateway/replies.js';
import { safeDecode } from '../gateway/addressing.js';
import type { Monitor } from '../monitor.js';
import { atLeast } from '../model/role.js';
import { authRequired } from './auth.js';
import { bearerOf, identify } from './identify.js';
import { isJson, type RequestGuard } from './request-guard.js';

const PREFIX = '/mcp/';

export function gatewayEntry(
  monitor: Monitor,
  guard: RequestGuard,
  log: FastifyBaseLogger,
): (
  req: IncomingMessage,
  res: ServerResponse,
  next: (req: IncomingMessage, res: ServerResponse) => void,
) => void {
  return (req, res, next) => {
    if (!(req.url ?? '').startsWith(PREFIX)) return next(req, res);
    const refused = guard(req.headers.host, req.headers.origin);
    if (refused !== undefined) return replyAppError(res, 403, 'forbidden', refused);
    authorise(monitor, req).then(
      (refusal) => {
        if (refusal === undefined) return forward(req, res, next);
        const [status, message] = refusal;
        replyAppError(res, status, status === 401 ? 'unauthorised' : 'forbidden', message, {
          ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
        });
      },
      (err: unknown) => {
        log.error({ err }, 'gateway authentication failed');
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  };

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    next: (req: IncomingMessage, res: ServerResponse) => void,
  ): void {
    if (req.method === 'POST' && !isJson(req.headers['content-type']))
      return replyAppError(
        res,
        415,
        'unsupported_media_type',
        'MCP messages are sent as Content-Type: application/json',
      );
    monitor.gateway.handle(req, res).then(
      (handled) => handled || next(req, res),
      (err: unknown) => {
        log.error({ err }, 'gateway failed');
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  }
}

/** Why this gateway request is refused (status, message), or undefined when it may go on. */
async function authorise(monitor: Monitor, req: IncomingMessage): Promise<[401 | 403, string] | undefined> {
  if (!(await authRequired(monitor))) return undefined;
  const bearer = bearerOf(req.headers.authorization);
  // Only a Bearer token here: a browser's cookie must not carry a page's requests to a server.
  const principal =
    bearer === undefined
      ? undefined
      : await identify(monitor, { authorization: req.headers.authorization }, undefined);
  if (principal === undefined)
    return [
      401,
      'the gateway requires a token as a Bearer token: a gateway token of this server (POST /api/v1/tokens with servers)',
    ];
  delete req.headers.authorization;
  const rawId = (req.url ?? '').slice(PREFIX.length).split(/[/?]/)[0] ?? '';
  const id = safeDecode(rawId);
  if (principal.servers !== null)
    return principal.servers.includes(id) ? undefined : [403, `this token is not for server "${id}"`];
  if (!atLeast(principal.role, 'operator'))
    return [403, `the gateway needs a token scoped to server "${id}", or the operator role`];
  return undefined;
}
