/**
 * The cluster (`GET /api/v1/cluster`, DESIGN §13): the instances sharing the store, which one
 * leads, and the servers each probes. On SQLite: the one instance, leading, with every server.
 */
import { z } from 'zod';

export const clusterInstance = z.object({
  id: z.string(),
  name: z.string(),
  /** Where it serves (its listening address). */
  address: z.string(),
  version: z.string(),
  started_at: z.iso.datetime(),
  heartbeat_at: z.iso.datetime(),
  /** Its heartbeat is newer than 3 heartbeat intervals. */
  live: z.boolean(),
  /** It runs alert evaluation, roll-ups and retention now. */
  leader: z.boolean(),
  /** The instance that answered. */
  self: z.boolean(),
  /** Ids of the servers it probes (holds the lease of). */
  servers: z.array(z.string()),
});

export const clusterAnswer = z.object({
  /** `single`: SQLite, one instance per store; `shared`: instances on one PostgreSQL. */
  mode: z.enum(['single', 'shared']),
  heartbeat_interval_s: z.number(),
  instances: z.array(clusterInstance),
});
export type ClusterAnswer = z.output<typeof clusterAnswer>;
