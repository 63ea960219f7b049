import { randomUUID } from 'node:crypto';
import type { Db } from '../store/tables.js';
import { countingReseal, type ResealPage } from '../shared/secrets/reseal-page.js';
import type { SecretBox } from '../shared/secrets/secret-box.js';

/** A peer as stored; `token` is sealed. */
export interface PeerRow {
  id: string;
  name: string;
  url: string;
  token: string;
  enabled: boolean;
  source: 'config' | 'api';
  created_at: number;
  updated_at: number;
}

const fromRow = (r: {
  id: string;
  name: string;
  url: string;
  token: string;
  enabled: number;
  source: string;
  created_at: number;
  updated_at: number;
}): PeerRow => ({ ...r, enabled: r.enabled === 1, source: r.source === 'config' ? 'config' : 'api' });

const toRow = (p: PeerRow) => ({ ...p, enabled: p.enabled ? 1 : 0 });

/** The SQL of `federation_peers` and `federation_instance`. */
export const peersRepo = {
  async list(db: Db): Promise<PeerRow[]> {
    return (await db.selectFrom('federation_peers').selectAll().orderBy('name').execute()).map(fromRow);
  },

  async insert(db: Db, peer: PeerRow): Promise<void> {
    await db.insertInto('federation_peers').values(toRow(peer)).execute();
  },

  async update(db: Db, peer: PeerRow): Promise<void> {
    const { id, ...rest } = toRow(peer);
    await db.updateTable('federation_peers').set(rest).where('id', '=', id).execute();
  },

  async delete(db: Db, id: string): Promise<void> {
    await db.deleteFrom('federation_peers').where('id', '=', id).execute();
  },

  /** This instance's id, made (once, for good) on first use. */
  async instanceId(db: Db, now: number): Promise<string> {
    const first = () =>
      db
        .selectFrom('federation_instance')
        .select('id')
        .orderBy('created_at')
        .orderBy('id')
        .executeTakeFirst();
    const row = await first();
    if (row) return row.id;
    await db.insertInto('federation_instance').values({ id: randomUUID(), created_at: now }).execute();
    // Two monitors on one PostgreSQL starting together: both take the same (first) row.
    const kept = await first();
    if (!kept) throw new Error('federation_instance: no id after inserting one');
    return kept.id;
  },

  /** Re-encrypts a page of peer tokens (the secrets-at-rest migration and key rotation). */
  async resealSecrets(
    db: Db,
    secrets: SecretBox,
    after: string | undefined,
    limit: number,
  ): Promise<ResealPage<string>> {
    let query = db.selectFrom('federation_peers').select(['id', 'token']).orderBy('id').limit(limit);
    if (after !== undefined) query = query.where('id', '>', after);
    const rows = await query.execute();
    let values = 0;
    for (const row of rows) {
      const reseal = countingReseal(secrets);
      const token = reseal.apply(row.token);
      if (reseal.count() === 0) continue;
      values += reseal.count();
      await db.updateTable('federation_peers').set({ token }).where('id', '=', row.id).execute();
    }
    return { last: rows.at(-1)?.id, rows: rows.length, values };
  },
};
