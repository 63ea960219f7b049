/**
 * Whether the store takes writes, as the periodic writers (metrics flushes, check batches) find
 * out: /readyz reports it, and the API answers 503 with the cause while the disk is full. What
 * those writers hold in memory meanwhile is written once space returns.
 */

function parts(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown } | null;
  return {
    code: typeof e?.code === 'string' ? e.code : '',
    message: typeof e?.message === 'string' ? e.message : '',
  };
}

/** A write refused because there is no room: SQLite's SQLITE_FULL, the OS's ENOSPC, PostgreSQL's disk_full. */
export function isStoreFull(err: unknown): boolean {
  const { code, message } = parts(err);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === '53100') return true;
  return code.startsWith('SQLITE_IOERR') && /space|full/i.test(message);
}

/** The cause in words, with its code: "SQLITE_FULL: database or disk is full". */
export function storeFullCause(err: unknown): string {
  const { code, message } = parts(err);
  return `${code || 'ENOSPC'}: ${message || 'no space left'}`;
}

export class StoreHealth {
  /** Why the last write failed for want of room; null while writes succeed. */
  cause: string | null = null;

  get writable(): boolean {
    return this.cause === null;
  }

  /** A periodic write failed: remembered when for want of room. Returns whether it was that. */
  failed(err: unknown): boolean {
    if (!isStoreFull(err)) return false;
    this.cause = storeFullCause(err);
    return true;
  }

  succeeded(): void {
    this.cause = null;
  }
}
