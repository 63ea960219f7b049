/**
 * Every change made through the API is in the audit log, whoever added the route: after a
 * successful write (any method but GET/HEAD/OPTIONS, answered below 400) one row with the actor,
 * the operation (its OpenAPI operationId), the target (the `:id` of the path, else the `id` of
 * the answer) and the body, secrets redacted. Parts add their own rows with before and after
 * where they know them (users, tokens, servers). A route that writes data rather than making a
 * change (ingest) declares `config: { audit: false }`.
 */
import type { FastifyInstance } from 'fastify';
import type { Monitor } from '../monitor.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: not recorded in the audit log (data writes such as ingest, not changes). */
    audit?: boolean;
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function idOf(payload: unknown): string | null {
  if (typeof payload !== 'string' || payload.length > 65_536 || !payload.startsWith('{')) return null;
  try {
    const id = (JSON.parse(payload) as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  } catch {
    return null;
  }
}

export function registerAuditHook(app: FastifyInstance, monitor: Monitor): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const url = req.routeOptions.url;
    if (url === undefined || !url.startsWith('/api/') || READS.has(req.method)) return payload;
    if (reply.statusCode >= 400 || req.routeOptions.config.audit === false) return payload;
    const params = req.params as Record<string, unknown> | undefined;
    const target =
      typeof params?.id === 'string' || typeof params?.id === 'number' ? String(params.id) : idOf(payload);
    const operationId = req.routeOptions.schema?.operationId;
    try {
      await monitor.users.audit(req.actor, operationId ?? `${req.method} ${url}`, target, {
        method: req.method,
        route: url,
        status: reply.statusCode,
        ...(req.body === undefined ? {} : { body: req.body }),
      });
    } catch (err) {
      req.log.error({ err }, 'the audit row could not be written');
    }
    return payload;
  });
}
