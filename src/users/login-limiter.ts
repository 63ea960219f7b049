/**
 * Slows down password guessing: per user name and per client address, failures within the
 * window are counted; from the `free`-th on, each further try must wait twice as long as the
 * last (1 s, 2 s, 4 s … up to `maxDelayMs`). A success clears the user name's count (not the
 * address's: one address guessing many names stays slowed). In memory, bounded: the oldest
 * entries go first past `maxEntries`.
 */
export interface LimiterOptions {
  free?: number;
  windowMs?: number;
  maxDelayMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  last: number;
}

export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly free: number;
  private readonly windowMs: number;
  private readonly maxDelayMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: LimiterOptions = {}) {
    this.free = options.free ?? 5;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds to wait before another try is taken for these keys; 0 when one may try now. */
  waitMs(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const e = this.entries.get(key);
      if (e === undefined || now - e.last > this.windowMs) continue;
      if (e.failures < this.free) continue;
      const delay = Math.min(this.maxDelayMs, 1000 * 2 ** (e.failures - this.free));
      wait = Math.max(wait, e.last + delay - now);
    }
    return wait;
  }

  failed(keys: string[]): void {
    const now = this.now();
    for (const key of keys) {
      const e = this.entries.get(key);
      const failures = e === undefined || now - e.last > this.windowMs ? 1 : e.failures + 1;
      this.entries.delete(key);
      this.entries.set(key, { failures, last: now });
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  succeeded(key: string): void {
    this.entries.delete(key);
  }
}
