/**
 * Makes the SDK-transport upstream (stdio, legacy SSE) for a client session or a session-less
 * exchange, and owns what outlives them: the per-server count of stdio session children
 * (the pool bound) and the shared stdio child for session-less traffic.
 */
import type { Logger } from 'pino';
import type { ServerRecord } from '../model/server.js';
import type { AnswerLimit } from '../shared/answer-limit.js';
import type { LoopGuard } from '../shared/loop-guard.js';
import { SseUpstream } from '../mcp/upstream/sse-upstream.js';
import { StdioLane } from '../mcp/upstream/stdio-lane.js';
import { StdioUpstream } from '../mcp/upstream/stdio-upstream.js';
import type { Upstream } from '../mcp/upstream/upstream.js';

export class Upstreams {
  private readonly stdioSessions = new Map<string, number>();
  private readonly lanes = new Map<string, { lane: StdioLane; spec: ServerRecord['spec'] }>();

  constructor(
    private readonly log: Logger,
    readonly maxStdioSessions: number,
    private readonly laneIdleMs: number,
    /** The most held of one message (a stdio line, a legacy SSE event). */
    private readonly limit: AnswerLimit,
    private readonly loopGuard: LoopGuard,
  ) {}

  /** The upstream of a new client session; undefined when the stdio pool of the server is full. */
  forSession(server: ServerRecord, authorization: string | undefined): Upstream | undefined {
    const { spec } = server;
    if (spec.transport === 'stdio') {
      const used = this.stdioSessions.get(server.id) ?? 0;
      if (used >= this.maxStdioSessions) return undefined;
      this.stdioSessions.set(server.id, used + 1);
      return new StdioUpstream(spec, this.limit, this.log, () => this.releaseStdio(server.id));
    }
    return this.sse(server, authorization);
  }

  /** The upstream of one session-less exchange. */
  forExchange(server: ServerRecord, authorization: string | undefined): Upstream {
    const { spec } = server;
    if (spec.transport === 'stdio') {
      let entry = this.lanes.get(server.id);
      if (entry !== undefined && entry.spec !== spec) {
        // The server's definition changed: new traffic goes to a child of the new one.
        void entry.lane.close();
        entry = undefined;
      }
      if (entry === undefined) {
        entry = { lane: new StdioLane(spec, this.limit, this.log, this.laneIdleMs), spec };
        this.lanes.set(server.id, entry);
      }
      return entry.lane.view();
    }
    return this.sse(server, authorization);
  }

  async close(): Promise<void> {
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    await Promise.all(lanes.map(({ lane }) => lane.close()));
  }

  private sse(server: ServerRecord, authorization: string | undefined): Upstream {
    const { spec } = server;
    // Streamable HTTP servers are proxied at the HTTP level (../http-proxy/), never from here.
    if (spec.transport !== 'sse') throw new Error(`no SDK upstream for a ${spec.transport} server`);
    const via = this.loopGuard.entryFor(server.id);
    return new SseUpstream(
      new URL(spec.url),
      spec.headers,
      authorization,
      { via, limit: this.limit },
      this.log,
    );
  }

  private releaseStdio(serverId: string): void {
    const now = (this.stdioSessions.get(serverId) ?? 1) - 1;
    if (now > 0) this.stdioSessions.set(serverId, now);
    else this.stdioSessions.delete(serverId);
  }
}
