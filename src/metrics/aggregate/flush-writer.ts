/**
 * One batch of the aggregator written in one transaction: its minute roll-ups (plus each server's
 * total per minute), usage rows, error groups with their samples and counts, under its flush id (a retried batch
 * whose commit did happen writes nothing twice). A row the store refuses for its data does not
 * keep the rest out: the batch is then written a row at a time, the bad rows dropped and counted.
 */
import { SERVER_TOTAL, rollupsRepo, type NewRollup } from '../../store/rollups-repo.js';
import { eachInSavepoint, inTransaction, isRowError } from '../../store/row-by-row.js';
import type { Db } from '../../store/tables.js';
import { usageRepo } from '../../store/usage-repo.js';
import { emptyRecording, mergeCounters } from './bucket.js';
import { writeErrors } from '../../errors/index.js';
import { flushLog } from './flush-log-repo.js';
import type { Pending, RequestBucket } from './pending.js';

const SEP = '\u0000';

/** Rows written (0 when the flush id was committed already), and rows refused for their data. */
export async function writeBatch(
  db: Db,
  p: Pending,
  flushId: string,
  now: number,
): Promise<{ written: number; refused: number }> {
  const buckets = [...p.buckets.values()];
  // each server's total per minute beside its endpoints' rows (SERVER_TOTAL)
  const rollups: NewRollup[] = buckets.concat(serverTotals(buckets)).map((b) => ({
    server_id: b.serverId,
    endpoint: b.endpoint,
    resolution: b.resolution,
    bucket_start: b.minute,
    count: b.count,
    errors: b.errors,
    tool_errors: b.toolErrors,
    timeouts: b.timeouts,
    sum_ms: b.sumMs,
    min_ms: b.minMs,
    max_ms: b.maxMs,
    sketch: b.bins.encode(),
  }));
  const usage = [...p.usage.values()].map((u) => ({
    bucket_start: u.hour,
    server_id: u.serverId,
    client_name: u.clientName,
    client_version: u.clientVersion,
    protocol_version: u.protocolVersion,
    count: u.count,
    errors: u.errors,
    tool_errors: u.toolErrors,
  }));
  const errorRows = [...p.errors.values()].reduce((n, g) => n + 1 + g.samples.length, 0);
  const total = rollups.length + usage.length + errorRows;
  try {
    const written = await db.transaction().execute(async (trx) => {
      if (!(await flushLog.claim(trx, flushId, now))) return false;
      await rollupsRepo.insertMany(trx, rollups);
      await usageRepo.addMany(trx, usage);
      await writeErrors(trx, p.errors);
      return true;
    });
    return { written: written ? total : 0, refused: 0 };
  } catch (err) {
    if (!isRowError(err)) throw err;
  }
  // One row the store refuses must not keep the batch (and every later one) out: a row at a time.
  const refused = await inTransaction(db, async (trx) => {
    if (!(await flushLog.claim(trx, flushId, now))) return undefined;
    return (
      (await eachInSavepoint(trx, rollups, (t, r) => rollupsRepo.insertMany(t, [r]))) +
      (await eachInSavepoint(trx, usage, (t, u) => usageRepo.addMany(t, [u]))) +
      (await eachInSavepoint(trx, [...p.errors], (t, [fp, g]) => writeErrors(t, new Map([[fp, g]]))))
    );
  });
  if (refused === undefined) return { written: 0, refused: 0 };
  return { written: total - refused, refused };
}

/** Each (server, bucket)'s buckets merged, counters and bins: the rows with endpoint `SERVER_TOTAL`. */
function serverTotals(buckets: RequestBucket[]): RequestBucket[] {
  const totals = new Map<string, RequestBucket>();
  for (const b of buckets) {
    const key = `${b.serverId}${SEP}${b.minute}${SEP}${b.resolution}`;
    let t = totals.get(key);
    if (!t)
      totals.set(
        key,
        (t = {
          ...emptyRecording(),
          serverId: b.serverId,
          endpoint: SERVER_TOTAL,
          minute: b.minute,
          resolution: b.resolution,
        }),
      );
    mergeCounters(t, b);
    t.bins.addBins(b.bins);
  }
  return [...totals.values()];
}
