/**
 * Forwards raw JSON-RPC messages between a client-facing transport and an upstream, in both
 * directions, and turns each client request into one request event. Server messages go to
 * the client on the stream of the request they belong to (known from the upstream's
 * response streams, a progress token, or — over one pipe — the only request in flight),
 * otherwise on the session's standalone stream.
 */
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/client';
import type { Logger } from 'pino';
import type { RequestEventSink } from '../model/request-event.js';
import {
  errorResponse,
  isNotification,
  isRequest,
  isResponse,
  isResult,
  jsonBytes,
  stringField,
  TIMED_OUT,
  UPSTREAM_UNAVAILABLE,
} from '../mcp/json-rpc.js';
import type { ClientContext } from './client-transport.js';
import { failureOf, outcomeOf, type OutcomeDetails } from './request-events.js';
import { RequestTracker, type ChannelFacts, type Tracked } from './request-tracker.js';
import type { Upstream } from '../mcp/upstream/upstream.js';

/** Long-lived by design: no answer is expected until the client stops listening. */
const NO_TIMEOUT = new Set(['subscriptions/listen']);
/** After a client's cancel, how long to keep the upstream stream for a late answer. */
const CANCEL_GRACE_MS = 5000;

export interface ClientSide {
  send(message: JSONRPCMessage, options?: { relatedRequestId?: RequestId }): Promise<void>;
}

export interface RelayOptions {
  requestTimeoutMs: number;
  sink: RequestEventSink;
  log: Logger;
  /** Called once a failed `initialize` has been answered: the session is stillborn. */
  onInitializeFailed?: () => void;
}

const cancelled = (why: string): OutcomeDetails => ({
  outcome: 'cancelled',
  errorCode: null,
  errorMessage: why,
  errorData: null,
});

export class Relay {
  private readonly tracker: RequestTracker;

  constructor(
    private readonly client: ClientSide,
    private readonly upstream: Upstream,
    private readonly facts: ChannelFacts,
    private readonly options: RelayOptions,
  ) {
    this.tracker = new RequestTracker(facts, options.sink, options.log);
    upstream.onmessage = (message, relatedTo) => this.fromUpstream(message, relatedTo);
    upstream.onrequestlost = (id, error) => {
      const tracked = this.tracker.get(id);
      if (tracked !== undefined) this.fail(tracked, error);
    };
  }

  /** Requests still waiting for the server. */
  get waiting(): number {
    return this.tracker.size;
  }

  fromClient(message: JSONRPCMessage, client: ClientContext): void {
    const context = { authorization: client.authorization };
    if (isRequest(message)) {
      const tracked = this.tracker.begin(message, client.protocolVersion, client.bytes);
      this.arm(tracked);
      this.upstream.send(message, context).catch((error: unknown) => this.fail(tracked, error));
      return;
    }
    if (isNotification(message) && message.method === 'notifications/cancelled') {
      const id = message.params?.requestId;
      if (typeof id === 'string' || typeof id === 'number')
        this.clientCancelled(id, stringField(message.params, 'reason'));
    }
    this.upstream.send(message, context).catch((error: unknown) => {
      this.options.log.debug(
        { err: error, server: this.facts.serverId },
        'gateway: could not forward a message',
      );
    });
  }

  /** The client's HTTP stream for these requests closed before their answers. */
  clientStreamClosed(ids: RequestId[]): void {
    for (const id of ids) {
      const tracked = this.tracker.get(id);
      if (tracked === undefined || tracked.answered) continue;
      if (tracked.recorded) {
        this.tracker.forget(tracked);
        this.upstream.cancel(id, 'cancelled by the client', false);
      } else if (tracked.modern) {
        // Modern era: aborting the request's stream is the client's cancellation.
        this.tracker.record(tracked, cancelled('the client closed the request stream'), 0);
        this.tracker.forget(tracked);
        this.upstream.cancel(id, 'the client closed the request stream', true);
      }
      // Legacy era: a dropped stream is not a cancellation; the answer is still awaited.
    }
  }

  /** The upstream session or process is gone: every waiting request fails with `error`. */
  upstreamGone(error: Error): void {
    for (const tracked of this.tracker.unanswered()) this.fail(tracked, error);
  }

  /** Stops every waiting request without answering (session deleted, gateway closing). */
  abandonAll(why: OutcomeDetails): void {
    for (const tracked of this.tracker.unanswered()) {
      this.tracker.record(tracked, why, 0);
      this.tracker.forget(tracked);
    }
  }

  private fromUpstream(message: JSONRPCMessage, relatedTo: RequestId | undefined): void {
    if (isResponse(message)) {
      const tracked = message.id === undefined ? undefined : this.tracker.get(message.id);
      if (tracked === undefined || tracked.answered) {
        // A late answer to a request the gateway already answered (timeout, failure).
        this.options.log.debug({ server: this.facts.serverId }, 'gateway: dropped a late response');
        return;
      }
      if (tracked.method === 'initialize' && isResult(message)) this.negotiated(tracked, message.result);
      this.answer(tracked, message, outcomeOf(message));
      return;
    }
    let related = relatedTo;
    if (isNotification(message) && message.method === 'notifications/progress') {
      const tracked = this.tracker.byProgressToken(message.params?.progressToken);
      if (tracked !== undefined) {
        related ??= tracked.id;
        this.arm(tracked);
      }
    }
    if (related === undefined && !this.upstream.exactStreams) related = this.tracker.sole()?.id;
    this.toClient(message, related);
  }

  private toClient(message: JSONRPCMessage, related: RequestId | undefined): void {
    const log = (error: unknown): void =>
      this.options.log.debug(
        { err: error, server: this.facts.serverId },
        'gateway: undeliverable to the client',
      );
    if (related === undefined) {
      this.client.send(message).catch(log);
      return;
    }
    // The request's stream may be gone (answered, dropped): the standalone stream then.
    this.client
      .send(message, { relatedRequestId: related })
      .catch(() => this.client.send(message).catch(log));
  }

  private negotiated(tracked: Tracked, result: Record<string, unknown>): void {
    const version = stringField(result, 'protocolVersion');
    if (version === undefined) return;
    tracked.protocolVersion = version;
    this.facts.protocolVersion = version;
    this.facts.clientInfo = tracked.clientInfo;
    this.upstream.setProtocolVersion(version);
  }

  private answer(tracked: Tracked, message: JSONRPCMessage, details: OutcomeDetails): void {
    tracked.answered = true;
    this.tracker.forget(tracked);
    const done = (): void => {
      // Counted once the answer is written: off the path of the answer.
      this.tracker.record(tracked, details, jsonBytes(message));
      if (tracked.method === 'initialize' && details.outcome !== 'ok') this.options.onInitializeFailed?.();
    };
    this.client.send(message).then(done, (error: unknown) => {
      this.options.log.debug({ err: error, server: this.facts.serverId }, 'gateway: answer undeliverable');
      done();
    });
  }

  private fail(tracked: Tracked, error: unknown): void {
    if (tracked.answered) return;
    const details = failureOf(error, this.options.requestTimeoutMs);
    const code = details.errorCode ?? UPSTREAM_UNAVAILABLE;
    const message = details.errorMessage ?? 'the upstream request failed';
    this.answer(tracked, errorResponse(tracked.id, code, message, details.errorData ?? undefined), details);
  }

  private arm(tracked: Tracked): void {
    if (NO_TIMEOUT.has(tracked.method) || tracked.recorded) return;
    clearTimeout(tracked.timer);
    const ms = this.timeoutOf(tracked);
    tracked.timer = setTimeout(() => this.timedOut(tracked, ms), ms);
    tracked.timer.unref();
  }

  private timeoutOf(tracked: Tracked): number {
    const discover = tracked.method === 'server/discover' ? this.upstream.discoverTimeoutMs : undefined;
    return Math.min(this.options.requestTimeoutMs, discover ?? Infinity);
  }

  private timedOut(tracked: Tracked, ms: number): void {
    if (tracked.answered) return;
    const text = `Request timed out: the upstream server did not answer ${tracked.method} within ${ms} ms (mcp-health gateway)`;
    this.answer(tracked, errorResponse(tracked.id, TIMED_OUT, text), {
      outcome: 'timeout',
      errorCode: null,
      errorMessage: text,
      errorData: null,
    });
    this.upstream.cancel(tracked.id, 'timed out in the mcp-health gateway', true);
  }

  private clientCancelled(id: RequestId, reason: string | undefined): void {
    const tracked = this.tracker.get(id);
    if (tracked === undefined || tracked.recorded) return;
    this.tracker.record(tracked, cancelled(reason ?? 'cancelled by the client'), 0);
    // The server should stop without answering; stop waiting for it after a grace period.
    tracked.timer = setTimeout(() => {
      if (tracked.answered) return;
      this.tracker.forget(tracked);
      this.upstream.cancel(id, 'cancelled by the client', false);
    }, CANCEL_GRACE_MS);
    tracked.timer.unref();
  }
}
