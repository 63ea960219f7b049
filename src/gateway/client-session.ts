/**
 * One legacy-era client session through the gateway: a stateful client-facing transport (the
 * gateway issues the client's session id) mapped one to one to an upstream session or child
 * process. It ends on the client's DELETE, when idle, when the upstream is gone, or when its
 * `initialize` fails.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/client';
import { ClientTransport, type PostBody } from './client-transport.js';
import { Relay, type RelayOptions } from './relay.js';
import type { OutcomeDetails } from './request-events.js';
import type { ChannelFacts } from './request-tracker.js';
import type { Upstream } from '../mcp/upstream/upstream.js';

export interface SessionOptions extends RelayOptions {
  idleTimeoutMs: number;
  /** The client-facing session id is known (the `initialize` was accepted). */
  onOpened(session: ClientSession): void;
  onClosed(session: ClientSession): void;
}

const ended = (why: string, outcome: OutcomeDetails['outcome'] = 'cancelled'): OutcomeDetails => ({
  outcome,
  errorCode: null,
  errorMessage: why,
  errorData: null,
});

export class ClientSession {
  private readonly transport: ClientTransport;
  private readonly relay: Relay;
  private readonly idleTimer: NodeJS.Timeout;
  private openStreams = 0;
  private closed = false;
  /** When a request of this session last came or ended (for evicting the least recently used). */
  lastActive = Date.now();

  constructor(
    readonly serverId: string,
    private readonly upstream: Upstream,
    private readonly options: SessionOptions,
  ) {
    this.transport = new ClientTransport({
      stateful: true,
      onsessioninitialized: () => options.onOpened(this),
      onsessionclosed: () => this.close(ended('the client ended the session')),
      // The relay is made below, before any request can reach the transport.
      onmessage: (message, context) => this.relay.fromClient(message, context),
      onerror: (error) =>
        options.log.debug({ err: error, server: serverId }, 'gateway: client transport error'),
    });
    const facts: ChannelFacts = {
      serverId,
      sessionId: () => this.transport.sessionId ?? null,
      clientInfo: undefined,
      protocolVersion: undefined,
    };
    this.relay = new Relay(this.transport, upstream, facts, {
      ...options,
      // Answered first, so the client reads why before the session goes.
      onInitializeFailed: () => setImmediate(() => void this.close(ended('initialize failed'))),
    });
    upstream.onclose = (error) => {
      options.log.info({ server: serverId, reason: error.message }, 'gateway: upstream session ended');
      this.relay.upstreamGone(error);
      setImmediate(() => void this.close(ended(error.message, 'transport_error')));
    };
    this.idleTimer = setTimeout(() => this.idleCheck(), options.idleTimeoutMs);
    this.idleTimer.unref();
    upstream.start();
  }

  get id(): string | undefined {
    return this.transport.sessionId;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Hands one HTTP request of this session (POST, GET stream, DELETE) to its transport. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    body: PostBody | undefined,
    requestIds: RequestId[],
  ): Promise<void> {
    this.idleTimer.refresh();
    this.lastActive = Date.now();
    this.openStreams += 1;
    res.once('close', () => {
      this.openStreams -= 1;
      this.lastActive = Date.now();
      this.idleTimer.refresh();
      if (requestIds.length > 0) this.relay.clientStreamClosed(requestIds);
    });
    await this.transport.handle(req, res, body);
    // The transport refused the `initialize` (headers, protocol): no session was opened.
    if (this.transport.sessionId === undefined) await this.close(ended('the session never opened'));
  }

  /**
   * No request waiting for an answer: ending it now cuts no exchange short. (A standing GET stream
   * does not count: most clients keep one open for as long as they live; theirs ends, and the
   * client's next request gets 404 and starts a new session, as the spec has it.)
   */
  get idle(): boolean {
    return !this.closed && this.relay.waiting === 0;
  }

  /** Ends the session: waiting requests are recorded with `why`, the upstream is closed. */
  async close(why: OutcomeDetails): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.relay.abandonAll(why);
    this.options.onClosed(this);
    await this.transport.close().catch(() => undefined);
    await this.upstream.close().catch(() => undefined);
  }

  private idleCheck(): void {
    if (this.closed) return;
    if (this.openStreams > 0 || this.relay.waiting > 0) {
      this.idleTimer.refresh();
      return;
    }
    this.options.log.info({ server: this.serverId }, 'gateway: closing an idle session');
    void this.close(ended('the session was idle'));
  }
}
