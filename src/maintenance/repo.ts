import type { Selectable } from 'kysely';
import { fromJson, toJson } from '../store/json.js';
import type { Db, MaintenanceWindowsTable } from '../store/tables.js';
import type { MaintenanceWindow } from '../model/maintenance.js';

/** Maintenance windows: thin typed queries over `maintenance_windows` (migration 015). */

const fromRow = (r: Selectable<MaintenanceWindowsTable>): MaintenanceWindow => ({
  id: r.id,
  title: r.title,
  servers: r.servers === null ? null : fromJson<string[]>(r.servers, []),
  tags: r.tags === null ? null : fromJson<string[]>(r.tags, []),
  startsAt: r.starts_at,
  durationMs: r.duration_ms,
  recurrence: fromJson<MaintenanceWindow['recurrence']>(r.recurrence, null),
  timeZone: r.time_zone,
  source: r.source === 'config' ? 'config' : 'api',
  by: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRow = (w: Omit<MaintenanceWindow, 'id'>) => ({
  title: w.title,
  servers: w.servers === null ? null : toJson(w.servers),
  tags: w.tags === null ? null : toJson(w.tags),
  starts_at: w.startsAt,
  duration_ms: w.durationMs,
  recurrence: w.recurrence === null ? null : toJson(w.recurrence),
  time_zone: w.timeZone,
  source: w.source,
  created_by: w.by,
  created_at: w.createdAt,
  updated_at: w.updatedAt,
});

export const windowsRepo = {
  async list(db: Db): Promise<MaintenanceWindow[]> {
    const rows = await db.selectFrom('maintenance_windows').selectAll().orderBy('id').execute();
    return rows.map(fromRow);
  },
  async insert(db: Db, w: Omit<MaintenanceWindow, 'id'>): Promise<MaintenanceWindow> {
    const { id } = await db
      .insertInto('maintenance_windows')
      .values(toRow(w))
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...w, id };
  },
  async update(db: Db, w: MaintenanceWindow): Promise<void> {
    const r = toRow(w);
    // Every column but created_at, which never changes.
    await db
      .updateTable('maintenance_windows')
      .set({
        title: r.title,
        servers: r.servers,
        tags: r.tags,
        starts_at: r.starts_at,
        duration_ms: r.duration_ms,
        recurrence: r.recurrence,
        time_zone: r.time_zone,
        source: r.source,
        created_by: r.created_by,
        updated_at: r.updated_at,
      })
      .where('id', '=', w.id)
      .execute();
  },
  async delete(db: Db, id: number): Promise<boolean> {
    const r = await db.deleteFrom('maintenance_windows').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
};
