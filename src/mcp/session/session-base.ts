/** What HTTP and stdio sessions share: serialised checks that never throw, and result building. */
import type {
  LogLine,
  ProbeFailure,
  ProbeResult,
  ProbeSuccess,
  ServerSession,
  SessionHooks,
} from '../../model/probe.js';
import { Deadline, roundMs } from './deadline.js';
import { describeError, type DescribeContext, type FailureDescription } from './describe-error.js';
import { LogRing } from './log-ring.js';
import type { McpConnection } from './mcp-connection.js';

const settled = (): void => undefined;

export abstract class SessionBase implements ServerSession {
  protected readonly log: LogRing;
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  /** What the check under way is sending, for the failure to name (errors of kind `probe` group by it). */
  protected probing: ProbeFailure['method'];
  /** The checks under way or queued; none between checks (one session lives per server). */
  private inFlight: Set<Deadline> | undefined;

  constructor(hooks: SessionHooks | undefined) {
    this.log = new LogRing(hooks);
  }

  /** Checks run one at a time; each budget starts when `check` is called. */
  check(timeoutMs: number): Promise<ProbeResult> {
    const budget = Number.isFinite(timeoutMs) ? Math.max(0, timeoutMs) : 0;
    const deadline = new Deadline(budget);
    (this.inFlight ??= new Set()).add(deadline);
    const run = this.queue.then(() => this.guarded(deadline));
    // The queue keeps only the turn, not the result: a result held until the next check
    // would outlive young-generation collections at every server.
    this.queue = run.then(settled);
    return run;
  }

  recentLogs(): LogLine[] {
    return this.log.recent();
  }

  abstract pid(): number | undefined;

  /** Idempotent, never rejects. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      const closed = new Error('session closed');
      for (const deadline of this.inFlight ?? []) deadline.cancel(closed);
      this.closing = this.shutdown().catch(() => undefined);
    }
    return this.closing;
  }

  protected get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Release the connection (and child process); called once. */
  protected abstract shutdown(): Promise<void>;

  /** Connect if needed and probe; throw anything on failure. */
  protected abstract attempt(deadline: Deadline): Promise<ProbeSuccess>;

  protected abstract describeContext(deadline: Deadline): DescribeContext;

  protected describe(error: unknown, deadline: Deadline): FailureDescription {
    return describeError(error, this.describeContext(deadline));
  }

  private async guarded(deadline: Deadline): Promise<ProbeResult> {
    this.probing = undefined;
    try {
      if (this.closed) throw new Error('session closed');
      return await this.attempt(deadline);
    } catch (error) {
      return this.failure(error, deadline);
    } finally {
      deadline.dispose();
      this.inFlight?.delete(deadline);
      if (this.inFlight?.size === 0) this.inFlight = undefined;
    }
  }

  private failure(error: unknown, deadline: Deadline): ProbeFailure {
    let described: FailureDescription;
    try {
      described = this.describe(error, deadline);
    } catch {
      described = { kind: 'unknown', reason: 'unknown error' };
    }
    return {
      ok: false,
      kind: described.kind,
      reason: described.reason,
      elapsedMs: roundMs(deadline.elapsed()),
      ...(this.probing !== undefined ? { method: this.probing } : {}),
    };
  }
}

/** A successful check; `connected` is true for the first success on a newly opened session. */
export function successOf(conn: McpConnection, latencyMs: number): ProbeSuccess {
  const connected = conn.fresh;
  conn.fresh = false;
  return {
    ok: true,
    latencyMs: roundMs(latencyMs),
    method: conn.method(),
    ...conn.info(),
    connected,
    connectMs: connected ? roundMs(conn.connectMs) : undefined,
  };
}

export function connectedLine(conn: McpConnection): string {
  const { era, protocolVersion, serverInfo } = conn.info();
  const server = serverInfo === undefined ? 'anonymous server' : `${serverInfo.name} ${serverInfo.version}`;
  return `connected to ${server}: ${era} era, protocol ${protocolVersion ?? 'unknown'}, in ${Math.round(conn.connectMs)} ms`;
}
