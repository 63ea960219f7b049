/**
 * The gateway's door in front of Fastify's router: requests under /mcp/ are MCP (Streamable
 * HTTP), answered by the gateway; everything else goes on to Fastify. The same guards apply as
 * to the API: Host and Origin, a JSON body, and the api_token (the monitor's own token never
 * travels on to a server).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { replyAppError } from '../gateway/replies.js';
import type { Monitor } from '../monitor.js';
import { tokenMatches } from './auth.js';
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
  const apiToken = monitor.config.api_token;
  return (req, res, next) => {
    if (!(req.url ?? '').startsWith(PREFIX)) return next(req, res);
    const refused = guard(req.headers.host, req.headers.origin);
    if (refused !== undefined) return replyAppError(res, 403, 'forbidden', refused);
    if (!tokenMatches(req.headers.authorization, apiToken))
      return replyAppError(res, 401, 'unauthorised', 'the gateway requires the api_token as a Bearer token', {
        'www-authenticate': 'Bearer',
      });
    if (req.method === 'POST' && !isJson(req.headers['content-type']))
      return replyAppError(
        res,
        415,
        'unsupported_media_type',
        'MCP messages are sent as Content-Type: application/json',
      );
    if (apiToken) delete req.headers.authorization;
    monitor.gateway.handle(req, res).then(
      (handled) => handled || next(req, res),
      (err: unknown) => {
        log.error({ err }, 'gateway failed');
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  };
}
