import { z } from 'zod';
import type { Db } from '../store/tables.js';

/**
 * Silences / maintenance windows (issue 5): from `starts_at` to `ends_at`, every alert whose
 * rule, server and server tag match (a null matcher matches anything; at least one is given)
 * sends no notification. History is still written, and records the silence that held back
 * each notification.
 */

export interface Silence {
  id: number;
  rule_id: number | null;
  server_id: string | null;
  tag: string | null;
  starts_at: number;
  ends_at: number;
  comment: string | null;
  by: string;
  created_at: number;
}

/** A silence as the API shows it: ISO times, and whether it holds now. */
export interface SilenceView extends Omit<Silence, 'starts_at' | 'ends_at' | 'created_at'> {
  starts_at: string;
  ends_at: string;
  created_at: string;
  active: boolean;
}

const isoTime = z.iso.datetime({ offset: true });

/** `POST /api/v1/alerts/silences` body. `starts_at` defaults to now. */
export const silenceInputSchema = z
  .object({
    rule_id: z.number().int().positive().nullable().default(null),
    server_id: z.string().trim().min(1).max(255).nullable().default(null),
    tag: z.string().trim().min(1).max(100).nullable().default(null),
    starts_at: isoTime.optional(),
    ends_at: isoTime,
    comment: z.string().trim().max(2000).nullable().default(null),
    by: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.rule_id === null && s.server_id === null && s.tag === null)
      ctx.addIssue({
        code: 'custom',
        path: ['rule_id'],
        message: 'give at least one of rule_id, server_id, tag',
      });
    const ends = Date.parse(s.ends_at);
    if (s.starts_at !== undefined && ends <= Date.parse(s.starts_at))
      ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'must be after starts_at' });
    else if (ends <= Date.now())
      ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'must be in the future' });
  });
export type SilenceInput = z.output<typeof silenceInputSchema>;

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
  starts_at: new Date(s.starts_at).toISOString(),
  ends_at: new Date(s.ends_at).toISOString(),
  created_at: new Date(s.created_at).toISOString(),
  active: s.starts_at <= now && now < s.ends_at,
});

const fromRow = (r: {
  id: number;
  rule_id: number | null;
  server_id: string | null;
  tag: string | null;
  starts_at: number;
  ends_at: number;
  comment: string | null;
  created_by: string;
  created_at: number;
}): Silence => ({
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
