/**
 * One stdio server process for the gateway: spawned from the server's spec, framed with the
 * checker's ChildTransport, its stderr kept as a short tail (to explain a death), stopped with
 * SIGTERM then SIGKILL. Never restarted: a dead child ends its session.
 */
import type { ChildProcess } from 'node:child_process';
import { getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { ChildTransport } from '../session/child-transport.js';
import { excerpt } from '../session/describe-error.js';
import { signal, spawnServer } from '../spawn-server.js';
import type { ServerSpec } from '../../model/server.js';
import type { AnswerLimit } from '../../shared/answer-limit.js';

export type StdioSpec = Extract<ServerSpec, { transport: 'stdio' }>;

const KILL_GRACE_MS = 2000;
const STDERR_TAIL_LINES = 5;

export class StdioChild {
  readonly transport: ChildTransport;
  /** Resolves with why the process ended (or failed to start). */
  readonly gone: Promise<Error>;
  private readonly child: ChildProcess;
  private readonly stderrTail: string[] = [];

  /** `limit`: the longest stdout line read; a longer one fails the request it answers. */
  constructor(spec: StdioSpec, limit: AnswerLimit) {
    const env = {
      ...getDefaultEnvironment(),
      ...Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, v.value])),
    };
    const { child, ended } = spawnServer(
      { command: spec.command, args: spec.args, env, cwd: spec.cwd },
      (line) => {
        this.stderrTail.push(excerpt(line, 300));
        if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      },
    );
    this.child = child;
    this.gone = ended.then((gone) => {
      if (gone.kind === 'spawn_failed') return gone;
      const tail = this.stderrTail.length > 0 ? `; last stderr: ${this.stderrTail.join(' | ')}` : '';
      return new Error(`${gone.message}${tail}`);
    });
    this.transport = new ChildTransport(child, { limit });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Why it ended, if it did within `ms`. */
  async goneWithin(ms: number): Promise<Error | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    return Promise.race([this.gone, wait]).finally(() => clearTimeout(timer));
  }

  /** SIGTERM, then SIGKILL after 2 s; resolves once it has exited. */
  async stop(): Promise<void> {
    await this.transport.close();
    if (!this.running) return;
    signal(this.child, 'SIGTERM');
    if ((await this.goneWithin(KILL_GRACE_MS)) !== undefined) return;
    signal(this.child, 'SIGKILL');
    await this.goneWithin(KILL_GRACE_MS);
  }
}
