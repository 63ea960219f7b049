/**
 * One stdio server process for the gateway: spawned from the server's spec, framed with the
 * checker's ChildTransport, its stderr kept as a short tail (to explain a death), stopped with
 * SIGTERM then SIGKILL. Never restarted: a dead child ends its session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { ChildTransport } from '../session/child-transport.js';
import { describeExit, describeSpawnError, excerpt } from '../session/describe-error.js';
import { LineSplitter } from '../session/log-ring.js';
import type { ServerSpec } from '../../model/server.js';
import type { AnswerLimit } from '../../shared/answer-limit.js';

export type StdioSpec = Extract<ServerSpec, { transport: 'stdio' }>;

const KILL_GRACE_MS = 2000;
const STDERR_TAIL_LINES = 5;

/** Children still running, killed if the monitor exits without closing the gateway. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}

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
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    track(child);
    const stderr = new LineSplitter((line) => {
      this.stderrTail.push(excerpt(line, 300));
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk));
    child.stderr?.on('error', () => undefined);
    child.stdout?.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    this.gone = new Promise((resolve) => {
      child.once('error', (error) => {
        if (child.pid === undefined)
          resolve(describeSpawnError(error, spec.command, spec.cwd !== undefined && !existsSync(spec.cwd)));
      });
      child.once('exit', (code, signal) => {
        stderr.flush();
        const tail = this.stderrTail.length > 0 ? `; last stderr: ${this.stderrTail.join(' | ')}` : '';
        resolve(new Error(`${describeExit(code, signal).message}${tail}`));
      });
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
    this.signal('SIGTERM');
    if ((await this.goneWithin(KILL_GRACE_MS)) !== undefined) return;
    this.signal('SIGKILL');
    await this.goneWithin(KILL_GRACE_MS);
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      this.child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}
