/**
 * One client session with a Streamable HTTP server through the gateway: the client gets a
 * session id of the gateway's, mapped to the one the server issued. It ends on the client's
 * DELETE (forwarded), when idle (the gateway sends the DELETE), when the server no longer
 * knows it (HTTP 404), or when its `initialize` fails.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import type { OutcomeDetails } from '../request-events.js';
import { HttpChannel, type ChannelOptions } from './http-channel.js';
import type { UpstreamTarget } from './upstream-pool.js';

const TERMINATE_TIMEOUT_MS = 1000;

export interface HttpSessionOptions extends ChannelOptions {
  idleTimeoutMs: number;
  /** The session has its id (the server accepted the `initialize`). */
  onOpened(session: HttpSession): void;
  onClosed(session: HttpSession): void;
}

const ended = (why: string, outcome: OutcomeDetails['outcome'] = 'cancelled'): OutcomeDetails => ({
  outcome,
  errorCode: null,
  errorMessage: why,
  errorData: null,
});

export class HttpSession {
  private readonly channel: HttpChannel;
  private readonly idleTimer: NodeJS.Timeout;
  private gatewayId: string | undefined;
  private openStreams = 0;
  private closed = false;

  constructor(
    readonly serverId: string,
    target: UpstreamTarget,
    private readonly options: HttpSessionOptions,
    authorization: string | undefined,
  ) {
    const facts = {
      serverId,
      sessionId: () => this.gatewayId ?? null,
      clientInfo: undefined,
      protocolVersion: undefined,
    };
    const session = {
      gatewayId: () => this.gatewayId,
      opened: () => {
        this.gatewayId = randomUUID();
        options.onOpened(this);
      },
      gone: () => {
        options.log.info({ server: serverId }, 'gateway: upstream session ended (HTTP 404 for its id)');
        setImmediate(() => void this.close(ended('the upstream session is gone', 'transport_error'), false));
      },
      // Answered first, so the client reads why before the session goes.
      initializeFailed: () => setImmediate(() => void this.close(ended('initialize failed'))),
    };
    this.channel = new HttpChannel(target, facts, options, session, authorization);
    this.idleTimer = setTimeout(() => this.idleCheck(), options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  get id(): string | undefined {
    return this.gatewayId;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** One HTTP request of this session: a POST (with its body), the GET stream, or the DELETE. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    post: { raw: Buffer; messages: JSONRPCMessage[] } | undefined,
  ): void {
    this.idleTimer.refresh();
    this.openStreams += 1;
    res.once('close', () => {
      this.openStreams -= 1;
      this.idleTimer.refresh();
    });
    if (post !== undefined) {
      this.channel.post(req, res, post.raw, post.messages);
      return;
    }
    if (req.method !== 'DELETE') {
      this.channel.forward(req, res);
      return;
    }
    this.channel.forward(req, res, (status) => {
      if (status !== undefined && (status < 300 || status === 404))
        void this.close(ended('the client ended the session'), false);
    });
  }

  /** Ends the session: waiting requests are recorded with `why`; `terminate` sends the DELETE. */
  async close(why: OutcomeDetails, terminate = true): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.channel.abandonAll(why);
    this.options.onClosed(this);
    if (terminate) await this.channel.terminate(TERMINATE_TIMEOUT_MS);
  }

  private idleCheck(): void {
    if (this.closed) return;
    if (this.openStreams > 0 || this.channel.busy) {
      this.idleTimer.refresh();
      return;
    }
    this.options.log.info({ server: this.serverId }, 'gateway: closing an idle session');
    void this.close(ended('the session was idle'));
  }
}
