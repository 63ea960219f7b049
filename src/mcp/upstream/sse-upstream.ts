/**
 * A legacy HTTP+SSE upstream: one SSE stream (opened on start) carries every server message,
 * so nothing tells which client request a notification belongs to; the relay infers it.
 * A broken stream ends the session: the legacy transport has no resumption.
 */
import {
  SseError,
  SSEClientTransport,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/client';
import type { Logger } from 'pino';
import { cappedFetch } from '../session/http-fetch.js';
import type { AnswerLimit } from '../../shared/answer-limit.js';
import { withVia } from '../../shared/loop-guard.js';
import { isResponse } from '../json-rpc.js';
import { cancelledNotification, upstreamHeaders, type Upstream } from './upstream.js';

export interface SseUpstreamOptions {
  /** This monitor's Via entry (shared/loop-guard.ts). */
  via: string;
  /** The largest event read; a larger one fails the request it answers. */
  limit: AnswerLimit;
}

export class SseUpstream implements Upstream {
  readonly exactStreams = false;
  onmessage: Upstream['onmessage'];
  onrequestlost: Upstream['onrequestlost'];
  onclose: Upstream['onclose'];

  // eslint-disable-next-line @typescript-eslint/no-deprecated -- legacy HTTP+SSE servers are still deployed.
  private transport: SSEClientTransport | undefined;
  private ready: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly url: URL,
    private readonly configured: Record<string, string>,
    private readonly authorization: string | undefined,
    private readonly options: SseUpstreamOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    const headers = withVia(upstreamHeaders(this.configured, this.authorization), this.options.via);
    // Deprecated in the SDK, but legacy HTTP+SSE servers are still deployed. The stream is read
    // with the checker's fetch, whose SSE events are capped.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const t = new SSEClientTransport(this.url, {
      requestInit: { headers },
      fetch: cappedFetch(this.options.limit),
    });
    t.onmessage = (message) => this.onmessage?.(message, isResponse(message) ? message.id : undefined);
    t.onerror = (error) => {
      this.log.debug({ err: error }, 'gateway: upstream SSE error');
      if (error instanceof SseError && this.transport === t) this.lost(error);
    };
    this.ready = t.start().then(() => {
      this.transport = t;
    });
    this.ready.catch(() => void t.close().catch(() => undefined));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the upstream session is closed');
    if (this.ready === undefined) throw new Error('the upstream SSE session was not started');
    await this.ready;
    await this.transport?.send(message);
  }

  cancel(id: RequestId, reason: string, notify: boolean): void {
    if (notify && !this.closed) this.send(cancelledNotification(id, reason)).catch(() => undefined);
  }

  setProtocolVersion(version: string): void {
    void this.ready?.then(
      () => this.transport?.setProtocolVersion(version),
      () => undefined,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.transport?.close().catch(() => undefined);
  }

  private lost(error: Error): void {
    if (this.closed) return;
    void this.close();
    this.onclose?.(new Error(`the upstream SSE stream broke: ${error.message}`));
  }
}
