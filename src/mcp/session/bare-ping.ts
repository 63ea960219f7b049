/**
 * Legacy-era `ping` straight over a transport whose SDK `Client` has been let go.
 *
 * Why: after the handshake a legacy-era session needs nothing of the `Client` but `ping`, and a
 * `Client` per server (handler maps, response cache, era codecs: ~4 KB each) was the largest
 * part of the monitor's live heap at 10,000 servers. The request is the one the `Client` sends
 * on that era (no `_meta` envelope), and failures are the same errors: the transport's own
 * (HTTP status, network), `ProtocolError` for a JSON-RPC error answer, `SdkError` for an
 * unusable result or a closed connection — so describing them and spotting a lost session work
 * unchanged.
 *
 * A Streamable HTTP session needs no standing transport at all: the session is its id, and each
 * ping gets a transport of its own (`perPing`), made and closed around the request.
 */
import {
  ProtocolError,
  SdkError,
  SdkErrorCode,
  type JSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/client';
import type { Deadline } from './deadline.js';

const METHOD_NOT_FOUND = -32601;
/**
 * The first ping's id: above the few the `Client` used for the handshake (probe, `initialize`,
 * `tools/list`), so a late answer to one of those is not taken for a ping's.
 */
const FIRST_ID = 1000;

interface Waiting {
  id: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** The connection a ping reports to (an object, not closures: thousands of these live on). */
export interface BarePingOwner {
  alive: boolean;
  reportError(error: Error): void;
}

/** What makes a Streamable HTTP transport for an existing session. */
export interface SessionTransports {
  makeTransport(session: { sessionId?: string; protocolVersion?: string }): Transport;
}

/** A session pinged over a transport of its own per request. */
export interface PerPing {
  maker: SessionTransports;
  sessionId: string | undefined;
  protocolVersion: string | undefined;
}

export class BarePing {
  private nextId = FIRST_ID;
  private waiting: Waiting | undefined;
  private readonly shared: Transport | undefined;
  private readonly perPing: PerPing | undefined;

  /**
   * `source` is either the session's long-lived transport, whose callbacks this takes over, or
   * (`PerPing`) how to make a fresh transport of the session for each ping.
   */
  constructor(
    source: Transport | PerPing,
    private readonly owner: BarePingOwner,
  ) {
    if ('maker' in source) {
      this.perPing = source;
      return;
    }
    this.shared = source;
    this.attach(source);
    source.onclose = () => {
      this.settle(new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'));
      owner.alive = false;
    };
  }

  /** In the per-ping mode, a fresh unstarted transport of the session (e.g. to end it). */
  sessionTransport(): Transport | undefined {
    if (this.perPing === undefined) return undefined;
    const { maker, sessionId, protocolVersion } = this.perPing;
    return maker.makeTransport({ sessionId, protocolVersion });
  }

  /** Sends `ping`; resolves on a result, rejects like the `Client` would. One at a time. */
  async ping(deadline: Deadline): Promise<void> {
    const transport = this.shared ?? this.openOne();
    const id = this.nextId++;
    const answered = new Promise<void>((resolve, reject) => {
      this.waiting = { id, resolve, reject };
    });
    try {
      if (transport !== this.shared) await transport.start();
      await deadline.race(Promise.all([transport.send({ jsonrpc: '2.0', id, method: 'ping' }), answered]));
    } catch (error) {
      if (deadline.expired && this.waiting?.id === id)
        transport
          .send({
            jsonrpc: '2.0',
            method: 'notifications/cancelled',
            params: { requestId: id, reason: String(deadline.signal.reason) },
          })
          .catch(() => undefined);
      throw error;
    } finally {
      if (this.waiting?.id === id) this.waiting = undefined;
      // Nobody awaits it once the race is lost; never let it surface as unhandled.
      answered.catch(() => undefined);
      if (transport !== this.shared) void transport.close().catch(() => undefined);
    }
  }

  private openOne(): Transport {
    // safe because: without a shared transport the constructor set `perPing`.
    const transport = this.sessionTransport() as Transport;
    this.attach(transport);
    return transport;
  }

  private attach(transport: Transport): void {
    transport.onmessage = (message) => this.onMessage(message, transport);
    transport.onerror = (error) => this.owner.reportError(error);
  }

  private settle(outcome: Error | undefined): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting === undefined) return;
    if (outcome === undefined) waiting.resolve();
    else waiting.reject(outcome);
  }

  private onMessage(message: JSONRPCMessage, transport: Transport): void {
    const m = message as { id?: unknown; method?: unknown; result?: unknown; error?: unknown };
    if (typeof m.method === 'string') {
      // A server's request (e.g. on the GET stream): answered as a `Client` without handlers would.
      if (m.id !== undefined) void this.answer(transport, m.id as string | number, m.method);
      return;
    }
    if (this.waiting === undefined || Number(m.id) !== this.waiting.id) return;
    if (m.error !== undefined) {
      const { code, message: text, data } = m.error as { code: number; message: string; data?: unknown };
      this.settle(ProtocolError.fromError(code, text, data));
    } else if (typeof m.result !== 'object' || m.result === null || Array.isArray(m.result)) {
      this.settle(new SdkError(SdkErrorCode.InvalidResult, 'Invalid result for ping: not an object'));
    } else {
      this.settle(undefined);
    }
  }

  private async answer(transport: Transport, id: string | number, method: string): Promise<void> {
    const reply: JSONRPCMessage =
      method === 'ping'
        ? { jsonrpc: '2.0', id, result: {} }
        : { jsonrpc: '2.0', id, error: { code: METHOD_NOT_FOUND, message: 'Method not found' } };
    await transport.send(reply).catch(() => undefined);
  }
}
