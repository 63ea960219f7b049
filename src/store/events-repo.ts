import type { Selectable } from 'kysely';
import type { Db, EventsTable } from './tables.js';
import { fromJson, toJson } from './json.js';

export type EventKind = 'deployment' | 'config_change' | 'disabled' | 'enabled' | 'status_change';

export interface EventRow {
  id: number;
  server_id: string | null;
  kind: string;
  message: string;
  data: Record<string, unknown>;
  at: string;
}

export interface NewEvent {
  serverId: string | null;
  kind: EventKind;
  message: string;
  data?: Record<string, unknown>;
  at?: number;
}

export const eventsRepo = {
  async insert(db: Db, e: NewEvent): Promise<void> {
    await db
      .insertInto('events')
      .values({
        server_id: e.serverId,
        kind: e.kind,
        message: e.message,
        data: e.data ? toJson(e.data) : null,
        at: e.at ?? Date.now(),
      })
      .execute();
  },
  async recent(db: Db, serverId: string, limit: number): Promise<EventRow[]> {
    const rows = await db
      .selectFrom('events')
      .selectAll()
      .where('server_id', '=', serverId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(eventRow);
  },
  /** Events of these kinds in [from, to) (a server's, or every server's), newest first, at most `limit`. */
  async between(
    db: Db,
    q: { from: number; to: number; serverId: string | undefined; kinds: EventKind[]; limit: number },
  ): Promise<EventRow[]> {
    let query = db
      .selectFrom('events')
      .selectAll()
      .where('at', '>=', q.from)
      .where('at', '<', q.to)
      .where('kind', 'in', q.kinds);
    if (q.serverId !== undefined) query = query.where('server_id', '=', q.serverId);
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map(eventRow);
  },
};

function eventRow(r: Selectable<EventsTable>): EventRow {
  return {
    id: r.id,
    server_id: r.server_id,
    kind: r.kind,
    message: r.message,
    data: fromJson<Record<string, unknown>>(r.data, {}),
    at: new Date(r.at).toISOString(),
  };
}

export const auditRepo = {
  async insert(
    db: Db,
    entry: { actor: string; action: string; target: string | null; details?: unknown },
  ): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        at: Date.now(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        details: entry.details === undefined ? null : toJson(entry.details),
      })
      .execute();
  },
  /** Entries in [from, to), newest first, optionally of one actor or target. */
  async list(
    db: Db,
    q: { from: number; to: number; actor?: string | undefined; target?: string | undefined; limit: number },
  ): Promise<AuditRow[]> {
    let query = db.selectFrom('audit_log').selectAll().where('at', '>=', q.from).where('at', '<', q.to);
    if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
    if (q.target !== undefined) query = query.where('target', '=', q.target);
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map((r) => ({ ...r, details: fromJson<unknown>(r.details, null) }));
  },
};

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  details: unknown;
}
