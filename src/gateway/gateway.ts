/**
 * The transparent MCP gateway (DESIGN §2): `/mcp/<server-id>` speaks Streamable HTTP to
 * clients and forwards every JSON-RPC message, unchanged, to the registered server over its
 * own transport. Each client request becomes a request event.
 *
 * - `initialize` opens a client session, mapped one to one to an upstream session (a child
 *   process of its own for stdio servers, at most `maxStdioSessionsPerServer` at a time).
 * - A POST without a session (modern era, `server/discover`) is one self-contained exchange;
 *   stdio servers answer those from one shared child.
 * - Streamable HTTP servers are proxied at the HTTP level (`http-proxy/`): pooled keep-alive
 *   connections, the server's status, headers and bytes passed through unchanged (a 401 with
 *   its WWW-Authenticate reaches the client as a 401; SSE event ids, and so `Last-Event-ID`
 *   resumption, work end to end). Stdio and legacy SSE servers go through the SDK transports.
 * - Upstream headers are the server's configured ones; the client's Authorization header is
 *   forwarded only when the server has no Authorization header configured.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type JSONRPCMessage, type JSONRPCRequest, type RequestId } from '@modelcontextprotocol/client';
import type { Logger } from 'pino';
import type { RequestEventSink } from '../model/request-event.js';
import type { ServerRecord } from '../model/server.js';
import { pausedReason, safeDecode } from './addressing.js';
import { LoopGuard } from '../shared/loop-guard.js';
import { headerOf } from './client-facing.js';
import { ClientSession } from './client-session.js';
import type { PostBody } from './client-transport.js';
import { HttpChannel } from './http-proxy/http-channel.js';
import { HttpSession } from './http-proxy/http-session.js';
import { UpstreamPool, type UpstreamTarget } from './http-proxy/upstream-pool.js';
import {
  INTERNAL_ERROR,
  isRequest,
  LOOP_DETECTED,
  SESSION_NOT_FOUND,
  UPSTREAM_UNAVAILABLE,
} from '../mcp/json-rpc.js';
import { readMessages } from './read-body.js';
import { replyAppError, replyMethodNotAllowed, replyRpcError } from './replies.js';
import { RequestTracker } from './request-tracker.js';
import { serveSessionless } from './sessionless-exchange.js';
import { Upstreams } from './upstreams.js';
import { memberOf } from '../mcp/transports/index.js';

export interface GatewayDeps {
  servers: { find(id: string): ServerRecord | undefined };
  sink: RequestEventSink;
  log: Logger;
  /** Default 1 MiB; a larger body gets HTTP 413 with a JSON-RPC error body. */
  maxBodyBytes?: number;
  /**
   * Default 64. At the limit, a further `initialize` ends the least recently used idle session;
   * when every session is busy it gets HTTP 503 with a JSON-RPC error body.
   */
  maxStdioSessionsPerServer?: number;
  /** How long a request may wait for the server's answer; default 60 s. */
  requestTimeoutMs?: number;
  /** A session without requests or open streams this long is closed; default 10 min. */
  idleSessionTimeoutMs?: number;
  /**
   * The most held of one message the gateway must read whole (a stdio line, a legacy SSE
   * event); default 16 MiB. Streamable HTTP answers stream through and are never held.
   */
  maxMessageBytes?: number;
  /** Marks what this monitor sends upstream and spots it coming back; default: a fresh one. */
  loopGuard?: LoopGuard;
}

const PREFIX = '/mcp/';

const noSession = {
  outcome: 'transport_error' as const,
  errorCode: null,
  errorMessage: 'the server opened no session',
  errorData: null,
};

type Session = ClientSession | HttpSession;

export class Gateway {
  private readonly sessions = new Map<string, Session>();
  /** Sessions not yet given an id (their `initialize` is in flight). */
  private readonly opening = new Set<Session>();
  private readonly pool = new UpstreamPool();
  private readonly targets = new WeakMap<object, UpstreamTarget>();
  private readonly streams = new Map<string, number>();
  private readonly upstreams: Upstreams;
  private readonly maxBodyBytes: number;
  private readonly requestTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly loopGuard: LoopGuard;
  private closed = false;

  constructor(private readonly deps: GatewayDeps) {
    this.maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;
    this.requestTimeoutMs = deps.requestTimeoutMs ?? 60_000;
    this.idleTimeoutMs = deps.idleSessionTimeoutMs ?? 10 * 60_000;
    this.loopGuard = deps.loopGuard ?? new LoopGuard();
    const limit = { bytes: deps.maxMessageBytes ?? 16 * 1024 * 1024, setting: 'gateway_max_message_bytes' };
    this.upstreams = new Upstreams(
      deps.log,
      deps.maxStdioSessionsPerServer ?? 64,
      this.idleTimeoutMs,
      limit,
      this.loopGuard,
    );
  }

  /** Node-level handler for requests under /mcp/: returns true when it handled it. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith(PREFIX)) return false;
    const rawId = path.slice(PREFIX.length).replace(/\/$/, '');
    // Refused before anything else: forwarding it would send it here again, without end.
    const loop = this.loopGuard.loopOf(req.headers.via);
    if (loop !== undefined) {
      replyRpcError(res, 508, LOOP_DETECTED, LoopGuard.message(loop, safeDecode(rawId)));
      return true;
    }
    try {
      await this.route(req, res, rawId);
    } catch (error) {
      this.deps.log.error({ err: error }, 'gateway: request failed');
      if (!res.headersSent)
        replyRpcError(res, 500, INTERNAL_ERROR, 'internal gateway error; see the monitor log');
      else res.end();
    }
    return true;
  }

  /** Open client sessions (plus open streams) per server: the "active connections" gauge. */
  activeConnections(serverId: string): number {
    let sessions = 0;
    for (const s of this.sessions.values()) if (s.serverId === serverId) sessions += 1;
    return sessions + (this.streams.get(serverId) ?? 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    const why = {
      outcome: 'transport_error' as const,
      errorCode: null,
      errorMessage: 'the gateway shut down',
      errorData: null,
    };
    const all = [...this.sessions.values(), ...this.opening];
    await Promise.all(all.map((s) => s.close(why)));
    await this.upstreams.close();
    this.pool.close();
  }

  private async route(req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
    const id = safeDecode(rawId);
    const server = id === '' || id.includes('/') ? undefined : this.deps.servers.find(id);
    if (server === undefined) {
      replyAppError(res, 404, 'not_found', `no MCP server "${id}" is registered with this monitor`);
      return;
    }
    const paused = pausedReason(server);
    if (paused !== undefined || this.closed) {
      const message =
        paused === undefined ? 'the gateway is shutting down' : `${paused}; not forwarding to it`;
      replyAppError(res, 503, 'unavailable', message);
      return;
    }
    this.countStream(server.id, res);
    const sessionId = headerOf(req, 'mcp-session-id');
    if (req.method === 'POST') {
      await this.post(server, req, res, sessionId);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'DELETE') {
      replyMethodNotAllowed(res, 'GET, POST, DELETE');
      return;
    }
    if (sessionId === undefined) {
      if (req.method === 'GET') replyMethodNotAllowed(res, 'POST, DELETE');
      else replyRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      return;
    }
    const session = this.sessionFor(server, sessionId);
    if (session === undefined) replyRpcError(res, 404, SESSION_NOT_FOUND, 'Session not found');
    else if (session instanceof HttpSession) session.handle(req, res, undefined);
    else await session.handle(req, res, undefined, []);
  }

  private async post(
    server: ServerRecord,
    req: IncomingMessage,
    res: ServerResponse,
    sessionId: string | undefined,
  ): Promise<void> {
    const parsed = await readMessages(req, this.maxBodyBytes);
    if (parsed.kind === 'too_large') {
      const message = `Request body too large: the gateway accepts at most ${parsed.limit} bytes`;
      replyRpcError(res, 413, -32000, message, null, { connection: 'close' });
      return;
    }
    if (parsed.kind === 'bad') {
      replyRpcError(res, 400, parsed.code, parsed.message, parsed.id);
      return;
    }
    const requests = parsed.messages.filter(isRequest);
    const requestIds = requests.map((r) => r.id);
    if (sessionId !== undefined) {
      const session = this.sessionFor(server, sessionId);
      if (session === undefined) replyRpcError(res, 404, SESSION_NOT_FOUND, 'Session not found');
      else if (session instanceof HttpSession) session.handle(req, res, parsed);
      else await session.handle(req, res, parsed, requestIds);
      return;
    }
    if (memberOf(server.spec).gateway.kind === 'http-proxy') {
      this.proxyPost(server, req, res, parsed);
      return;
    }
    const initialize = requests.find((r) => r.method === 'initialize');
    if (initialize !== undefined) {
      await this.openSession(server, req, res, parsed, initialize, requestIds);
      return;
    }
    const upstream = this.upstreams.forExchange(server, headerOf(req, 'authorization'));
    serveSessionless(server.id, upstream, this.relayOptions(), {
      req,
      res,
      body: parsed,
      requestIds,
    });
  }

  private async openSession(
    server: ServerRecord,
    req: IncomingMessage,
    res: ServerResponse,
    body: PostBody,
    initialize: JSONRPCRequest,
    requestIds: RequestId[],
  ): Promise<void> {
    const authorization = headerOf(req, 'authorization');
    let upstream = this.upstreams.forSession(server, authorization);
    // The stdio pool is full: the least recently used idle session makes room (most clients never DELETE).
    if (upstream === undefined && (await this.evictIdleSession(server.id)))
      upstream = this.upstreams.forSession(server, authorization);
    if (upstream === undefined) {
      this.refuseSession(server, req, res, initialize);
      return;
    }
    const session = new ClientSession(server.id, upstream, {
      ...this.relayOptions(),
      idleTimeoutMs: this.idleTimeoutMs,
      ...this.sessionBook,
    });
    this.opening.add(session);
    await session.handle(req, res, body, requestIds);
  }

  /** A POST without a session to a Streamable HTTP server: an `initialize` or one exchange. */
  private proxyPost(
    server: ServerRecord,
    req: IncomingMessage,
    res: ServerResponse,
    post: { raw: Buffer; messages: JSONRPCMessage[] },
  ): void {
    const target = this.targetOf(server);
    const authorization = headerOf(req, 'authorization');
    const options = { ...this.relayOptions(), pool: this.pool };
    if (!post.messages.some((m) => isRequest(m) && m.method === 'initialize')) {
      const facts = {
        serverId: server.id,
        sessionId: () => null,
        clientInfo: undefined,
        protocolVersion: undefined,
      };
      new HttpChannel(target, facts, options).post(req, res, post.raw, post.messages);
      return;
    }
    const session = new HttpSession(
      server.id,
      target,
      {
        ...options,
        idleTimeoutMs: this.idleTimeoutMs,
        ...this.sessionBook,
      },
      authorization,
    );
    this.opening.add(session);
    // The server may answer without a session id (a stateless server): nothing to keep then.
    res.once('close', () => {
      if (session.id === undefined) void session.close(noSession, false);
    });
    session.handle(req, res, post);
  }

  /** Ends the server's least recently used idle stdio session; false when every one is busy. */
  private async evictIdleSession(serverId: string): Promise<boolean> {
    let oldest: ClientSession | undefined;
    for (const s of this.sessions.values())
      if (
        s instanceof ClientSession &&
        s.serverId === serverId &&
        s.idle &&
        s.lastActive < (oldest?.lastActive ?? Infinity)
      )
        oldest = s;
    if (oldest === undefined) return false;
    this.deps.log.info(
      { server: serverId, max: this.upstreams.maxStdioSessions },
      'gateway: stdio session limit reached; ending the least recently used idle session',
    );
    await oldest.close({
      outcome: 'cancelled',
      errorCode: null,
      errorMessage: 'the session was ended to make room for a new one (gateway_max_stdio_sessions)',
      errorData: null,
    });
    await new Promise((resolve) => setImmediate(resolve)); // the child's exit frees its slot
    return true;
  }

  /** The stdio pool is full of busy sessions: 503, and the refused `initialize` is still a request event. */
  private refuseSession(
    server: ServerRecord,
    req: IncomingMessage,
    res: ServerResponse,
    init: JSONRPCRequest,
  ): void {
    const message = `server "${server.id}" already has ${this.upstreams.maxStdioSessions} gateway sessions, all busy (gateway_max_stdio_sessions); retry later`;
    const facts = {
      serverId: server.id,
      sessionId: () => null,
      clientInfo: undefined,
      protocolVersion: undefined,
    };
    const tracker = new RequestTracker(facts, this.deps.sink, this.deps.log);
    const tracked = tracker.begin(init, headerOf(req, 'mcp-protocol-version'));
    tracker.forget(tracked);
    replyRpcError(res, 503, UPSTREAM_UNAVAILABLE, message, init.id);
    tracker.record(
      tracked,
      { outcome: 'transport_error', errorCode: null, errorMessage: message, errorData: null },
      0,
    );
  }

  /**
   * A proxied server's upstream as the pool takes it, made once per spec (a changed server has a
   * new one). Only called for servers whose transport the gateway proxies at the HTTP level.
   */
  private targetOf(server: ServerRecord): UpstreamTarget {
    let target = this.targets.get(server.spec);
    if (target === undefined) {
      const carriage = memberOf(server.spec).gateway;
      if (carriage.kind !== 'http-proxy') throw new Error(`server "${server.id}" is not proxied over HTTP`);
      const { url, headers } = carriage.target(server.spec);
      target = { url: new URL(url), headers, via: this.loopGuard.entryFor(server.id) };
      this.targets.set(server.spec, target);
    }
    return target;
  }

  private sessionFor(server: ServerRecord, sessionId: string): Session | undefined {
    const session = this.sessions.get(sessionId);
    return session !== undefined && session.serverId === server.id && !session.isClosed ? session : undefined;
  }

  /** Keeps a client session in the books from its id's issue to its end. */
  private readonly sessionBook = {
    onOpened: (s: Session): void => {
      this.opening.delete(s);
      if (s.id !== undefined && !s.isClosed) this.sessions.set(s.id, s);
    },
    onClosed: (s: Session): void => {
      this.opening.delete(s);
      if (s.id !== undefined && this.sessions.get(s.id) === s) this.sessions.delete(s.id);
    },
  };

  private relayOptions(): { requestTimeoutMs: number; sink: RequestEventSink; log: Logger } {
    return { requestTimeoutMs: this.requestTimeoutMs, sink: this.deps.sink, log: this.deps.log };
  }

  private countStream(serverId: string, res: ServerResponse): void {
    this.streams.set(serverId, (this.streams.get(serverId) ?? 0) + 1);
    res.once('close', () => {
      const now = (this.streams.get(serverId) ?? 1) - 1;
      if (now > 0) this.streams.set(serverId, now);
      else this.streams.delete(serverId);
    });
  }
}
