import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db, IncidentsTable } from '../store/tables.js';

export type IncidentRow = Selectable<IncidentsTable>;
export type NewIncident = Insertable<IncidentsTable>;
export type IncidentChange = Updateable<IncidentsTable>;

export interface IncidentFilter {
  from: number;
  to: number;
  serverId?: string | undefined;
  status?: string | undefined;
  limit: number;
}

/** The incidents part's SQL: the `incidents` table (012). */
export const incidentsRepo = {
  async insert(db: Db, row: NewIncident): Promise<IncidentRow> {
    return db.insertInto('incidents').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async update(db: Db, id: number, change: IncidentChange): Promise<IncidentRow | undefined> {
    if (Object.keys(change).length > 0)
      await db.updateTable('incidents').set(change).where('id', '=', id).execute();
    return this.get(db, id);
  },

  async get(db: Db, id: number): Promise<IncidentRow | undefined> {
    return db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async open(db: Db): Promise<IncidentRow[]> {
    return db.selectFrom('incidents').selectAll().where('status', '=', 'open').execute();
  },

  /** Incidents that were open at some time of [from, to), newest first. */
  async list(db: Db, f: IncidentFilter): Promise<IncidentRow[]> {
    let q = db
      .selectFrom('incidents')
      .selectAll()
      .where('opened_at', '<', f.to)
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', f.from)]));
    if (f.serverId !== undefined) q = q.where('server_id', '=', f.serverId);
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    return q.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  },

  /** Closed incidents to compare with (similar search), newest first. */
  async closed(db: Db, exceptId: number | undefined, limit: number): Promise<IncidentRow[]> {
    let q = db.selectFrom('incidents').selectAll().where('status', '=', 'resolved');
    if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
    return q.orderBy('opened_at', 'desc').limit(limit).execute();
  },

  /** Deletes at most `batch` incidents closed before `before`; the count deleted. */
  async closedBefore(db: Db, before: number, batch: number): Promise<number> {
    const ids = db.selectFrom('incidents').select('id').where('closed_at', '<', before).limit(batch);
    const r = await db.deleteFrom('incidents').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
