import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const KEEP_LINES = 50;

export interface ChildRecipe {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * A child process whose stdout/stderr are piped and kept as a short ring buffer (never echoed to
 * the parent's stdout). Stopping sends SIGTERM, then SIGKILL after a grace period.
 */
export class ManagedChild {
  readonly name: string;
  readonly proc: ChildProcess;
  private readonly lines: string[] = [];
  private readonly exited: Promise<void>;
  private readonly lineWaiters = new Set<(line: string) => void>();

  constructor(recipe: ChildRecipe) {
    this.name = recipe.name;
    this.proc = spawn(recipe.command, recipe.args, {
      env: { ...process.env, ...recipe.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.once('error', (err) => this.keep(`[spawn error] ${err.message}`));
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on('line', (line) => this.keep(line));
    }
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null && this.proc.pid !== undefined;
  }

  /** The last lines the child wrote (stdout and stderr interleaved), oldest first. */
  recentOutput(): string[] {
    return [...this.lines];
  }

  private keep(line: string): void {
    this.lines.push(line);
    if (this.lines.length > KEEP_LINES) this.lines.shift();
    for (const waiter of this.lineWaiters) waiter(line);
  }

  private failure(what: string): Error {
    const tail = this.lines.slice(-10).join('\n  ');
    return new Error(`${this.name}: ${what}${tail === '' ? '' : `; last output:\n  ${tail}`}`);
  }

  /** Resolves with the first output line matching `pattern` (capture group 1 if present). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.lineWaiters.delete(onLine);
        this.proc.off('exit', onExit);
      };
      const onLine = (line: string): void => {
        const match = pattern.exec(line);
        if (match === null) return;
        done();
        resolve(match[1] ?? match[0]);
      };
      const onExit = (): void => {
        done();
        reject(
          this.failure(`exited (${String(this.proc.exitCode ?? this.proc.signalCode)}) before it was ready`),
        );
      };
      const timer = setTimeout(() => {
        done();
        reject(this.failure(`not ready after ${timeoutMs} ms`));
      }, timeoutMs);
      this.lineWaiters.add(onLine);
      this.proc.once('exit', onExit);
      if (!this.running) onExit();
    });
  }

  /** Resolves once `host:port` accepts TCP connections. */
  async waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw this.failure(`exited (${String(this.proc.exitCode ?? this.proc.signalCode)})`);
      if (await canConnect(port, host)) return;
      await sleep(100);
    }
    throw this.failure(`port ${port} not accepting connections after ${timeoutMs} ms`);
  }

  async stop(graceMs = 3_000): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }

  /** Synchronous last resort (from a `process.on('exit')` hook). */
  killNow(): void {
    if (this.running) this.proc.kill('SIGKILL');
  }
}

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A port that was free a moment ago (there is a small race until the child binds it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
