/**
 * A session with a stdio server the monitor launches and supervises. One MCP session per
 * process life; a connect may outlive the check that started it (a slow-starting server is
 * picked up by a later check instead of being killed and restarted forever).
 */
import type { ChildProcess } from 'node:child_process';
import { getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import type { ProbeOptions } from '../probe-options.js';
import type { ProbeSuccess, ProbeTarget, SessionHooks } from '../../model/probe.js';
import { ChildTransport } from './child-transport.js';
import type { Deadline } from './deadline.js';
import {
  describeError,
  isAnswerTooLarge,
  ProcessGoneError,
  type DescribeContext,
  type FailureDescription,
} from './describe-error.js';
import { McpConnection } from './mcp-connection.js';
import { connectedLine, SessionBase, successOf } from './session-base.js';
import { ProcessSupervisor } from './supervisor.js';

export type StdioTarget = Extract<ProbeTarget, { transport: 'stdio' }>;

/** How long a connect to a fresh child may take in total, across checks. */
export const STDIO_CONNECT_TIMEOUT_MS = 30_000;
/**
 * How long the `server/discover` probe waits before concluding "silent, so legacy". Generous,
 * because a slow-starting server (npx, uvx, python imports) answers once it reads its stdin.
 */
export const STDIO_PROBE_TIMEOUT_MS = 10_000;
/** How long to wait for a failing child's exit status before blaming something else. */
const EXIT_SETTLE_MS = 250;

export class StdioSession extends SessionBase {
  private readonly supervisor: ProcessSupervisor;
  private conn: McpConnection | undefined;
  private connChild: ChildProcess | undefined;
  private pending: Promise<McpConnection> | undefined;
  /** Set once the server turned out to exit on (or sit out) the `server/discover` probe. */
  private legacyOnly = false;
  /** An unusable stdout line (not JSON-RPC, or too long) since the current connect began or the last good probe. */
  private lastInvalid: Error | undefined;

  constructor(
    target: StdioTarget,
    hooks: SessionHooks | undefined,
    private readonly options: ProbeOptions,
  ) {
    super(hooks);
    const env = { ...getDefaultEnvironment(), ...target.env };
    this.supervisor = new ProcessSupervisor({
      command: target.command,
      args: target.args,
      env,
      cwd: target.cwd,
      log: this.log,
      restart: options.restartStdio !== false,
    });
  }

  pid(): number | undefined {
    return this.supervisor.current()?.pid;
  }

  protected async shutdown(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    const stopping = this.supervisor.stop();
    if (conn !== undefined) await conn.close();
    await stopping;
  }

  protected describeContext(deadline: Deadline): DescribeContext {
    return { timeoutMs: deadline.timeoutMs };
  }

  protected override describe(error: unknown, deadline: Deadline): FailureDescription {
    const described = super.describe(error, deadline);
    return described.kind === 'timeout' && this.lastInvalid !== undefined
      ? { kind: 'protocol_error', reason: this.lastInvalid.message }
      : described;
  }

  protected async attempt(deadline: Deadline): Promise<ProbeSuccess> {
    const existing = this.conn;
    const child = this.connChild;
    if (existing?.alive === true && child !== undefined) {
      try {
        this.probing = existing.method();
        const latency = await existing.probe(deadline);
        this.lastInvalid = undefined;
        if (existing.fresh) await existing.loadToolCount(deadline, this.log);
        return successOf(existing, latency);
      } catch (error) {
        // A slow answer, or one too large to read, is not a lost session.
        if (deadline.expired || super.describe(error, deadline).kind === 'timeout' || isAnswerTooLarge(error))
          throw error;
        throw await this.blame(child, error, deadline, 'session lost');
      }
    }
    if (existing !== undefined) this.forget(existing);
    this.probing = 'initialize';
    const conn = await deadline.race(this.pending ?? this.startConnect(deadline));
    this.probing = conn.method();
    const latency = await conn.probe(deadline);
    this.lastInvalid = undefined;
    await conn.loadToolCount(deadline, this.log);
    return successOf(conn, latency);
  }

  /** The exit reason when the child died; otherwise the child is restarted and `error` stands. */
  private async blame(
    child: ChildProcess,
    error: unknown,
    deadline: Deadline,
    why: string,
  ): Promise<unknown> {
    const gone = await this.supervisor.waitForExit(
      child,
      Math.min(EXIT_SETTLE_MS, Math.max(1, deadline.remaining())),
    );
    if (gone !== undefined) return gone;
    if (this.conn !== undefined && this.connChild === child) this.forget(this.conn);
    void this.supervisor.stopChild(child, why);
    return error;
  }

  /** Drops a dead or broken session; closing it runs in the background. */
  private forget(conn: McpConnection): void {
    if (this.conn === conn) {
      this.conn = undefined;
      this.connChild = undefined;
    }
    void conn.close();
  }

  private startConnect(deadline: Deadline): Promise<McpConnection> {
    if (this.supervisor.state() === 'waiting') {
      return Promise.reject(
        this.supervisor.lastFailure() ?? new ProcessGoneError('process_exited', 'process is restarting'),
      );
    }
    const child = this.supervisor.current() ?? this.supervisor.spawnNow();
    if (child === undefined) return Promise.reject(new Error('session closed'));
    const pending = this.connectChild(child, deadline).finally(() => {
      if (this.pending === pending) this.pending = undefined;
    });
    pending.catch(() => undefined);
    this.pending = pending;
    return pending;
  }

  private async connectChild(child: ChildProcess, deadline: Deadline): Promise<McpConnection> {
    try {
      return await this.openOn(child, deadline, this.legacyOnly);
    } catch (error) {
      const gone = await this.supervisor.waitForExit(child, EXIT_SETTLE_MS);
      if (gone === undefined) {
        void this.supervisor.stopChild(child, this.handshakeFailure(error));
        throw error;
      }
      if (this.legacyOnly || this.closed || gone.kind === 'spawn_failed') throw gone;
      // Servers built on SDKs that terminate on any pre-`initialize` request exit on the probe.
      this.log.push(
        'supervisor',
        `${gone.message} during the server/discover probe; retrying with the legacy initialize handshake`,
      );
      const retry = this.supervisor.spawnNow();
      if (retry === undefined) throw gone;
      try {
        const conn = await this.openOn(retry, deadline, true);
        this.legacyOnly = true;
        return conn;
      } catch (retryError) {
        const again = await this.supervisor.waitForExit(retry, EXIT_SETTLE_MS);
        if (again !== undefined) throw again;
        void this.supervisor.stopChild(retry, this.handshakeFailure(retryError));
        throw retryError;
      }
    }
  }

  /** Why a live child is being stopped after its handshake failed (the connect may have outlived its check). */
  private handshakeFailure(error: unknown): string {
    const described = describeError(error, { timeoutMs: STDIO_CONNECT_TIMEOUT_MS });
    const reason =
      described.kind === 'timeout' && this.lastInvalid !== undefined
        ? this.lastInvalid.message
        : described.reason;
    return `no completed MCP handshake: ${reason}`;
  }

  private async openOn(child: ChildProcess, deadline: Deadline, legacyOnly: boolean): Promise<McpConnection> {
    this.lastInvalid = undefined;
    const transport = new ChildTransport(child, {
      limit: this.options.answerLimit,
      onInvalid: (error) => (this.lastInvalid = error),
    });
    const conn = await McpConnection.open(transport, deadline, {
      connectTimeoutMs: STDIO_CONNECT_TIMEOUT_MS,
      probeTimeoutMs: STDIO_PROBE_TIMEOUT_MS,
      legacyOnly,
    });
    if (this.closed) {
      await conn.close();
      throw new Error('session closed');
    }
    // A legacy server that sat out the whole probe would cost that wait on every restart.
    if (!legacyOnly && conn.era() === 'legacy' && conn.connectMs >= STDIO_PROBE_TIMEOUT_MS)
      this.legacyOnly = true;
    this.conn = conn;
    this.connChild = child;
    this.log.push('supervisor', connectedLine(conn));
    return conn;
  }
}
