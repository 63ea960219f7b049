import type { Selectable } from 'kysely';
import type { AlertSilencesTable, Db } from '../store/tables.js';
import { iso } from '../shared/iso-time.js';

/**
 * Silences / maintenance windows (issue 5): from `starts_at` to `ends_at`, every alert whose
 * rule, server and server tag match (a null matcher matches anything; at least one is given)
 * sends no notification. History is still written, and records the silence that held back
 * each notification.
 */

/** A silence: the store's row, its author as `by`. */
export type Silence = Omit<Selectable<AlertSilencesTable>, 'created_by'> & { by: string };

/** A silence as the API shows it: ISO times, and whether it holds now. */
export interface SilenceView extends Omit<Silence, 'starts_at' | 'ends_at' | 'created_at'> {
  starts_at: string;
  ends_at: string;
  created_at: string;
  active: boolean;
}

/** What a silence is matched against: one alert instance. */
export interface SilenceTarget {
  ruleId: number;
  serverId: string;
  tags: readonly string[];
}

export const silenceMatches = (s: Silence, t: SilenceTarget, at: number): boolean =>
  s.starts_at <= at &&
  at < s.ends_at &&
  (s.rule_id === null || s.rule_id === t.ruleId) &&
  (s.server_id === null || s.server_id === t.serverId) &&
  (s.tag === null || t.tags.includes(s.tag));

export const silenceView = (s: Silence, now: number): SilenceView => ({
  ...s,
  starts_at: iso(s.starts_at),
  ends_at: iso(s.ends_at),
  created_at: iso(s.created_at),
  active: s.starts_at <= now && now < s.ends_at,
});

const fromRow = (r: Selectable<AlertSilencesTable>): Silence => ({
  id: r.id,
  rule_id: r.rule_id,
  server_id: r.server_id,
  tag: r.tag,
  starts_at: r.starts_at,
  ends_at: r.ends_at,
  comment: r.comment,
  by: r.created_by,
  created_at: r.created_at,
});

export const silencesRepo = {
  /** Every silence, latest end first. */
  async list(db: Db): Promise<Silence[]> {
    const rows = await db
      .selectFrom('alert_silences')
      .selectAll()
      .orderBy('ends_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(fromRow);
  },
  /** Silences in force at `at`. */
  async activeAt(db: Db, at: number): Promise<Silence[]> {
    const rows = await db
      .selectFrom('alert_silences')
      .selectAll()
      .where('starts_at', '<=', at)
      .where('ends_at', '>', at)
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  },
  async insert(db: Db, s: Omit<Silence, 'id'>): Promise<Silence> {
    const row = {
      rule_id: s.rule_id,
      server_id: s.server_id,
      tag: s.tag,
      starts_at: s.starts_at,
      ends_at: s.ends_at,
      comment: s.comment,
      created_by: s.by,
      created_at: s.created_at,
    };
    const { id } = await db
      .insertInto('alert_silences')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...s, id };
  },
  async delete(db: Db, id: number): Promise<boolean> {
    const r = await db.deleteFrom('alert_silences').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
};
