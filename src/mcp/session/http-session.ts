/**
 * A long-lived session with a Streamable HTTP or legacy HTTP+SSE server. A lost session
 * (404/400 for an unknown session id, closed transport, connection errors) is replaced by a
 * fresh one within the same check when time allows.
 */
import {
  ProtocolError,
  SSEClientTransport,
  SseError,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { withVia } from '../../shared/loop-guard.js';
import type { ProbeOptions } from '../probe-options.js';
import type { ProbeSuccess, ProbeTarget, SessionHooks } from '../../model/probe.js';
import type { SessionTransports } from './bare-ping.js';
import type { Deadline } from './deadline.js';
import { isAnswerTooLarge, type DescribeContext } from './describe-error.js';
import { cappedFetch } from './http-fetch.js';
import { McpConnection } from './mcp-connection.js';
import { connectedLine, SessionBase, successOf } from './session-base.js';

export type HttpTarget = Extract<ProbeTarget, { transport: 'streamable-http' | 'sse' }>;

/** Below this much budget left, a lost session is reported instead of re-opened. */
const MIN_RECONNECT_MS = 50;
const TERMINATE_TIMEOUT_MS = 1000;
/** The SDK-conventional JSON-RPC code for "Session not found". */
const SESSION_NOT_FOUND = -32001;

function addressOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const port = parsed.port !== '' ? parsed.port : parsed.protocol === 'https:' ? '443' : '80';
    return `${parsed.hostname}:${port}`;
  } catch {
    return undefined;
  }
}

/**
 * Whether a failed probe means the session is gone: anything but an ordinary JSON-RPC error
 * answer or an answer too large to read.
 */
function isSessionLoss(error: unknown): boolean {
  if (isAnswerTooLarge(error)) return false;
  if (!(error instanceof ProtocolError)) return true;
  return error.code === SESSION_NOT_FOUND || /session/i.test(error.message);
}

/**
 * The legacy SSE stream broke: the session is gone even if no request noticed yet. One function
 * for every connection (a closure per connection is kept as long as the session lives; a
 * connection already dropped is marked too, which changes nothing).
 */
function markSseLoss(error: Error, connection: McpConnection): void {
  if (error instanceof SseError) connection.alive = false;
}

export class HttpSession extends SessionBase implements SessionTransports {
  private conn: McpConnection | undefined;
  private readonly address: string | undefined;
  /** The server's headers and this monitor's Via entry: what every request of its checks carries. */
  private readonly headers: Record<string, string>;

  constructor(
    private readonly target: HttpTarget,
    hooks: SessionHooks | undefined,
    private readonly options: ProbeOptions,
  ) {
    super(hooks);
    this.address = addressOf(target.url);
    this.headers = options.via === undefined ? target.headers : withVia(target.headers, options.via);
  }

  pid(): undefined {
    return undefined;
  }

  protected async shutdown(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    if (conn === undefined) return;
    const transport = conn.alive ? conn.sessionTransport() : undefined;
    if (transport instanceof StreamableHTTPClientTransport) {
      // Politely end a stateful session so the server can free it; never wait long.
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, TERMINATE_TIMEOUT_MS)));
      await Promise.race([transport.terminateSession().catch(() => undefined), bound]).finally(() =>
        clearTimeout(timer),
      );
    }
    await conn.close();
  }

  protected describeContext(deadline: Deadline): DescribeContext {
    return { timeoutMs: deadline.timeoutMs, address: this.address };
  }

  protected async attempt(deadline: Deadline): Promise<ProbeSuccess> {
    const existing = this.conn;
    if (existing?.alive === true) {
      try {
        this.probing = existing.method();
        const latency = await existing.probe(deadline);
        if (existing.fresh) {
          await existing.loadToolCount(deadline, this.log);
          this.release(existing);
        }
        return successOf(existing, latency);
      } catch (error) {
        const described = this.describe(error, deadline);
        // A slow answer or a JSON-RPC error is not a lost session: keep it and report that.
        if (deadline.expired || described.kind === 'timeout' || !isSessionLoss(error)) throw error;
        this.log.push('supervisor', `session lost (${described.reason}), reconnecting`);
        this.drop(existing);
        if (deadline.remaining() < MIN_RECONNECT_MS || this.closed) throw error;
      }
    } else if (existing !== undefined) {
      this.drop(existing);
    }
    this.probing = 'initialize';
    const conn = await this.open(deadline);
    this.probing = conn.method();
    const latency = await conn.probe(deadline);
    await conn.loadToolCount(deadline, this.log);
    this.release(conn);
    return successOf(conn, latency);
  }

  private async open(deadline: Deadline): Promise<McpConnection> {
    const transport = this.makeTransport();
    const pending = McpConnection.open(transport, deadline, {
      onError: markSseLoss,
    });
    let conn: McpConnection;
    try {
      conn = await deadline.race(pending);
    } catch (error) {
      // The SSE transport ignores connect timeouts; closing it aborts its stream.
      void transport.close().catch(() => undefined);
      pending
        .then(
          (late) => late.close(),
          () => undefined,
        )
        .catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await conn.close();
      throw new Error('session closed');
    }
    this.conn = conn;
    this.log.push('supervisor', connectedLine(conn));
    return conn;
  }

  /** Forgets a lost session; closing it runs in the background so it never eats the budget. */
  private drop(conn: McpConnection): void {
    if (this.conn === conn) this.conn = undefined;
    void conn.close();
  }

  /**
   * A legacy-era session needs no SDK client once the handshake is done (it was the largest
   * per-server object), and a Streamable HTTP one no standing transport: its pings each get one.
   */
  private release(conn: McpConnection): void {
    if (this.target.transport !== 'streamable-http') conn.release();
    else conn.release(this);
  }

  makeTransport(session?: { sessionId?: string; protocolVersion?: string }): Transport {
    const url = new URL(this.target.url);
    const requestInit: RequestInit = { headers: { ...this.headers } };
    const options = { requestInit, fetch: cappedFetch(this.options.answerLimit), ...session };
    // Deprecated in the SDK, but legacy HTTP+SSE servers are still deployed and must be monitored.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    if (this.target.transport === 'sse') return new SSEClientTransport(url, options);
    return new StreamableHTTPClientTransport(url, options);
  }
}
