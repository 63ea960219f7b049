/**
 * The client requests of one channel that are waiting for an answer, and the request event
 * each becomes once answered (or failed, timed out, cancelled).
 */
import type { JSONRPCRequest, RequestId } from '@modelcontextprotocol/client';
import type { Logger } from 'pino';
import type { RequestEvent, RequestEventSink } from '../model/request-event.js';
import { idKey, isModernVersion, jsonBytes, metaOf } from '../mcp/json-rpc.js';
import {
  claimedVersionOf,
  clientInfoOf,
  endpointOf,
  type ClientInfo,
  type OutcomeDetails,
} from './request-events.js';

export interface Tracked {
  readonly id: RequestId;
  readonly method: string;
  readonly endpoint: string;
  readonly startedAt: number;
  readonly t0: number;
  readonly bytesIn: number;
  readonly modern: boolean;
  readonly progressToken: string | number | undefined;
  clientInfo: ClientInfo | undefined;
  protocolVersion: string | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The client has been sent a response (the server's, or the gateway's error). */
  answered: boolean;
  /** The request event has been recorded. */
  recorded: boolean;
}

/** What the channel knows beyond the request itself. */
export interface ChannelFacts {
  serverId: string;
  sessionId(): string | null;
  clientInfo: ClientInfo | undefined;
  protocolVersion: string | undefined;
}

export class RequestTracker {
  private readonly waiting = new Map<string, Tracked>();

  constructor(
    private readonly facts: ChannelFacts,
    private readonly sink: RequestEventSink,
    private readonly log: Logger,
  ) {}

  /** `bytesIn` when the size is known (the raw body of a single message). */
  begin(request: JSONRPCRequest, headerVersion: string | undefined, bytesIn?: number): Tracked {
    const claimed = claimedVersionOf(request);
    const token = metaOf(request)?.progressToken;
    const tracked: Tracked = {
      id: request.id,
      method: request.method,
      endpoint: endpointOf(request),
      startedAt: Date.now(),
      t0: performance.now(),
      bytesIn: bytesIn ?? jsonBytes(request),
      modern: request.method !== 'initialize' && isModernVersion(claimed),
      progressToken: typeof token === 'string' || typeof token === 'number' ? token : undefined,
      clientInfo: clientInfoOf(request) ?? this.facts.clientInfo,
      protocolVersion: this.facts.protocolVersion ?? claimed ?? headerVersion,
      timer: undefined,
      answered: false,
      recorded: false,
    };
    this.waiting.set(idKey(request.id), tracked);
    return tracked;
  }

  get(id: RequestId): Tracked | undefined {
    return this.waiting.get(idKey(id));
  }

  byProgressToken(token: unknown): Tracked | undefined {
    if (typeof token !== 'string' && typeof token !== 'number') return undefined;
    for (const t of this.waiting.values()) if (t.progressToken === token) return t;
    return undefined;
  }

  /** The one request still waiting for its answer, if exactly one is. */
  sole(): Tracked | undefined {
    let found: Tracked | undefined;
    for (const t of this.waiting.values()) {
      if (t.answered) continue;
      if (found !== undefined) return undefined;
      found = t;
    }
    return found;
  }

  unanswered(): Tracked[] {
    return [...this.waiting.values()].filter((t) => !t.answered);
  }

  get size(): number {
    return this.waiting.size;
  }

  forget(tracked: Tracked): void {
    clearTimeout(tracked.timer);
    if (this.waiting.get(idKey(tracked.id)) === tracked) this.waiting.delete(idKey(tracked.id));
  }

  /**
   * Records the request's event once; `bytesOut` is the size of what the client was sent.
   * `later`: hand it to the sink after the current I/O turn, off the forwarding path.
   */
  record(tracked: Tracked, details: OutcomeDetails, bytesOut: number, later = false): void {
    if (tracked.recorded) return;
    tracked.recorded = true;
    clearTimeout(tracked.timer);
    // A legacy server answering the `server/discover` probe with a JSON-RPC error is version
    // negotiation doing its job (the client falls back to `initialize`), not a failed request.
    if (tracked.method === 'server/discover' && details.outcome === 'error') return;
    const event: RequestEvent = {
      serverId: this.facts.serverId,
      endpoint: tracked.endpoint,
      method: tracked.method,
      startedAt: tracked.startedAt,
      latencyMs: performance.now() - tracked.t0,
      ...details,
      clientName: tracked.clientInfo?.name ?? null,
      clientVersion: tracked.clientInfo?.version ?? null,
      protocolVersion: tracked.protocolVersion ?? null,
      sessionId: this.facts.sessionId(),
      requestId: String(tracked.id),
      bytesIn: tracked.bytesIn,
      bytesOut,
    };
    if (later) queueEvent(this.sink, event, this.log);
    else deliver(this.sink, event, this.log);
  }
}

function deliver(sink: RequestEventSink, event: RequestEvent, log: Logger): void {
  try {
    sink.record(event);
  } catch (error) {
    log.warn({ err: error, server: event.serverId }, 'gateway: the request event sink threw');
  }
}

/** Events queued for the sink after the current I/O turn (the answers are written by then). */
const queue: { sink: RequestEventSink; event: RequestEvent; log: Logger }[] = [];

function queueEvent(sink: RequestEventSink, event: RequestEvent, log: Logger): void {
  if (queue.length === 0) setImmediate(drain);
  queue.push({ sink, event, log });
}

function drain(): void {
  for (const { sink, event, log } of queue.splice(0)) deliver(sink, event, log);
}
