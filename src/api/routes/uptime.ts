import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import type { ServerUptime } from '../../uptime/index.js';
import { iso } from '../../shared/iso-time.js';
import { serverIdParams } from '../contract/common.js';
import {
  fleetUptime,
  fleetUptimeQuery,
  serverUptime,
  uptimeQuery,
  windowUptime,
  type ServerUptimeView,
} from '../contract/uptime.js';
import { sendCsv } from './csv.js';
import { operation } from './operation.js';

const op = operation('uptime');

const viewOf = (u: ServerUptime): ServerUptimeView => ({
  server_id: u.serverId,
  windows: u.windows.map((w) => ({
    window: w.window,
    from: new Date(w.from).toISOString(),
    to: new Date(w.to).toISOString(),
    uptime_percent: w.uptimePercent,
    up_seconds: w.upSeconds,
    down_seconds: w.downSeconds,
    checks: w.checks,
    failed_checks: w.failedChecks,
    requests: w.requests,
    request_success_percent: w.requestSuccessPercent,
  })),
  slo: u.slo && {
    target: u.slo.target,
    window: u.slo.window,
    uptime_percent: u.slo.uptimePercent,
    error_budget_remaining_percent: u.slo.errorBudgetRemainingPercent,
    error_budget_remaining_seconds: u.slo.errorBudgetRemainingSeconds,
    burn_rate: u.slo.burnRate,
  },
});

export function uptimeRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { uptime, registry, config } = monitor;

  api.get(
    '/api/v1/servers/:id/uptime',
    op('serverUptime', 'Uptime per window (from checks), request success, SLO error budget', {
      params: serverIdParams,
      querystring: uptimeQuery,
      response: { 200: serverUptime },
    }),
    async (req, reply) => {
      const view = viewOf(await uptime.forServer(req.params.id, req.query.windows));
      if (req.query.format !== 'csv') return view;
      return sendCsv(reply, `uptime-${view.server_id}.csv`, view.windows, Object.keys(windowUptime.shape));
    },
  );

  api.get(
    '/api/v1/uptime',
    op(
      'fleetUptime',
      "Every server's uptime per window and its latest checks (the cards' heartbeat strips)",
      {
        querystring: fleetUptimeQuery,
        response: { 200: fleetUptime },
      },
    ),
    async (req) => {
      const { windows, heartbeats } = req.query;
      const [figures, beats] = await Promise.all([
        uptime.fleet(windows),
        heartbeats > 0
          ? uptime.heartbeats(null, heartbeats, config.health_check_interval)
          : Promise.resolve(new Map<string, never[]>()),
      ]);
      return {
        servers: registry.list().map((s) => ({
          server_id: s.id,
          uptime: figures.get(s.id) ?? {},
          heartbeats: (beats.get(s.id) ?? []).map((b) => ({ at: iso(b.at), status: b.status, ok: b.ok })),
        })),
      };
    },
  );
}
