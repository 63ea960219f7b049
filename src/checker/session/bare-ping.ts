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

export class BarePing {
  private nextId = FIRST_ID;
  private waiting: Waiting | undefined;

  /** Takes over the transport's callbacks. */
  constructor(
    private readonly transport: Transport,
    hooks: { onClose: () => void; onError: (error: Error) => void },
  ) {
    transport.onmessage = (message) => this.onMessage(message);
    transport.onclose = () => {
      this.settle(new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'));
      hooks.onClose();
    };
    transport.onerror = hooks.onError;
  }

  /** Sends `ping`; resolves on a result, rejects like the `Client` would. One at a time. */
  async ping(deadline: Deadline): Promise<void> {
    const id = this.nextId++;
    const answered = new Promise<void>((resolve, reject) => {
      this.waiting = { id, resolve, reject };
    });
    try {
      await deadline.race(
        Promise.all([this.transport.send({ jsonrpc: '2.0', id, method: 'ping' }), answered]),
      );
    } catch (error) {
      if (deadline.expired && this.waiting?.id === id)
        this.transport
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
    }
  }

  private settle(outcome: Error | undefined): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting === undefined) return;
    if (outcome === undefined) waiting.resolve();
    else waiting.reject(outcome);
  }

  private onMessage(message: JSONRPCMessage): void {
    const m = message as { id?: unknown; method?: unknown; result?: unknown; error?: unknown };
    if (typeof m.method === 'string') {
      // A server's request (e.g. on the GET stream): answered as a `Client` without handlers would.
      if (m.id !== undefined) void this.answer(m.id as string | number, m.method);
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

  private async answer(id: string | number, method: string): Promise<void> {
    const reply: JSONRPCMessage =
      method === 'ping'
        ? { jsonrpc: '2.0', id, result: {} }
        : { jsonrpc: '2.0', id, error: { code: METHOD_NOT_FOUND, message: 'Method not found' } };
    await this.transport.send(reply).catch(() => undefined);
  }
}
