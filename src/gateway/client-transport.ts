/**
 * The client-facing Streamable HTTP side of a stdio or legacy SSE session (or of one session-less
 * exchange), on node:http directly. It answers as the SDK's Streamable HTTP server transport did
 * (the same checks, statuses and JSON-RPC errors; no event store, so no resumption), without its
 * conversion of every request and answer to and from Web Request/Response streams, which cost
 * more than the rest of forwarding a call.
 *
 * One difference on the wire: a POST whose one request is answered before anything else is sent
 * on its stream gets the answer as `application/json` in one write (the spec lets the server
 * choose); anything else on the stream first (progress, a server request), or no answer within
 * HEAD_WAIT_MS, makes it an SSE stream, as before.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/client';
import { headerOf } from './client-facing.js';
import { isRequest, isResponse } from '../mcp/json-rpc.js';
import { conformsToSchema } from '../mcp/wire-check.js';
import { replyRpcError } from './replies.js';

/** How long an answer's head waits for the first message: most answers come sooner, in one write. */
const HEAD_WAIT_MS = 50;
/** As the SDK: a comment on every open SSE stream this often keeps intermediaries from timing it out. */
const KEEP_ALIVE_MS = 15_000;
const MAX_BATCH_SIZE = 100;
const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** What the relay needs of the HTTP request that carried a message. */
export interface ClientContext {
  authorization: string | undefined;
  protocolVersion: string | undefined;
  /** The message's size when it was the whole body (saves serialising it again to count). */
  bytes: number | undefined;
}

export interface ClientTransportOptions {
  /** A session (ids issued on `initialize`, checked after) or one session-less exchange. */
  stateful: boolean;
  onmessage(message: JSONRPCMessage, context: ClientContext): void;
  onsessioninitialized?(): void;
  /** The client's DELETE: answered once this has settled (the session's child has stopped). */
  onsessionclosed?(): Promise<void>;
  onerror?(error: Error): void;
}

/** One HTTP response the transport writes messages to: a POST's answer or the standalone GET stream. */
class Stream {
  private sse = false;
  private headTimer: NodeJS.Timeout | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  ended = false;

  constructor(
    readonly res: ServerResponse,
    private readonly sessionId: string | undefined,
    /** A POST's request ids (a JSON answer is possible for one); none for the GET stream. */
    readonly ids: RequestId[],
  ) {
    if (ids.length === 0) this.startSse();
    else this.headTimer = setTimeout(() => this.startSse(), HEAD_WAIT_MS);
  }

  /** Writes a message; `last`: it completes the stream's requests. */
  write(message: JSONRPCMessage, last: boolean): void {
    if (this.ended) return;
    if (!this.sse && last && this.ids.length === 1) {
      clearTimeout(this.headTimer);
      const text = JSON.stringify(message);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(text)),
      };
      if (this.sessionId !== undefined) headers['mcp-session-id'] = this.sessionId;
      this.ended = true;
      this.res.writeHead(200, headers).end(text);
      return;
    }
    this.startSse();
    const event = `event: message\ndata: ${JSON.stringify(message)}\n\n`;
    if (last) this.end(event);
    else this.res.write(event);
  }

  /** Ends the stream (an SSE stream if nothing was sent yet). */
  end(last?: string): void {
    if (this.ended) return;
    if (!this.res.destroyed) this.startSse();
    clearTimeout(this.headTimer);
    this.ended = true;
    clearInterval(this.keepAlive);
    this.res.end(last);
  }

  private startSse(): void {
    clearTimeout(this.headTimer);
    if (this.sse || this.ended || this.res.headersSent) return;
    this.sse = true;
    const headers: Record<string, string> = { ...SSE_HEADERS };
    if (this.sessionId !== undefined) headers['mcp-session-id'] = this.sessionId;
    this.res.writeHead(200, headers);
    this.res.flushHeaders();
    this.keepAlive = setInterval(() => this.res.write(': keepalive\n\n'), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }
}

/** A POST's messages as the gateway read and checked them, its parsed body and its raw bytes. */
export interface PostBody {
  messages: JSONRPCMessage[];
  body: unknown;
  raw: Buffer;
}

const isJsonType = (type: string | undefined): boolean =>
  (type ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';

export class ClientTransport {
  sessionId: string | undefined;
  private initialized = false;
  private closed = false;
  private standalone: Stream | undefined;
  /** Open POST streams by request id, and the answers kept until a batch's last. */
  private readonly streamOf = new Map<RequestId, Stream>();
  private readonly answered = new Map<RequestId, JSONRPCMessage>();

  constructor(private readonly options: ClientTransportOptions) {}

  /** One HTTP request of the session; `messages`: a POST's, parsed and checked by the gateway. */
  async handle(req: IncomingMessage, res: ServerResponse, body: PostBody | undefined): Promise<void> {
    if (this.closed) this.refuse(res, 404, -32001, 'Session not found');
    else if (req.method === 'POST' && body !== undefined) this.post(req, res, body);
    else if (req.method === 'GET') this.get(req, res);
    else if (req.method === 'DELETE') await this.delete(req, res);
    else this.refuse(res, 405, -32000, 'Method not allowed.', { allow: 'GET, POST, DELETE' });
  }

  /** A message for the client: on the stream of `relatedRequestId` (or its own id), else the GET stream. */
  send(message: JSONRPCMessage, options?: { relatedRequestId?: RequestId }): Promise<void> {
    const response = isResponse(message);
    const id = response ? message.id : options?.relatedRequestId;
    if (id === undefined) {
      if (response)
        return Promise.reject(
          new Error(
            'Cannot send a response on a standalone SSE stream unless resuming a previous client request',
          ),
        );
      this.standalone?.write(message, false);
      return Promise.resolve();
    }
    const stream = this.streamOf.get(id);
    if (stream === undefined)
      return Promise.reject(new Error(`No connection established for request ID: ${String(id)}`));
    if (!response) {
      stream.write(message, false);
      return Promise.resolve();
    }
    this.answered.set(id, message);
    if (!stream.ids.every((i) => this.answered.has(i))) {
      stream.write(message, false);
      return Promise.resolve();
    }
    for (const i of stream.ids) {
      this.answered.delete(i);
      this.streamOf.delete(i);
    }
    if (stream.res.destroyed) {
      this.options.onerror?.(
        new Error(`Response for request ID ${String(id)} is undeliverable: the request stream is closed`),
      );
      return Promise.resolve();
    }
    stream.write(message, true);
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const stream of new Set(this.streamOf.values())) stream.end();
    this.standalone?.end();
    this.streamOf.clear();
    this.answered.clear();
    return Promise.resolve();
  }

  private post(req: IncomingMessage, res: ServerResponse, { messages, body, raw }: PostBody): void {
    const accept = headerOf(req, 'accept') ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream'))
      return this.refuse(
        res,
        406,
        -32000,
        'Not Acceptable: Client must accept both application/json and text/event-stream',
      );
    if (!isJsonType(headerOf(req, 'content-type')))
      return this.refuse(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    if (messages.length > MAX_BATCH_SIZE)
      return this.refuse(
        res,
        400,
        -32600,
        `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`,
      );
    if (!messages.every(conformsToSchema))
      return this.refuse(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');
    if (messages.some((m) => isRequest(m) && m.method === 'initialize')) {
      if (this.initialized && this.sessionId !== undefined)
        return this.refuse(res, 400, -32600, 'Invalid Request: Server already initialized');
      if (messages.length > 1)
        return this.refuse(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
      if (this.options.stateful) this.sessionId = randomUUID();
      this.initialized = true;
      if (this.sessionId !== undefined) this.options.onsessioninitialized?.();
    } else if (!this.sessionValid(req, res)) return;
    if (this.closed) return this.refuse(res, 404, -32001, 'Session not found');
    const context: ClientContext = {
      authorization: headerOf(req, 'authorization'),
      protocolVersion: headerOf(req, 'mcp-protocol-version'),
      bytes: Array.isArray(body) ? undefined : raw.length,
    };
    const ids = messages.filter(isRequest).map((m) => m.id);
    if (ids.length === 0) {
      for (const m of messages) this.options.onmessage(m, context);
      res.writeHead(202).end();
      return;
    }
    const stream = new Stream(res, this.sessionId, ids);
    for (const id of ids) this.streamOf.set(id, stream);
    res.once('close', () => stream.end());
    for (const m of messages) this.options.onmessage(m, context);
  }

  private get(req: IncomingMessage, res: ServerResponse): void {
    if (!(headerOf(req, 'accept') ?? '').includes('text/event-stream'))
      return this.refuse(res, 406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    if (!this.sessionValid(req, res)) return;
    if (this.standalone !== undefined)
      return this.refuse(res, 409, -32000, 'Conflict: Only one SSE stream is allowed per session');
    const stream = new Stream(res, this.sessionId, []);
    this.standalone = stream;
    res.once('close', () => {
      stream.end();
      if (this.standalone === stream) this.standalone = undefined;
    });
  }

  private async delete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.sessionValid(req, res)) return;
    try {
      await this.options.onsessionclosed?.();
      res.writeHead(200).end();
    } finally {
      await this.close();
    }
  }

  /**
   * The session checks of every request after `initialize`. (The `MCP-Protocol-Version` header is
   * not judged here: the upstream server is the one to judge versions.)
   */
  private sessionValid(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.options.stateful) return true;
    if (!this.initialized) {
      this.refuse(res, 400, -32000, 'Bad Request: Server not initialized');
      return false;
    }
    const id = headerOf(req, 'mcp-session-id');
    if (id === undefined) {
      this.refuse(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      return false;
    }
    if (id !== this.sessionId) {
      this.refuse(res, 404, -32001, 'Session not found');
      return false;
    }
    return true;
  }

  private refuse(
    res: ServerResponse,
    status: number,
    code: number,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    this.options.onerror?.(new Error(message));
    replyRpcError(res, status, code, message, null, headers);
  }
}
