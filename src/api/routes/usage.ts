import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Monitor } from '../../monitor.js';
import { operation } from './operation.js';
import { queryRange } from './query-range.js';
import { DAY_MS } from '../../metrics/aggregate/bucket.js';
import { canonicalTimeZone, isTimeZone } from '../../metrics/read/time-zone.js';
import { serverIdParams } from '../contract/common.js';
import { usageQuery, usageReport, type UsageReport } from '../contract/usage.js';
import { sendCsv } from './csv.js';

/**
 * The contract's query with the time zone checked against the zones this runtime knows and
 * made canonical: what the names are depends on the runtime's `Intl`, not on the contract.
 */
const query = usageQuery.extend({
  time_zone: usageQuery.shape.time_zone
    .unwrap()
    .refine(isTimeZone, { error: 'not a time zone: expected an IANA name such as Europe/Berlin, or UTC' })
    .transform(canonicalTimeZone)
    .optional(),
});

/** At most this long a range: the day tier's retention. */
const MAX_RANGE_MS = 400 * DAY_MS;

/** [from, to) defaulting to the last 30 days; a bad range names the field. */
function rangeOf(q: z.output<typeof query>) {
  return {
    ...queryRange(q, { defaultMs: 30 * DAY_MS, maxMs: MAX_RANGE_MS }),
    limit: q.limit,
    timeZone: q.time_zone,
  };
}

const op = operation('usage');

/** A report as JSON, or one of its tables as CSV. */
function answer(report: UsageReport, q: z.output<typeof query>, reply: FastifyReply) {
  if (q.format !== 'csv') return report;
  const name = `usage-${report.server_id ?? 'fleet'}-${q.table}.csv`;
  const columns = Object.keys(usageReport.shape[q.table].element.shape);
  return sendCsv(reply, name, report[q.table], columns);
}

/** Usage analytics for the capacity planner: one server's, and the fleet's. */
export function usageRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { registry, metrics } = monitor;

  api.get(
    '/api/v1/servers/:id/usage',
    op('serverUsage', "A server's usage for capacity planning", {
      params: serverIdParams,
      querystring: query,
      response: { 200: usageReport },
    }),
    async (req, reply) => {
      registry.get(req.params.id);
      return answer(
        await metrics.usage({ serverId: req.params.id, ...rangeOf(req.query) }),
        req.query,
        reply,
      );
    },
  );

  api.get(
    '/api/v1/usage',
    op('fleetUsage', "The fleet's usage for capacity planning", {
      querystring: query,
      response: { 200: usageReport },
    }),
    async (req, reply) => answer(await metrics.usage(rangeOf(req.query)), req.query, reply),
  );
}
