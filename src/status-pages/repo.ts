import type { StatusPage, StatusPageInput } from '../model/status-page.js';
import { fromJson, toJson } from '../store/json.js';
import type { Db, StatusPagesTable } from '../store/tables.js';
import type { Selectable } from 'kysely';

const fromRow = (r: Selectable<StatusPagesTable>): StatusPage => ({
  id: r.id,
  slug: r.slug,
  title: r.title,
  servers: r.servers === null ? null : fromJson<string[]>(r.servers, []),
  tags: r.tags === null ? null : fromJson<string[]>(r.tags, []),
  public: r.public === 1,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

const columns = (p: StatusPageInput) => ({
  slug: p.slug,
  title: p.title,
  servers: p.servers === null ? null : toJson(p.servers),
  tags: p.tags === null ? null : toJson(p.tags),
  public: p.public ? 1 : 0,
});

/** `status_pages` (migration 014). */
export const statusPagesRepo = {
  async list(db: Db): Promise<StatusPage[]> {
    return (await db.selectFrom('status_pages').selectAll().orderBy('slug').execute()).map(fromRow);
  },
  async byId(db: Db, id: number): Promise<StatusPage | undefined> {
    const r = await db.selectFrom('status_pages').selectAll().where('id', '=', id).executeTakeFirst();
    return r && fromRow(r);
  },
  async bySlug(db: Db, slug: string): Promise<StatusPage | undefined> {
    const r = await db.selectFrom('status_pages').selectAll().where('slug', '=', slug).executeTakeFirst();
    return r && fromRow(r);
  },
  async insert(db: Db, p: StatusPageInput, now: number): Promise<number> {
    const r = await db
      .insertInto('status_pages')
      .values({ ...columns(p), created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },
  async update(db: Db, id: number, p: StatusPageInput, now: number): Promise<void> {
    await db
      .updateTable('status_pages')
      .set({ ...columns(p), updated_at: now })
      .where('id', '=', id)
      .execute();
  },
  async remove(db: Db, id: number): Promise<boolean> {
    const r = await db.deleteFrom('status_pages').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
};
