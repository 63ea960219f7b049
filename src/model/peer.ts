/**
 * Federation (DESIGN §6): a peer (another instance this one polls), and the summary every
 * instance serves — the shape a hub validates a peer's answer against, and the API answers with.
 */
import { z } from 'zod';

/** Longest peer URL accepted (a base URL; nothing legitimate comes near it). */
export const PEER_URL_MAX = 2048;

/** A peer's base URL: http(s), no credentials, query or fragment; trailing slashes dropped. */
export const peerUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(PEER_URL_MAX)
  .refine((u) => {
    const url = new URL(u);
    return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  }, 'must be a base URL without credentials, query or fragment (the token goes in `token`)')
  .transform((u) => u.replace(/\/+$/, ''));

const peerName = z.string().trim().min(1).max(255);
/** The peer's api_token (empty when the peer needs none). */
const peerToken = z.string().max(4096);

/** `POST /api/v1/federation/peers` body, and an entry of the config file's `federation_peers`. */
export const peerInputSchema = z
  .object({
    name: peerName,
    url: peerUrl,
    token: peerToken.default(''),
    enabled: z.boolean().default(true),
  })
  .strict();
export type PeerInput = z.output<typeof peerInputSchema>;

/** `PATCH /api/v1/federation/peers/:id` body: any subset of the fields. */
export const peerPatchSchema = z
  .object({ name: peerName, url: peerUrl, token: peerToken, enabled: z.boolean() })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give at least one field to change');
export type PeerPatch = z.output<typeof peerPatchSchema>;

/** How an instance is doing, as the federated view shows it. `unknown`: not polled yet. */
export const INSTANCE_STATUSES = ['healthy', 'degraded', 'unreachable', 'unknown'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Server statuses, counted per instance. */
export const SERVER_STATUSES = ['healthy', 'warning', 'critical', 'offline', 'disabled', 'unknown'] as const;

const count = z.number().int().min(0).max(1e12);
const rate = z.number().min(0).max(1e12);
/** Base64 of the sketch encoding (metrics/sketch/sketch-codec.ts); bounded: a sketch is a few KB. */
const sketch = z
  .string()
  .max(64 * 1024)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

export const serversByStatus = z.object(
  Object.fromEntries(SERVER_STATUSES.map((s) => [s, count])) as Record<
    (typeof SERVER_STATUSES)[number],
    typeof count
  >,
);
export type ServersByStatus = z.infer<typeof serversByStatus>;

const instanceRef = z.object({
  id: z.string().min(1).max(100),
  name: z.string().max(255),
  version: z.string().max(100),
});

/** Error groups a summary lists (the busiest of the last hour). */
export const TOP_ERRORS = 10;
/** Longest error title a summary carries. */
export const TITLE_MAX = 300;

export const topError = z.object({
  fingerprint: z.string().max(200),
  title: z.string().max(TITLE_MAX),
  count,
});
export type TopError = z.infer<typeof topError>;

/**
 * One instance's own figures (never its peers'): what a hub merges. A summary carries every
 * part it covers (its own and its peers', each instance once), so hubs compose without
 * counting an instance twice when two paths lead to it.
 */
export const instancePart = z.object({
  instance: instanceRef,
  /** When these figures were read, epoch ms (the newest copy of a part wins). */
  at: z.number().int().min(0),
  servers_by_status: serversByStatus,
  /** Requests per second, requests and failed requests over the last 5 minutes. */
  rps: rate,
  requests: count,
  errors: count,
  active_alerts: count,
  critical_alerts: count,
  sketch_5m: sketch,
  sketch_1h: sketch,
  top_errors: z.array(topError).max(TOP_ERRORS),
});
export type InstancePart = z.infer<typeof instancePart>;

/** Most parts a summary carries (a hub of hubs of this many instances). */
export const MAX_PARTS = 1000;

/** `GET /api/v1/federation/summary`: the figures over every instance covered (this one and its peers'). */
export const federationSummary = z.object({
  instance: instanceRef,
  servers_by_status: serversByStatus,
  /** Requests per second over the last 5 minutes. */
  rps: rate,
  /** Failed requests / requests over the last 5 minutes, %; null without requests. */
  error_rate: z.number().min(0).max(100).nullable(),
  latency: z.object({
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    p99: z.number().nullable(),
    sketch_5m: sketch,
    sketch_1h: sketch,
  }),
  /** Alerts firing now, and how many of them are critical. */
  active_alerts: count,
  critical_alerts: count,
  top_errors: z.array(topError).max(TOP_ERRORS),
  /** Each instance covered, once, with its own figures. */
  parts: z.array(instancePart).max(MAX_PARTS),
});
export type FederationSummary = z.infer<typeof federationSummary>;

/** The metrics of `GET /api/v1/federation/metrics`: per instance, from each poll. */
export const FEDERATION_METRICS = ['rps', 'error_rate', 'p50', 'p95', 'p99'] as const;
export type FederationMetric = (typeof FEDERATION_METRICS)[number];
