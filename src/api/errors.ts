import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorStatus, type ErrorCode } from '../shared/errors.js';
import { isStoreFull, storeFullCause } from '../store/store-health.js';

function codeFor(err: FastifyError): { code: ErrorCode; status: number; message: string } {
  if (err instanceof AppError) return { code: err.code, status: errorStatus[err.code], message: err.message };
  if (isStoreFull(err))
    return {
      code: 'unavailable',
      status: 503,
      message: `the store cannot be written (${storeFullCause(err)}): free disk space; try again then`,
    };
  const status = err.statusCode ?? 500;
  if (status === 413) return { code: 'payload_too_large', status, message: err.message };
  if (status === 415) return { code: 'unsupported_media_type', status, message: err.message };
  if (status === 400 && /JSON/i.test(`${err.code} ${err.message}`))
    return { code: 'invalid_json', status, message: `the body is not valid JSON: ${err.message}` };
  if (status >= 400 && status < 500) return { code: 'validation_failed', status, message: err.message };
  return { code: 'internal', status: 500, message: 'internal error; see the server log' };
}

/**
 * One handler maps every error to `{ error: { code, message, details, request_id } }`. Register it
 * before the routes: Fastify binds a route to the error handler in place when the route is added.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { code, status, message } = codeFor(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    const details = err instanceof AppError ? (err.details ?? null) : null;
    return reply.status(status).send({ error: { code, message, details, request_id: req.id } });
  });
}

/**
 * Errors Fastify raises before routing (a malformed URL such as `/%zz`: FST_ERR_BAD_URL), in the
 * same envelope as every other error.
 */
export const frameworkErrors = (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
  const { code, status, message } = codeFor(err);
  void reply.status(status).send({ error: { code, message, details: null, request_id: req.id } });
};

/** Unknown routes: a 404 in the same shape, unless `fallback` answers (the dashboard's deep links). */
export function registerNotFound(
  app: FastifyInstance,
  fallback?: (req: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined,
): void {
  app.setNotFoundHandler(
    (req, reply) =>
      fallback?.(req, reply) ??
      reply.status(404).send({
        error: {
          code: 'not_found',
          message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}`,
          details: null,
          request_id: req.id,
        },
      }),
  );
}
