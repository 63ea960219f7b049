import { rollupsRepo, type Resolution, type RollupRange, type RollupRow } from '../../store/rollups-repo.js';
import type { Db } from '../../store/tables.js';
import { denseOf } from '../sketch/sketch-bins.js';

/**
 * Roll-up rows kept in memory by id, so that a dashboard asking again for a server's last 30
 * days reads the ids from the index and only the rows it has not seen from the table. Sound
 * because a row never changes once written (`rolled` is not kept: the id query applies it), and
 * ids are never reused (AUTOINCREMENT, bigserial). Bounded by the bytes it holds, the rows
 * read longest ago out first (no reordering on a hit: that churn cost more than it saved).
 */
export class RowCache {
  private readonly rows = new Map<number, RollupRow>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The rows of these ids, from memory where they are, the rest read (and kept). */
  async get(db: Db, ids: number[]): Promise<RollupRow[]> {
    const out: RollupRow[] = [];
    const missing: number[] = [];
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row) out.push(row);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const read = await rollupsRepo.byIds(db, missing);
    for (const row of read) {
      out.push(row);
      this.keep(row);
    }
    return out;
  }

  get size(): number {
    return this.rows.size;
  }

  private keep(row: RollupRow): void {
    if (this.rows.has(row.id)) return;
    this.rows.set(row.id, row);
    this.bytes += rowBytes(row);
    while (this.bytes > this.maxBytes) {
      const oldest = this.rows.entries().next().value;
      if (!oldest) break;
      this.rows.delete(oldest[0]);
      this.bytes -= rowBytes(oldest[1]);
    }
  }
}

/** Roughly what a row costs in memory: its sketch bytes and decoded bins, its strings, the objects. */
const rowBytes = (row: RollupRow): number =>
  row.sketch.byteLength +
  (denseOf(row.sketch)?.counts.byteLength ?? 0) +
  2 * (row.server_id.length + row.endpoint.length) +
  300;

/** 64 MB: about 25,000 hour rows with their decoded bins, 30-day series of three servers of ten endpoints. */
export const ROW_CACHE_BYTES = 64 * 2 ** 20;

const caches = new WeakMap<Db, RowCache>();

/** The cache of one store (ids are only unique within a store). */
export function rowCacheOf(db: Db): RowCache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new RowCache(ROW_CACHE_BYTES)));
  return c;
}

/** `rollupsRepo.range`, through the store's row cache. */
export async function cachedRange(
  db: Db,
  resolution: Resolution,
  unrolledFiner: Resolution[],
  r: RollupRange,
): Promise<RollupRow[]> {
  const ids = await rollupsRepo.rangeIds(db, resolution, unrolledFiner, r);
  return rowCacheOf(db).get(db, ids);
}
