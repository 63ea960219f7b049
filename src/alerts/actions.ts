import { ACTION_KINDS, type ActionKind } from '../model/alert-action.js';
import type { Selectable } from 'kysely';
import type { AlertActionsTable, Db } from '../store/tables.js';
import { iso } from '../shared/iso-time.js';

/**
 * Actions on a history entry (issue 5): acknowledge, silence until, comment — each with who
 * (`by`) and when. A silence action holds back every later notification of that alert
 * (repeats, resolve) until `until`; acknowledge and comment are records only.
 */

/** An action as the API shows it; times are ISO strings. */
export interface HistoryAction {
  id: number;
  history_id: number;
  action: ActionKind;
  by: string;
  at: string;
  comment: string | null;
  /** Silence actions only. */
  until: string | null;
}

export interface NewAction {
  historyId: number;
  action: ActionKind;
  by: string;
  comment: string | null;
  until: number | null;
  at: number;
}

const kindOf = (v: string): ActionKind =>
  (ACTION_KINDS as readonly string[]).includes(v) ? (v as ActionKind) : 'comment';

function view(r: Selectable<AlertActionsTable>): HistoryAction {
  return {
    id: r.id,
    history_id: r.history_id,
    action: kindOf(r.action),
    by: r.actor,
    at: iso(r.at),
    comment: r.comment,
    until: r.silence_until === null ? null : iso(r.silence_until),
  };
}

export const actionsRepo = {
  async insert(db: Db, a: NewAction): Promise<HistoryAction> {
    const row = {
      history_id: a.historyId,
      action: a.action,
      actor: a.by,
      comment: a.comment,
      silence_until: a.until,
      at: a.at,
    };
    const { id } = await db.insertInto('alert_actions').values(row).returning('id').executeTakeFirstOrThrow();
    return view({ id, ...row });
  },
  /** Actions of the given entries, oldest first. */
  async listFor(db: Db, historyIds: readonly number[]): Promise<HistoryAction[]> {
    if (historyIds.length === 0) return [];
    const rows = await db
      .selectFrom('alert_actions')
      .selectAll()
      .where('history_id', 'in', [...historyIds])
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map(view);
  },
  /** The silence action on an entry that covers `at` (the one lasting longest), if any. */
  async silenceAt(db: Db, historyId: number, at: number): Promise<{ id: number; until: number } | undefined> {
    const row = await db
      .selectFrom('alert_actions')
      .select(['id', 'silence_until'])
      .where('history_id', '=', historyId)
      .where('action', '=', 'silence')
      .where('silence_until', '>', at)
      .orderBy('silence_until', 'desc')
      .executeTakeFirst();
    return row && row.silence_until !== null ? { id: row.id, until: row.silence_until } : undefined;
  },
};
