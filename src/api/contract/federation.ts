/** `/api/v1/federation/…` (DESIGN §6): peers, this instance's summary, the federated view and its series. */
import { z } from 'zod';
import {
  FEDERATION_METRICS,
  INSTANCE_STATUSES,
  federationSummary as summarySchema,
  serversByStatus,
} from '../../model/peer.js';
import { queryTime } from './common.js';

/** The bodies of POST and PATCH /api/v1/federation/peers: the peer's own schemas (the config file's too). */
export { peerInputSchema as peerInput, peerPatchSchema as peerPatch } from '../../model/peer.js';
export type { PeerInput, PeerPatch, FederationSummary } from '../../model/peer.js';

export const peerIdParams = z.object({ id: z.string().min(1).max(100) });

/** A peer as the API shows it: its token never, only whether one is stored. */
export const peerView = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  enabled: z.boolean(),
  has_token: z.boolean(),
  /** `config`: from the config file's federation_peers (read-only here). */
  source: z.enum(['api', 'config']),
  /** Epoch ms. */
  created_at: z.number(),
  updated_at: z.number(),
});
export type PeerView = z.infer<typeof peerView>;
export const peerList = z.object({ peers: z.array(peerView) });
export type PeerList = z.infer<typeof peerList>;

export const federationSummary = summarySchema;

const linkHealth = z.object({
  /** Epoch ms of the last poll answered. */
  last_success: z.number().nullable(),
  /** How long the last answered poll took, ms; null after a failed one. */
  latency_ms: z.number().nullable(),
  consecutive_failures: z.number().int(),
  last_error: z.string().nullable(),
});

export const instanceView = z.object({
  /** The peer's id (its drill-in path), or this instance's id for the local one. */
  id: z.string(),
  instance_id: z.string().nullable(),
  name: z.string(),
  url: z.string(),
  local: z.boolean(),
  status: z.enum(INSTANCE_STATUSES),
  /** The link to the peer; null for the local instance. */
  link: linkHealth.nullable(),
  servers_by_status: serversByStatus,
  rps: z.number().nullable(),
  error_rate: z.number().nullable(),
  p95: z.number().nullable(),
  /** Instances its figures cover: 1 for a leaf, more for a hub. */
  covers: z.number().int(),
});
export type InstanceView = z.infer<typeof instanceView>;

export const federatedView = z.object({
  instances: z.array(instanceView),
  totals: z.object({
    servers_by_status: serversByStatus,
    rps: z.number(),
    error_rate: z.number().nullable(),
    /** Percentiles of the last 5 minutes, merged from every instance's sketch (never averaged). */
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    p99: z.number().nullable(),
    /** Distinct instances covered, each counted once. */
    instances: z.number().int(),
  }),
  /** Error groups of the last hour merged across instances by fingerprint, busiest first. */
  errors: z.array(
    z.object({
      fingerprint: z.string(),
      title: z.string(),
      count: z.number(),
      instances: z.array(z.object({ id: z.string(), name: z.string(), count: z.number() })),
    }),
  ),
});
export type FederatedView = z.infer<typeof federatedView>;

export const federationMetricsQuery = z.object({
  metric: z.enum(FEDERATION_METRICS),
  from: queryTime.optional(),
  to: queryTime.optional(),
});

const point = z.object({ t: z.number(), v: z.number().nullable() });
export const federationMetrics = z.object({
  metric: z.enum(FEDERATION_METRICS),
  series: z.array(z.object({ id: z.string(), name: z.string(), local: z.boolean(), points: z.array(point) })),
  /** The fleet's totals at each of this instance's samples. */
  fleet: z.array(point),
});
export type FederationMetrics = z.infer<typeof federationMetrics>;
