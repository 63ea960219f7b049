import type { Bus } from '../shared/bus.js';
import { fromJson, toJson } from '../store/json.js';
import type { Db } from '../store/tables.js';
import type { AlertMessage, DashboardNotification, NotificationInput } from '../model/notification.js';
import { iso } from '../shared/iso-time.js';

/** How many notifications the bell keeps; older ones are pruned as new ones come. */
export const KEEP_NOTIFICATIONS = 1000;

const view = (r: {
  id: number;
  at: number;
  title: string;
  message: string;
  history_id: number | null;
  read: number;
}): DashboardNotification => ({
  id: r.id,
  history_id: r.history_id,
  at: iso(r.at),
  title: r.title,
  // safe because the column is only ever written by `add` from an AlertMessage
  message: fromJson(r.message, {} as AlertMessage),
  read: r.read !== 0,
});

/** The dashboard's notifications (the bell, migration 010): thin typed queries. */
export const dashboardNotificationsRepo = {
  async add(
    db: Db,
    n: NotificationInput,
    at: number,
    historyId: number | null,
  ): Promise<DashboardNotification> {
    const row = { at, title: n.title.slice(0, 500), message: toJson(n.message), history_id: historyId };
    const { id } = await db.insertInto('notifications').values(row).returning('id').executeTakeFirstOrThrow();
    if (id % 100 === 0) await this.prune(db, KEEP_NOTIFICATIONS);
    return view({ ...row, id, read: 0 });
  },
  /** Newest first. */
  async list(db: Db, limit: number): Promise<DashboardNotification[]> {
    const rows = await db
      .selectFrom('notifications')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(view);
  },
  async unread(db: Db): Promise<number> {
    const r = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('read', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  /** Marks the notifications `ids` (or every one) read; returns how many were unread. */
  async markRead(db: Db, ids: readonly number[] | 'all'): Promise<number> {
    let q = db.updateTable('notifications').set({ read: 1 }).where('read', '=', 0);
    if (ids !== 'all') q = q.where('id', 'in', ids);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
  async prune(db: Db, keep: number): Promise<void> {
    const edge = await db
      .selectFrom('notifications')
      .select('id')
      .orderBy('id', 'desc')
      .offset(keep)
      .limit(1)
      .executeTakeFirst();
    if (edge) await db.deleteFrom('notifications').where('id', '<=', edge.id).execute();
  },
};

/** Puts a notification in the bell: stored with its read state, then pushed to live dashboards. */
export async function postNotification(
  db: Db,
  bus: Bus,
  n: NotificationInput,
  at: number,
  historyId: number | null = null,
): Promise<DashboardNotification> {
  const stored = await dashboardNotificationsRepo.add(db, n, at, historyId);
  bus.emit('notification', stored);
  return stored;
}
