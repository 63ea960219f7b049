/** The budget of one check: a wall-clock deadline with an abort signal and a race helper. */

/** Thrown (and used as the abort reason) when a check's budget runs out. */
export class CheckTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'CheckTimeoutError';
  }
}

export class Deadline {
  readonly startedAt = performance.now();
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly expiry: Promise<never>;

  constructor(readonly timeoutMs: number) {
    const { signal } = this.controller;
    this.expiry = new Promise<never>((_resolve, reject) => {
      signal.addEventListener(
        'abort',
        () => reject(signal.reason instanceof Error ? signal.reason : new CheckTimeoutError(timeoutMs)),
        { once: true },
      );
    });
    // Nobody may be racing when it fires; never let that surface as an unhandled rejection.
    this.expiry.catch(() => undefined);
    // The error (and its stack) is made only when the budget runs out, not for every check.
    this.timer = setTimeout(
      () => this.controller.abort(new CheckTimeoutError(timeoutMs)),
      Math.max(0, timeoutMs),
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  elapsed(): number {
    return performance.now() - this.startedAt;
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return Math.max(0, this.timeoutMs - this.elapsed());
  }

  /** Settles like `work`, or rejects with {@link CheckTimeoutError} when the budget runs out first. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expiry]);
  }

  /** Ends the budget early (e.g. the session is closing): racers reject with `reason`. */
  cancel(reason: Error): void {
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** Stops the timer; call when the check is over. */
  dispose(): void {
    clearTimeout(this.timer);
  }
}

/** Resolves after `ms`, or early when `signal` aborts; never rejects, never keeps the loop alive past it. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
