import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Monitor } from '../../monitor.js';
import { clusterAnswer } from '../contract/cluster.js';
import { iso } from '../../shared/iso-time.js';
import { operation } from './operation.js';

const op = operation('cluster');

/** `GET /api/v1/cluster`: the instances, the leader, the servers each probes (the cluster part answers). */
export function clusterRoutes(app: FastifyInstance, monitor: Monitor): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/v1/cluster',
    op('cluster', 'The instances sharing the store, the leader, and the servers each probes', {
      response: { 200: clusterAnswer },
    }),
    async () => ({
      mode: monitor.cluster.shared ? ('shared' as const) : ('single' as const),
      heartbeat_interval_s: monitor.config.cluster_heartbeat_interval,
      instances: (await monitor.cluster.instances()).map((i) => ({
        ...i,
        started_at: iso(i.started_at),
        heartbeat_at: iso(i.heartbeat_at),
      })),
    }),
  );
}
