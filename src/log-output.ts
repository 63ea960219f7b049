/**
 * Where the monitor's log lines go (standard output), written so that the output can never stop
 * the monitor. pino's own destination writes synchronously: when the pipe is full because its
 * reader stalled (a log shipper that hangs, a pager, a parent that stopped reading), every log
 * call blocks — checks, the API and even a second SIGTERM wait forever. Here writes go through
 * libuv's thread pool, at most `maxQueuedBytes` wait (beyond that lines are dropped and counted,
 * and the count is written once the output moves again), and a reader that is gone (EPIPE) ends
 * the writing, not the monitor.
 */
import { write } from 'node:fs';
import { isatty } from 'node:tty';
import { prettyFactory } from 'pino-pretty';

export class LogOutput {
  /** Lines dropped because the output did not keep up (since the last notice of it). */
  dropped = 0;
  private queue: Buffer[] = [];
  private queued = 0;
  private writing = false;
  private broken = false;
  private idle: (() => void)[] = [];

  /** Human-readable lines for a person at a terminal; JSON lines for everything else. */
  private readonly pretty: ((line: string) => string) | undefined;

  constructor(
    private readonly fd = 1,
    private readonly maxQueuedBytes = 4 * 1024 * 1024,
    pretty = isatty(fd),
  ) {
    this.pretty = pretty
      ? prettyFactory({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' })
      : undefined;
  }

  write(json: string): void {
    if (this.broken) return;
    const line = this.pretty ? this.pretty(json) : json;
    if (this.queued + line.length > this.maxQueuedBytes) {
      this.dropped++;
      return;
    }
    const bytes = Buffer.from(line);
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (!this.writing) this.next();
  }

  /** Resolves when what is queued is written, or after `timeoutMs` (a stalled reader), whichever first. */
  flush(timeoutMs: number): Promise<void> {
    if (!this.writing || this.broken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private next(): void {
    if (this.dropped > 0) {
      this.queue.unshift(
        Buffer.from(
          `${JSON.stringify({ level: 40, msg: `${this.dropped} log lines dropped: the output did not keep up` })}\n`,
        ),
      );
      this.dropped = 0;
    }
    const chunk = Buffer.concat(this.queue);
    this.queue = [];
    this.queued = 0;
    this.writing = true;
    this.writeAll(chunk);
  }

  private writeAll(chunk: Buffer): void {
    write(this.fd, chunk, (err, written) => {
      if (err) {
        if (err.code === 'EAGAIN') {
          setTimeout(() => this.writeAll(chunk), 50).unref();
          return;
        }
        this.broken = true; // EPIPE: nobody reads any more
        this.settle();
        return;
      }
      if (written < chunk.length) return this.writeAll(chunk.subarray(written));
      if (this.queue.length > 0 || this.dropped > 0) return this.next();
      this.settle();
    });
  }

  private settle(): void {
    this.writing = false;
    for (const done of this.idle.splice(0)) done();
  }
}
