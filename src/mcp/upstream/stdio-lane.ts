/**
 * The shared stdio child of one server for session-less traffic: modern-era requests (which
 * carry everything in their `_meta` envelope) and `server/discover` probes. Several client
 * exchanges share the process, so request ids and progress tokens are rewritten to
 * gateway-unique ones on the way in and restored on the way out. Server-to-client requests
 * need a session and are refused; other notifications without a request are dropped.
 */
import type { JSONRPCMessage, JSONRPCRequest, RequestId } from '@modelcontextprotocol/client';
import type { Logger } from 'pino';
import type { AnswerLimit } from '../../shared/answer-limit.js';
import { errorResponse, isNotification, isObject, isRequest, isResponse, metaOf } from '../json-rpc.js';
import { StdioChild, type StdioSpec } from './stdio-child.js';
import { cancelledNotification, type Upstream } from './upstream.js';

const EXIT_SETTLE_MS = 250;
/** As the checker's stdio probe: generous for a slow start, then "silent, so legacy". */
const DISCOVER_TIMEOUT_MS = 10_000;

/** Keyed by the gateway-made upstream id (always a string). */
interface Pending {
  view: LaneView;
  id: RequestId;
  token: string | number | undefined;
}

export class StdioLane {
  private child: StdioChild | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly views = new Set<LaneView>();
  private idleTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  private closed = false;

  constructor(
    private readonly spec: StdioSpec,
    private readonly limit: AnswerLimit,
    private readonly log: Logger,
    private readonly idleMs: number,
  ) {}

  view(): LaneView {
    const view = new LaneView(this);
    this.views.add(view);
    clearTimeout(this.idleTimer);
    return view;
  }

  release(view: LaneView): void {
    this.views.delete(view);
    for (const [key, p] of this.pending) if (p.view === view) this.pending.delete(key);
    if (this.views.size > 0 || this.child === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stopChild(), this.idleMs);
    this.idleTimer.unref();
  }

  async write(view: LaneView, message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the gateway is closing');
    let out: JSONRPCMessage | undefined = message;
    if (isRequest(message)) out = this.rewriteRequest(view, message);
    else if (isNotification(message) && message.method === 'notifications/cancelled')
      out = this.rewriteCancel(view, message.params?.requestId);
    else out = undefined;
    if (out === undefined) return;
    const child = this.ensureChild();
    try {
      await child.transport.send(out);
    } catch (error) {
      throw (await child.goneWithin(EXIT_SETTLE_MS)) ?? error;
    }
  }

  cancel(view: LaneView, id: RequestId, reason: string, notify: boolean): void {
    const found = this.find(view, id);
    if (found === undefined) return;
    this.pending.delete(found);
    if (notify) this.child?.transport.send(cancelledNotification(found, reason)).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    await this.stopChild();
  }

  private rewriteRequest(view: LaneView, message: JSONRPCRequest): JSONRPCMessage {
    const upstreamId = `mcp-health-${++this.seq}`;
    const meta = metaOf(message);
    const token = meta?.progressToken;
    const hasToken = typeof token === 'string' || typeof token === 'number';
    this.pending.set(upstreamId, { view, id: message.id, token: hasToken ? token : undefined });
    const params = hasToken
      ? { ...message.params, _meta: { ...meta, progressToken: upstreamId } }
      : message.params;
    return { ...message, id: upstreamId, ...(params === undefined ? {} : { params }) };
  }

  private rewriteCancel(view: LaneView, requestId: unknown): JSONRPCMessage | undefined {
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return undefined;
    const upstreamId = this.find(view, requestId);
    return upstreamId === undefined
      ? undefined
      : cancelledNotification(upstreamId, 'cancelled by the client');
  }

  private find(view: LaneView, id: RequestId): string | undefined {
    for (const [upstreamId, p] of this.pending) if (p.view === view && p.id === id) return upstreamId;
    return undefined;
  }

  private ensureChild(): StdioChild {
    if (this.child !== undefined) return this.child;
    const child = new StdioChild(this.spec, this.limit);
    this.child = child;
    child.transport.onmessage = (message) => this.fromChild(child, message);
    child.transport.onerror = (error) => this.log.debug({ err: error }, 'gateway: stdio lane error');
    void child.transport.start().catch(() => undefined);
    void child.gone.then((why) => {
      if (this.child === child) this.child = undefined;
      const hit = new Set<LaneView>();
      for (const p of this.pending.values()) hit.add(p.view);
      this.pending.clear();
      for (const view of hit) view.onclose?.(why);
    });
    return child;
  }

  private fromChild(child: StdioChild, message: JSONRPCMessage): void {
    if (isResponse(message)) {
      const p = typeof message.id === 'string' ? this.pending.get(message.id) : undefined;
      if (p === undefined || typeof message.id !== 'string') return;
      this.pending.delete(message.id);
      p.view.onmessage?.({ ...message, id: p.id }, p.id);
      return;
    }
    if (isRequest(message)) {
      const refusal = 'server-to-client requests need a session: send initialize first (mcp-health gateway)';
      child.transport.send(errorResponse(message.id, -32601, refusal)).catch(() => undefined);
      return;
    }
    const token = isObject(message.params) ? message.params.progressToken : undefined;
    const p = typeof token === 'string' ? this.pending.get(token) : undefined;
    if (p === undefined || p.token === undefined) {
      this.log.debug({ method: message.method }, 'gateway: dropped a session-less stdio notification');
      return;
    }
    const params = { ...message.params, progressToken: p.token };
    p.view.onmessage?.({ ...message, params }, p.id);
  }

  private async stopChild(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await child?.stop();
  }
}

/** One exchange's window onto the lane. */
export class LaneView implements Upstream {
  readonly exactStreams = true;
  readonly discoverTimeoutMs = DISCOVER_TIMEOUT_MS;
  onmessage: Upstream['onmessage'];
  onrequestlost: Upstream['onrequestlost'];
  onclose: Upstream['onclose'];

  constructor(private readonly lane: StdioLane) {}

  start(): void {
    // The lane starts its child on the first message.
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.lane.write(this, message);
  }

  cancel(id: RequestId, reason: string, notify: boolean): void {
    this.lane.cancel(this, id, reason, notify);
  }

  setProtocolVersion(): void {
    // stdio carries no protocol-version header.
  }

  close(): Promise<void> {
    this.lane.release(this);
    return Promise.resolve();
  }
}
