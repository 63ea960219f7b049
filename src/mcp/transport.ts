/**
 * A way of reaching an MCP server — stdio, Streamable HTTP, legacy HTTP+SSE — as one member of a
 * family (`transports/`, one file each, in a registry that fails to compile when one is missing).
 * Everything that differs by transport is here: the fields of a server input, the spec made of
 * them, its secrets, what the API shows, the endpoint in words, the checker's session, where CPU
 * and memory come from, and how the gateway carries traffic. Adding a transport = adding a file.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ProbeTarget, ServerSession, SessionHooks } from '../model/probe.js';
import type { ServerSpec, Transport } from '../model/server.js';
import type { AnswerLimit } from '../shared/answer-limit.js';
import type { ProbeOptions } from './probe-options.js';
import type { Upstream } from './upstream/upstream.js';

export type SpecOf<T extends Transport> = Extract<ServerSpec, { transport: T }>;
export type TargetOf<T extends Transport> = Extract<ProbeTarget, { transport: T }>;

/** What the gateway gives a member to make an upstream. */
export interface UpstreamContext {
  /** The most held of one message (`gateway_max_message_bytes`). */
  limit: AnswerLimit;
  log: Logger;
  /** This monitor's Via entry for the server (shared/loop-guard.ts). */
  via: string;
  /** The client's Authorization header (forwarded when the server has none configured). */
  authorization: string | undefined;
  /** How long a shared upstream of session-less exchanges lives unused. */
  sharedIdleMs: number;
}

/** An upstream that several session-less exchanges share (one child process): a view each. */
export interface SharedUpstream {
  view(): Upstream;
  close(): Promise<void>;
}

/** How the gateway carries a transport's traffic. */
export type GatewayCarriage<T extends Transport> =
  /** Proxied at the HTTP level (`gateway/http-proxy/`): bytes, status and headers pass through. */
  | { kind: 'http-proxy'; target(spec: SpecOf<T>): { url: string; headers: Record<string, string> } }
  /** Through an SDK transport: an upstream per client session, and one for session-less exchanges. */
  | {
      kind: 'sdk';
      /** Each client session runs a process of its own (bounded by `gateway_max_stdio_sessions`). */
      processPerSession: boolean;
      session(spec: SpecOf<T>, ctx: UpstreamContext, onEnded: () => void): Upstream;
      /** Session-less exchanges: one upstream each, or a shared one (made once per spec). */
      exchange:
        | { shared: false; make(spec: SpecOf<T>, ctx: UpstreamContext): Upstream }
        | { shared: true; make(spec: SpecOf<T>, ctx: UpstreamContext): SharedUpstream };
    };

export interface TransportMember<T extends Transport> {
  transport: T;
  /** The fields this transport adds to a server input (API body, config entry), as zod. */
  inputShape: z.ZodRawShape;
  /** Their names: a PATCH that switches transport drops the old transport's. */
  inputFields: readonly string[];
  /** A stdio server is a command this monitor runs (`allow_stdio_servers_from_api`). */
  runsCommand: boolean;
  /** The spec from a validated input's own fields. */
  specOf(input: Record<string, unknown>): SpecOf<T>;
  /** Its input fields back from a spec, secrets included (the base a PATCH is applied to). */
  inputOf(spec: SpecOf<T>): Record<string, unknown>;
  /** A PATCHed input keeps the stored secret wherever the client sent the marker back. */
  keepRedacted(input: Record<string, unknown>, previous: SpecOf<T>): Record<string, unknown>;
  /** Every secret value, for the scrubber. */
  secretValues(spec: SpecOf<T>): string[];
  /** The spec with `fn` applied to each secret value (how the store seals and opens them). */
  mapSecrets(spec: SpecOf<T>, fn: (value: string) => string): SpecOf<T>;
  /** Its fields as the API shows them, secrets as the marker. */
  view(spec: SpecOf<T>): Record<string, unknown>;
  /** The endpoint a person reads: the URL, or the command line. */
  endpoint(spec: SpecOf<T>): string;
  /** The probe's view of the server: secrets resolved to their values. */
  probeTarget(spec: SpecOf<T>): TargetOf<T>;
  /** The checker's long-lived session with the server. */
  openSession(target: TargetOf<T>, hooks: SessionHooks | undefined, options: ProbeOptions): ServerSession;
  /** Where CPU and memory come from: the child process, the server's Prometheus endpoint, nowhere. */
  processSource(spec: SpecOf<T>): { kind: 'child' } | { kind: 'prometheus'; url: string } | undefined;
  gateway: GatewayCarriage<T>;
}
