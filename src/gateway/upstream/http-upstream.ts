/**
 * A Streamable HTTP upstream. In `session` mode one SDK client transport (`main`) carries the
 * `initialize` handshake (it learns the upstream session id), notifications, answers to
 * server requests and the standalone GET stream; every other request gets a short-lived
 * transport bound to the same session id, so whatever arrives on that request's response
 * stream (progress, sampling, elicitation, the response) is known to belong to it. In
 * `sessionless` mode (modern era, `server/discover` probes) there is no `main`.
 */
import {
  SdkHttpError,
  StreamableHTTPClientTransport,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type RequestId,
} from '@modelcontextprotocol/client';
import type { Logger } from 'pino';
import { idKey, isRequest, isResponse } from '../json-rpc.js';
import { cancelledNotification, upstreamHeaders, type SendContext, type Upstream } from './upstream.js';

const TERMINATE_TIMEOUT_MS = 1000;

export class HttpUpstream implements Upstream {
  readonly exactStreams = true;
  onmessage: Upstream['onmessage'];
  onrequestlost: Upstream['onrequestlost'];
  onclose: Upstream['onclose'];

  private main: StreamableHTTPClientTransport | undefined;
  private readonly inflight = new Map<string, StreamableHTTPClientTransport>();
  private protocolVersion: string | undefined;
  private closed = false;

  constructor(
    private readonly url: URL,
    private readonly configured: Record<string, string>,
    private readonly mode: 'session' | 'sessionless',
    private readonly authorization: string | undefined,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.mode === 'sessionless') return;
    const main = this.transport(this.authorization);
    main.onmessage = (message) => this.onmessage?.(message, isResponse(message) ? message.id : undefined);
    main.onerror = (error) => this.log.debug({ err: error }, 'gateway: upstream session stream error');
    this.main = main;
    // start() only arms an AbortController; it cannot fail.
    void main.start();
  }

  async send(message: JSONRPCMessage, context: SendContext): Promise<void> {
    if (this.closed) throw new Error('the upstream session is closed');
    const main = this.main;
    if (isRequest(message) && !(main !== undefined && message.method === 'initialize')) {
      await this.sendRequest(message, context);
      return;
    }
    if (main !== undefined) {
      await main.send(message).catch((error: unknown) => this.failed(error));
      return;
    }
    const once = this.transport(context.authorization);
    await once.start();
    try {
      await once.send(message);
    } finally {
      void once.close();
    }
  }

  cancel(id: RequestId, reason: string, notify: boolean): void {
    this.drop(id);
    if (notify && this.main !== undefined && !this.closed)
      this.main.send(cancelledNotification(id, reason)).catch(() => undefined);
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
    this.main?.setProtocolVersion(version);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.inflight.values()) void t.close().catch(() => undefined);
    this.inflight.clear();
    const main = this.main;
    if (main === undefined) return;
    if (main.sessionId !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, TERMINATE_TIMEOUT_MS)));
      await Promise.race([main.terminateSession().catch(() => undefined), bound]).finally(() =>
        clearTimeout(timer),
      );
    }
    await main.close().catch(() => undefined);
  }

  private async sendRequest(message: JSONRPCRequest, context: SendContext): Promise<void> {
    const id = message.id;
    const key = idKey(id);
    const t = this.transport(context.authorization ?? this.authorization);
    let answered = false;
    let lastError: Error | undefined;
    t.onmessage = (m) => {
      if (isResponse(m) && m.id === id) answered = true;
      this.onmessage?.(m, id);
      if (answered) this.drop(id);
    };
    t.onerror = (error) => (lastError = error);
    await t.start();
    this.inflight.set(key, t);
    const onRequestStreamEnd = (): void => {
      if (answered || this.inflight.get(key) !== t) return;
      this.drop(id);
      this.onrequestlost?.(
        id,
        lastError ?? new Error('the upstream closed the response stream without answering'),
      );
    };
    try {
      await t.send(message, { onRequestStreamEnd });
    } catch (error) {
      if (this.inflight.get(key) === t) this.drop(id);
      this.failed(error);
    }
  }

  /** Rethrows a send failure; an unknown session (404) also ends this upstream session. */
  private failed(error: unknown): never {
    if (this.main !== undefined && error instanceof SdkHttpError && error.data?.status === 404) {
      this.onclose?.(new Error('the upstream session is gone (HTTP 404 for its session id)'));
    }
    throw error;
  }

  private drop(id: RequestId): void {
    const key = idKey(id);
    const t = this.inflight.get(key);
    if (t === undefined) return;
    this.inflight.delete(key);
    void t.close().catch(() => undefined);
  }

  private transport(authorization: string | undefined): StreamableHTTPClientTransport {
    return new StreamableHTTPClientTransport(this.url, {
      requestInit: { headers: upstreamHeaders(this.configured, authorization) },
      sessionId: this.main?.sessionId,
      protocolVersion: this.protocolVersion,
    });
  }
}
