import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ingestBatch, toRequestEvent } from '../../metrics/ingest/ingest-schema.js';
import type { Monitor } from '../../monitor.js';
import { operation } from './operation.js';
import { AppError, validationError } from '../../shared/errors.js';
import { ingestAccepted, prometheusText } from '../contract/ingest.js';

const MAX_BODY = 8 * 1024 * 1024;
/** The request bodies of ingest batches, as they came (the journal keeps those bytes). */
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/** `POST /api/v1/ingest/events`: servers that report themselves send batches of request events. */
export function ingestRoutes(app: FastifyInstance, monitor: Monitor): void {
  void app.register((plugin, _options, done) => {
    const ingest = plugin.withTypeProvider<ZodTypeProvider>();
    // The body as it came is what the journal keeps (metrics/journal.ts): parsed as usual, bytes kept.
    const parseJson = ingest.getDefaultJsonParser('error', 'ignore');
    ingest.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: MAX_BODY },
      (req, body, done) => {
        rawBodies.set(req, body as Buffer);
        // Fastify's JSON parser answers through `done` (its typing also allows a promise, never given).
        void parseJson(req, (body as Buffer).toString('utf8'), done);
      },
    );
    ingest.post(
      '/api/v1/ingest/events',
      {
        bodyLimit: MAX_BODY,
        config: { audit: false }, // data, not a change: it would flood the audit log
        ...operation('ingest')('ingestEvents', 'Request events reported by servers themselves', {
          body: ingestBatch,
          response: { 202: ingestAccepted.describe('Accepted: every event was kept') },
        }),
      },
      async (req, reply) => {
        const { events } = req.body;
        const unknown = events.flatMap((e, i) =>
          monitor.registry.find(e.server)
            ? []
            : [{ field: `events.${i}.server`, message: `unknown server "${e.server}"` }],
        );
        if (unknown.length > 0) throw validationError(unknown.slice(0, 20));
        const batch = events.map((e) => toRequestEvent(e, e.server));
        try {
          // Kept (journaled) before it is acknowledged: a 202 survives a crash.
          if (monitor.sink.recordBatch) monitor.sink.recordBatch(batch, rawBodies.get(req));
          else for (const e of batch) monitor.sink.record(e);
        } catch (err) {
          throw new AppError('unavailable', `the events were not accepted: ${(err as Error).message}`);
        }
        return reply.status(202).send({ accepted: events.length });
      },
    );
    done();
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/metrics',
    operation('service')(
      'prometheusMetrics',
      'Prometheus exposition of the fleet and the monitor (text format)',
      {
        response: {
          200: {
            description: 'Prometheus text exposition',
            content: { 'text/plain': { schema: prometheusText } },
          },
        },
      },
    ),
    async (_req, reply) => reply.type(monitor.prometheus.contentType).send(await monitor.prometheus.text()),
  );
}
