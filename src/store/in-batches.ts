/** Rows per batch for retention deletes: small enough that writers are never held up for long. */
export const RETENTION_BATCH = 5000;

/**
 * Calls `deleteBatch` until it deletes fewer rows than a batch, yielding between calls so that
 * other writes go on meanwhile (never one giant DELETE). Returns the rows deleted.
 */
export async function inBatches(
  deleteBatch: (batch: number) => Promise<number>,
  batch = RETENTION_BATCH,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteBatch(batch);
    total += n;
    if (n < batch) return total;
    await new Promise((r) => setImmediate(r));
  }
}
