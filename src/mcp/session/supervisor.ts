/**
 * Launches and supervises one stdio server process: tees its stderr into the log ring,
 * restarts it with exponential backoff when it dies (1 s, 2 s, 4 s … 60 s; reset once it has
 * stayed up 60 s), and stops it with SIGTERM, then SIGKILL after 2 s.
 */
import type { ChildProcess } from 'node:child_process';
import { signal, spawnServer } from '../spawn-server.js';
import { ProcessGoneError } from './describe-error.js';
import type { LogRing } from './log-ring.js';

export interface SupervisorOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string | undefined;
  log: LogRing;
  /** Start the process again when it ends (default true); false for a one-off check. */
  restart?: boolean;
}

export type SupervisorState = 'idle' | 'running' | 'waiting' | 'stopped';

export const BACKOFF_START_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;
export const STABLE_AFTER_MS = 60_000;
export const KILL_GRACE_MS = 2000;

/** Resolves with the promise's value, or undefined after `ms`; the timer is always cleared. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class ProcessSupervisor {
  private child: ChildProcess | undefined;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastExit: ProcessGoneError | undefined;
  private readonly exits = new WeakMap<ChildProcess, Promise<ProcessGoneError>>();
  /** Why the monitor itself stopped a child, which then explains its exit better than the signal. */
  private readonly stopReasons = new WeakMap<ChildProcess, string>();

  constructor(private readonly options: SupervisorOptions) {}

  state(): SupervisorState {
    if (this.stopped) return 'stopped';
    if (this.child !== undefined) return 'running';
    return this.restartTimer !== undefined ? 'waiting' : 'idle';
  }

  current(): ChildProcess | undefined {
    return this.child;
  }

  /** Why the last child ended (or failed to start). */
  lastFailure(): ProcessGoneError | undefined {
    return this.lastExit;
  }

  /** The child's end, once known within `ms`; undefined while it still runs. */
  waitForExit(child: ChildProcess, ms: number): Promise<ProcessGoneError | undefined> {
    const exit = this.exits.get(child);
    return exit === undefined ? Promise.resolve(undefined) : within(exit, ms);
  }

  /** The running child, spawning one now (cancelling a pending restart) if there is none. */
  spawnNow(): ChildProcess | undefined {
    if (this.stopped) return undefined;
    this.cancelRestart();
    return this.child ?? this.spawnChild();
  }

  /** SIGTERM, then SIGKILL after 2 s; resolves once it has exited (or given up). */
  async stopChild(child: ChildProcess, why: string): Promise<void> {
    const exit = this.exits.get(child);
    if (exit === undefined || child.pid === undefined) return;
    if (child.exitCode === null && child.signalCode === null) {
      this.options.log.push('supervisor', `stopping pid ${child.pid} (${why})`);
      this.stopReasons.set(child, why);
      signal(child, 'SIGTERM');
    }
    if ((await within(exit, KILL_GRACE_MS)) !== undefined) return;
    this.options.log.push(
      'supervisor',
      `pid ${child.pid} still running after ${KILL_GRACE_MS / 1000} s, sending SIGKILL`,
    );
    signal(child, 'SIGKILL');
    await within(exit, KILL_GRACE_MS);
  }

  /** Stops supervising: cancels restarts and stops the child. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelRestart();
    const child = this.child;
    if (child !== undefined) await this.stopChild(child, 'closing');
  }

  private spawnChild(): ChildProcess {
    const { log } = this.options;
    const { child, ended } = spawnServer(this.options, (line) => log.push('stderr', line));
    this.child = child;
    const spawnedAt = performance.now();
    this.exits.set(child, ended);
    child.on('error', (error) => {
      if (child.pid !== undefined) log.push('supervisor', `process error: ${error.message}`);
    });
    void ended.then((gone) => this.handleEnd(child, gone, performance.now() - spawnedAt));
    if (child.pid !== undefined) log.push('supervisor', `started pid ${child.pid}`);
    return child;
  }

  private handleEnd(child: ChildProcess, gone: ProcessGoneError, uptime: number): void {
    if (this.child === child) this.child = undefined;
    const what = gone.kind === 'spawn_failed' ? gone.message : gone.message.replace(/^process /, '');
    this.options.log.push('supervisor', child.pid === undefined ? what : `pid ${child.pid} ${what}`);
    const stoppedBecause = this.stopReasons.get(child);
    this.lastExit =
      stoppedBecause === undefined
        ? gone
        : new ProcessGoneError('process_exited', `process stopped by the monitor: ${stoppedBecause}`);
    if (this.stopped || this.child !== undefined || this.options.restart === false) return;
    if (uptime >= STABLE_AFTER_MS) this.failures = 0;
    const delay = Math.min(BACKOFF_START_MS * 2 ** this.failures, BACKOFF_MAX_MS);
    this.failures += 1;
    this.options.log.push('supervisor', `restarting in ${delay / 1000} s`);
    this.cancelRestart();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopped && this.child === undefined) this.spawnChild();
    }, delay);
  }

  private cancelRestart(): void {
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}
