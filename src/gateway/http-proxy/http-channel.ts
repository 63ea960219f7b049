/**
 * The gateway's side of a Streamable HTTP server, for one client session or one session-less
 * exchange: HTTP requests are forwarded as they came (body bytes, status, headers, SSE event
 * ids — so the server's own resumption works through the gateway), and each client request
 * becomes a request event, with the gateway's timeout and the client's cancellations.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/client';
import type { Logger } from 'pino';
import type { RequestEventSink } from '../../model/request-event.js';
import {
  errorResponse,
  isNotification,
  isRequest,
  isResponse,
  isResult,
  stringField,
  TIMED_OUT,
  UPSTREAM_UNAVAILABLE,
} from '../../mcp/json-rpc.js';
import { replyRpcError } from '../replies.js';
import { failureOf, httpFailureOf, outcomeOf, type OutcomeDetails } from '../request-events.js';
import { RequestTracker, type ChannelFacts, type Tracked } from '../request-tracker.js';
import { cancelledNotification } from '../../mcp/upstream/upstream.js';
import { Exchange, type ExchangeHooks } from './exchange.js';
import {
  headerValue,
  requestHeaders,
  responseHeaders,
  type UpstreamPool,
  type UpstreamTarget,
} from './upstream-pool.js';

/** Long-lived by design: no answer is expected until the client stops listening. */
const NO_TIMEOUT = new Set(['subscriptions/listen']);
/** After a client's cancel, how long to keep the upstream stream for a late answer. */
const CANCEL_GRACE_MS = 5000;

export interface ChannelOptions {
  pool: UpstreamPool;
  requestTimeoutMs: number;
  sink: RequestEventSink;
  log: Logger;
}

export interface ChannelSession {
  /** The client-facing session id, once the upstream issued one of its own. */
  gatewayId(): string | undefined;
  /** The upstream answered `initialize` with its session id. */
  opened(upstreamId: string): void;
  /** The upstream no longer knows the session (HTTP 404 for its id). */
  gone(): void;
  /** The `initialize` failed: the session never opened. */
  initializeFailed(): void;
}

const cancelled = (why: string): OutcomeDetails => ({
  outcome: 'cancelled',
  errorCode: null,
  errorMessage: why,
  errorData: null,
});

export class HttpChannel {
  readonly tracker: RequestTracker;
  upstreamSessionId: string | undefined;
  private readonly exchanges = new Set<Exchange>();
  private readonly owners = new WeakMap<Tracked, Exchange>();
  private readonly hooks: ExchangeHooks;

  constructor(
    private readonly target: UpstreamTarget,
    readonly facts: ChannelFacts,
    private readonly options: ChannelOptions,
    private readonly session?: ChannelSession,
    /** The client's Authorization when the session opened, for the gateway's own messages. */
    private readonly authorization?: string,
  ) {
    this.tracker = new RequestTracker(facts, options.sink, options.log);
    this.hooks = {
      headersFor: (upstream) => this.headersFor(upstream),
      onMessage: (message, bytes) => this.fromUpstream(message, bytes),
      onHttpError: (status, text, exchange) => this.httpError(status, text, exchange),
      onFailed: (error, exchange) => this.failed(error, exchange),
      onEnd: (exchange, resumable) => this.ended(exchange, resumable),
      onClientGone: (exchange) => this.clientGone(exchange),
    };
  }

  /** Requests still waiting for the server, or HTTP requests still open. */
  get busy(): boolean {
    return this.tracker.size > 0 || this.exchanges.size > 0;
  }

  /** Forwards a POST: `raw` is its body as received, `messages` the same, parsed. */
  post(req: IncomingMessage, res: ServerResponse, raw: Buffer, messages: JSONRPCMessage[]): void {
    const exchange = this.open(res);
    const version = headerValue(req.headers, 'mcp-protocol-version');
    for (const message of messages) {
      if (isRequest(message)) {
        const tracked = this.tracker.begin(message, version, messages.length === 1 ? raw.length : undefined);
        exchange.waiting.add(tracked);
        this.owners.set(tracked, exchange);
        this.arm(tracked);
      } else if (isNotification(message) && message.method === 'notifications/cancelled') {
        const id = message.params?.requestId;
        if (typeof id === 'string' || typeof id === 'number')
          this.clientCancelled(id, stringField(message.params, 'reason'));
      }
    }
    const headers = requestHeaders(this.target, req.headers, this.upstreamSessionId);
    exchange.start(this.options.pool, this.target.url, 'POST', headers, raw);
  }

  /** Forwards a GET (the standalone SSE stream, or a resumption with Last-Event-ID) or a DELETE. */
  forward(req: IncomingMessage, res: ServerResponse, onSettled?: (status: number | undefined) => void): void {
    const exchange = this.open(res, onSettled);
    const headers = requestHeaders(this.target, req.headers, this.upstreamSessionId);
    exchange.start(this.options.pool, this.target.url, req.method ?? 'GET', headers);
  }

  /** A message of the gateway's own to the server, such as `notifications/cancelled`. */
  notify(message: JSONRPCMessage): void {
    const body = Buffer.from(JSON.stringify(message));
    const client = {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      ...(this.facts.protocolVersion === undefined
        ? {}
        : { 'mcp-protocol-version': this.facts.protocolVersion }),
      ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
    };
    const headers = requestHeaders(this.target, client, this.upstreamSessionId);
    headers['content-length'] = body.length;
    const request = this.options.pool.request(this.target.url, 'POST', headers);
    request.once('response', (answer) => answer.resume());
    request.once('error', () => undefined);
    request.end(body);
  }

  /** Ends the upstream session (DELETE), waiting at most `ms`. */
  async terminate(ms: number): Promise<void> {
    if (this.upstreamSessionId === undefined) return;
    const client = {
      ...(this.facts.protocolVersion === undefined
        ? {}
        : { 'mcp-protocol-version': this.facts.protocolVersion }),
      ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
    };
    const request = this.options.pool.request(
      this.target.url,
      'DELETE',
      requestHeaders(this.target, client, this.upstreamSessionId),
    );
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        request.destroy();
        resolve();
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      request.once('response', (answer) => answer.resume().once('end', done));
      request.once('error', done);
      request.end();
    });
  }

  /** Stops every waiting request without answering, and every open upstream request. */
  abandonAll(why: OutcomeDetails): void {
    for (const tracked of this.tracker.unanswered()) {
      this.tracker.record(tracked, why, 0);
      this.tracker.forget(tracked);
    }
    for (const exchange of this.exchanges) {
      exchange.waiting.clear();
      exchange.finishIfDone();
    }
    this.exchanges.clear();
  }

  private open(res: ServerResponse, onSettled?: (status: number | undefined) => void): Exchange {
    const exchange = new Exchange(res, this.hooks, (status) => {
      this.exchanges.delete(exchange);
      onSettled?.(status);
    });
    this.exchanges.add(exchange);
    return exchange;
  }

  private headersFor(upstream: IncomingMessage): ReturnType<typeof responseHeaders> {
    const session = this.session;
    const issued = headerValue(upstream.headers, 'mcp-session-id');
    if (session !== undefined && this.upstreamSessionId === undefined && issued !== undefined) {
      this.upstreamSessionId = issued;
      session.opened(issued);
    }
    return responseHeaders(upstream, session?.gatewayId());
  }

  private fromUpstream(message: JSONRPCMessage, bytes: number): void {
    if (isResponse(message)) {
      const tracked = message.id === undefined ? undefined : this.tracker.get(message.id);
      // A late answer to a request the gateway already answered (timeout, failure).
      if (tracked === undefined || tracked.answered) return;
      if (tracked.method === 'initialize' && isResult(message)) this.negotiated(tracked, message.result);
      const details = outcomeOf(message);
      this.settle(tracked, details, bytes, true);
      if (tracked.method === 'initialize' && details.outcome !== 'ok') this.session?.initializeFailed();
      return;
    }
    if (isNotification(message) && message.method === 'notifications/progress') {
      const tracked = this.tracker.byProgressToken(message.params?.progressToken);
      if (tracked !== undefined) this.arm(tracked);
    }
  }

  private negotiated(tracked: Tracked, result: Record<string, unknown>): void {
    const version = stringField(result, 'protocolVersion');
    if (version === undefined) return;
    tracked.protocolVersion = version;
    this.facts.protocolVersion = version;
    this.facts.clientInfo = tracked.clientInfo;
  }

  /** The request is over: no longer waited for, its event recorded. */
  private settle(tracked: Tracked, details: OutcomeDetails, bytesOut: number, later = false): void {
    tracked.answered = true;
    this.tracker.forget(tracked);
    this.owners.get(tracked)?.waiting.delete(tracked);
    this.tracker.record(tracked, details, bytesOut, later);
  }

  private httpError(status: number, text: string, exchange: Exchange): void {
    if (status === 404 && this.upstreamSessionId !== undefined) this.session?.gone();
    const details = httpFailureOf(status, text, this.options.requestTimeoutMs);
    for (const tracked of [...exchange.waiting]) this.settle(tracked, details, 0);
  }

  private failed(error: Error, exchange: Exchange): void {
    const details = failureOf(error, this.options.requestTimeoutMs);
    const message = details.errorMessage ?? 'upstream server unavailable';
    const waiting = [...exchange.waiting];
    if (!exchange.res.headersSent && exchange.clientOpen) {
      const id = waiting.length === 1 ? (waiting[0]?.id ?? null) : null;
      replyRpcError(exchange.res, 502, UPSTREAM_UNAVAILABLE, message, id);
    } else {
      for (const tracked of waiting)
        exchange.deliver(errorResponse(tracked.id, UPSTREAM_UNAVAILABLE, message));
    }
    for (const tracked of waiting) this.settle(tracked, details, 0);
  }

  private ended(exchange: Exchange, resumable: boolean): void {
    // A resumable stream may still bring the answers on a resumed GET: the timeout decides.
    if (resumable) return;
    const message = 'upstream server unavailable: the server closed the response stream without answering';
    for (const tracked of [...exchange.waiting]) {
      if (!tracked.recorded) exchange.deliver(errorResponse(tracked.id, UPSTREAM_UNAVAILABLE, message));
      this.settle(
        tracked,
        { outcome: 'transport_error', errorCode: null, errorMessage: message, errorData: null },
        0,
      );
    }
  }

  private clientGone(exchange: Exchange): void {
    for (const tracked of [...exchange.waiting]) {
      if (tracked.recorded) {
        this.tracker.forget(tracked);
        exchange.waiting.delete(tracked);
      } else if (tracked.modern) {
        // Modern era: aborting the request's stream is the client's cancellation.
        this.tracker.record(tracked, cancelled('the client closed the request stream'), 0);
        this.tracker.forget(tracked);
        exchange.waiting.delete(tracked);
      }
      // Legacy era: a dropped stream is not a cancellation; the answer is still read.
    }
    exchange.finishIfDone();
  }

  private arm(tracked: Tracked): void {
    if (NO_TIMEOUT.has(tracked.method) || tracked.recorded) return;
    clearTimeout(tracked.timer);
    const ms = this.options.requestTimeoutMs;
    tracked.timer = setTimeout(() => this.timedOut(tracked, ms), ms);
    tracked.timer.unref();
  }

  private timedOut(tracked: Tracked, ms: number): void {
    if (tracked.answered) return;
    const text = `Request timed out: the upstream server did not answer ${tracked.method} within ${ms} ms (mcp-health gateway)`;
    const exchange = this.owners.get(tracked);
    exchange?.deliver(errorResponse(tracked.id, TIMED_OUT, text));
    this.settle(tracked, { outcome: 'timeout', errorCode: null, errorMessage: text, errorData: null }, 0);
    exchange?.finishIfDone();
    if (this.upstreamSessionId !== undefined)
      this.notify(cancelledNotification(tracked.id, 'timed out in the mcp-health gateway'));
  }

  private clientCancelled(id: RequestId, reason: string | undefined): void {
    const tracked = this.tracker.get(id);
    if (tracked === undefined || tracked.recorded) return;
    this.tracker.record(tracked, cancelled(reason ?? 'cancelled by the client'), 0);
    // The server should stop without answering; stop waiting for it after a grace period.
    tracked.timer = setTimeout(() => {
      if (tracked.answered) return;
      this.tracker.forget(tracked);
      const exchange = this.owners.get(tracked);
      exchange?.waiting.delete(tracked);
      exchange?.finishIfDone();
    }, CANCEL_GRACE_MS);
    tracked.timer.unref();
  }
}
