/**
 * Makes the SDK-transport upstream of a client session or a session-less exchange, through the
 * server's transport member (mcp/transports/), and owns what outlives them: the per-server count
 * of session processes (the pool bound) and the shared upstream of session-less traffic.
 */
import type { Logger } from 'pino';
import { memberOf } from '../mcp/transports/index.js';
import type { SharedUpstream, UpstreamContext } from '../mcp/transport.js';
import type { Upstream } from '../mcp/upstream/upstream.js';
import type { ServerRecord } from '../model/server.js';
import type { AnswerLimit } from '../shared/answer-limit.js';
import type { LoopGuard } from '../shared/loop-guard.js';

export class Upstreams {
  private readonly processSessions = new Map<string, number>();
  private readonly shared = new Map<string, { upstream: SharedUpstream; spec: ServerRecord['spec'] }>();

  constructor(
    private readonly log: Logger,
    readonly maxStdioSessions: number,
    private readonly sharedIdleMs: number,
    /** The most held of one message (a stdio line, a legacy SSE event). */
    private readonly limit: AnswerLimit,
    private readonly loopGuard: LoopGuard,
  ) {}

  /** The upstream of a new client session; undefined when the server's pool of session processes is full. */
  forSession(server: ServerRecord, authorization: string | undefined): Upstream | undefined {
    const carriage = this.sdk(server);
    const ctx = this.context(server, authorization);
    if (!carriage.processPerSession) return carriage.session(server.spec, ctx, () => undefined);
    const used = this.processSessions.get(server.id) ?? 0;
    if (used >= this.maxStdioSessions) return undefined;
    this.processSessions.set(server.id, used + 1);
    return carriage.session(server.spec, ctx, () => this.release(server.id));
  }

  /** The upstream of one session-less exchange. */
  forExchange(server: ServerRecord, authorization: string | undefined): Upstream {
    const { exchange } = this.sdk(server);
    const ctx = this.context(server, authorization);
    if (!exchange.shared) return exchange.make(server.spec, ctx);
    let entry = this.shared.get(server.id);
    if (entry !== undefined && entry.spec !== server.spec) {
      // The server's definition changed: new traffic goes to an upstream of the new one.
      void entry.upstream.close();
      entry = undefined;
    }
    if (entry === undefined) {
      entry = { upstream: exchange.make(server.spec, ctx), spec: server.spec };
      this.shared.set(server.id, entry);
    }
    return entry.upstream.view();
  }

  async close(): Promise<void> {
    const shared = [...this.shared.values()];
    this.shared.clear();
    await Promise.all(shared.map(({ upstream }) => upstream.close()));
  }

  private sdk(server: ServerRecord) {
    const carriage = memberOf(server.spec).gateway;
    // Servers the gateway proxies at the HTTP level (../http-proxy/) never come here.
    if (carriage.kind !== 'sdk') throw new Error(`server "${server.id}" has no SDK upstream`);
    return carriage;
  }

  private context(server: ServerRecord, authorization: string | undefined): UpstreamContext {
    return {
      limit: this.limit,
      log: this.log,
      via: this.loopGuard.entryFor(server.id),
      authorization,
      sharedIdleMs: this.sharedIdleMs,
    };
  }

  private release(serverId: string): void {
    const now = (this.processSessions.get(serverId) ?? 1) - 1;
    if (now > 0) this.processSessions.set(serverId, now);
    else this.processSessions.delete(serverId);
  }
}
