/**
 * The server side of one gateway channel: a client session's upstream session (or child
 * process), or the upstream of one session-less exchange. Messages go through unchanged.
 */
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/client';

export interface SendContext {
  /** The client's Authorization header on the HTTP request that carried the message. */
  authorization?: string | undefined;
}

export interface Upstream {
  /**
   * Whether `onmessage` always names the request a message belongs to (a response stream
   * per request). When not (one stdio pipe, one SSE stream), the relay infers it.
   */
  readonly exactStreams: boolean;
  /**
   * A shorter wait for `server/discover`, where silence means "a legacy server" (stdio): the
   * client's era negotiation then gets an error in time to fall back to `initialize`.
   */
  readonly discoverTimeoutMs?: number;
  /**
   * A message from the server. `relatedTo` is the client request on whose stream it came,
   * when the transport knows (a Streamable HTTP response stream); otherwise undefined.
   */
  onmessage: ((message: JSONRPCMessage, relatedTo: RequestId | undefined) => void) | undefined;
  /** A request that will get no answer (its stream failed or ended without one). */
  onrequestlost: ((id: RequestId, error: Error) => void) | undefined;
  /** The upstream session or process is gone for good. */
  onclose: ((error: Error) => void) | undefined;

  /** Opens the channel; a failure to open surfaces as a rejected `send`. */
  start(): void;
  /** Forwards one client message; rejects when it could not be delivered. */
  send(message: JSONRPCMessage, context: SendContext): Promise<void>;
  /**
   * Stops waiting for a request (timeout, client went away): aborts its response stream
   * (the modern-era cancellation) and, when `notify` and there is a channel for it, sends the
   * server `notifications/cancelled`.
   */
  cancel(id: RequestId, reason: string, notify: boolean): void;
  /** The protocol version negotiated by `initialize`, sent on later HTTP requests. */
  setProtocolVersion(version: string): void;
  /** Ends the upstream session (DELETE) or stops the child process. */
  close(): Promise<void>;
}

/** Headers sent upstream: the server's configured ones, plus the client's Authorization when none is configured. */
export function upstreamHeaders(
  configured: Record<string, string>,
  authorization: string | undefined,
): Record<string, string> {
  const headers = { ...configured };
  const hasOwn = Object.keys(configured).some((k) => k.toLowerCase() === 'authorization');
  if (!hasOwn && authorization !== undefined && authorization !== '') headers.authorization = authorization;
  return headers;
}

export function cancelledNotification(id: RequestId, reason: string): JSONRPCMessage {
  return { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason } };
}
