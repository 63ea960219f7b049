import type { Db } from '../store/tables.js';
import { fromJson, toJson } from '../store/json.js';

export interface UserRow {
  id: number;
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
}

export interface TokenRow {
  id: number;
  user_id: number;
  user_name: string;
  user_role: string;
  name: string;
  role: string;
  servers: string[] | null;
  expires_at: number | null;
  created_at: number;
  last_used_at: number | null;
}

const tokenColumns = [
  'api_tokens.id',
  'api_tokens.user_id',
  'users.name as user_name',
  'users.role as user_role',
  'api_tokens.name',
  'api_tokens.role',
  'api_tokens.servers',
  'api_tokens.expires_at',
  'api_tokens.created_at',
  'api_tokens.last_used_at',
] as const;

const tokenOf = (r: Omit<TokenRow, 'servers'> & { servers: string | null }): TokenRow => ({
  ...r,
  servers: r.servers === null ? null : fromJson<string[]>(r.servers, []),
});

/** The SQL of users, their sessions and their API tokens (migration 016). */
export const usersRepo = {
  list: (db: Db): Promise<UserRow[]> => db.selectFrom('users').selectAll().orderBy('name').execute(),
  byId: (db: Db, id: number): Promise<UserRow | undefined> =>
    db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
  byName: (db: Db, name: string): Promise<UserRow | undefined> =>
    db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst(),
  async count(db: Db, role?: string): Promise<number> {
    let q = db.selectFrom('users').select((e) => e.fn.countAll<number>().as('n'));
    if (role !== undefined) q = q.where('role', '=', role);
    return (await q.executeTakeFirst())?.n ?? 0;
  },
  async insert(db: Db, u: Omit<UserRow, 'id'>): Promise<number> {
    const row = await db.insertInto('users').values(u).returning('id').executeTakeFirstOrThrow();
    return row.id;
  },
  async update(db: Db, id: number, fields: Partial<Pick<UserRow, 'role' | 'password_hash'>>): Promise<void> {
    await db
      .updateTable('users')
      .set({ ...fields, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  },
  /** The user, their sessions and their tokens, in one transaction. */
  async remove(db: Db, id: number): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_sessions').where('user_id', '=', id).execute();
      await trx.deleteFrom('api_tokens').where('user_id', '=', id).execute();
      await trx.deleteFrom('users').where('id', '=', id).execute();
    });
  },

  async insertSession(
    db: Db,
    s: { secret_hash: string; user_id: number; expires_at: number },
  ): Promise<void> {
    const now = Date.now();
    await db
      .insertInto('user_sessions')
      .values({ ...s, created_at: now, last_seen_at: now })
      .execute();
  },
  session: (db: Db, secretHash: string) =>
    db
      .selectFrom('user_sessions')
      .innerJoin('users', 'users.id', 'user_sessions.user_id')
      .select([
        'user_sessions.user_id',
        'user_sessions.last_seen_at',
        'user_sessions.expires_at',
        'users.name',
        'users.role',
      ])
      .where('user_sessions.secret_hash', '=', secretHash)
      .executeTakeFirst(),
  async touchSession(db: Db, secretHash: string, at: number): Promise<void> {
    await db
      .updateTable('user_sessions')
      .set({ last_seen_at: at })
      .where('secret_hash', '=', secretHash)
      .execute();
  },
  async deleteSession(db: Db, secretHash: string): Promise<void> {
    await db.deleteFrom('user_sessions').where('secret_hash', '=', secretHash).execute();
  },
  /** Sessions past their end or idle too long. */
  async deleteStaleSessions(db: Db, now: number, idleMs: number): Promise<void> {
    await db
      .deleteFrom('user_sessions')
      .where((e) => e.or([e('expires_at', '<=', now), e('last_seen_at', '<=', now - idleMs)]))
      .execute();
  },
  /** After a password change or a demotion: every session of the user ends. */
  async deleteSessionsOf(db: Db, userId: number): Promise<void> {
    await db.deleteFrom('user_sessions').where('user_id', '=', userId).execute();
  },

  async insertToken(
    db: Db,
    t: {
      user_id: number;
      name: string;
      role: string;
      secret_hash: string;
      servers: string[] | null;
      expires_at: number | null;
    },
  ): Promise<number> {
    const row = await db
      .insertInto('api_tokens')
      .values({
        ...t,
        servers: t.servers === null ? null : toJson(t.servers),
        created_at: Date.now(),
        last_used_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },
  async tokens(db: Db, userId?: number): Promise<TokenRow[]> {
    let q = db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(tokenColumns);
    if (userId !== undefined) q = q.where('api_tokens.user_id', '=', userId);
    return (await q.orderBy('api_tokens.id').execute()).map(tokenOf);
  },
  async token(db: Db, id: number): Promise<TokenRow | undefined> {
    const r = await db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(tokenColumns)
      .where('api_tokens.id', '=', id)
      .executeTakeFirst();
    return r === undefined ? undefined : tokenOf(r);
  },
  async tokenBySecret(db: Db, secretHash: string): Promise<TokenRow | undefined> {
    const r = await db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(tokenColumns)
      .where('api_tokens.secret_hash', '=', secretHash)
      .executeTakeFirst();
    return r === undefined ? undefined : tokenOf(r);
  },
  async touchToken(db: Db, id: number, at: number): Promise<void> {
    await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  },
  async deleteToken(db: Db, id: number): Promise<void> {
    await db.deleteFrom('api_tokens').where('id', '=', id).execute();
  },
};
