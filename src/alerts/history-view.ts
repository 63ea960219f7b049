import { notFound } from '../shared/errors.js';
import type { Db } from '../store/tables.js';
import type { ActionKind } from '../model/alert-action.js';
import { actionsRepo, type HistoryAction } from './actions.js';
import {
  historyRepo,
  notificationsRepo,
  type HistoryEntry,
  type HistoryFilter,
  type NotificationView,
} from './history-repo.js';

/** A history entry as the API lists it: the row, its rule's name, and what people did about it. */
export interface HistoryItem extends HistoryEntry {
  /** Every action, oldest first. */
  actions: HistoryAction[];
  /** The latest acknowledgement. */
  acknowledged: { by: string; at: string } | null;
  /** The latest end of a silence action (may be past). */
  silenced_until: string | null;
}

/** `GET /api/v1/alerts/history/:id`: the item plus every notification try (and suppressed notification). */
export interface HistoryDetail extends HistoryItem {
  notifications: NotificationView[];
}

function withActions(entry: HistoryEntry, actions: HistoryAction[]): HistoryItem {
  const acks = actions.filter((a) => a.action === 'ack');
  const last = acks[acks.length - 1];
  const untils = actions.flatMap((a) => (a.action === 'silence' && a.until !== null ? [a.until] : []));
  return {
    ...entry,
    actions,
    acknowledged: last ? { by: last.by, at: last.at } : null,
    silenced_until:
      untils.length === 0 ? null : untils.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)),
  };
}

export async function listHistory(db: Db, filter: HistoryFilter): Promise<HistoryItem[]> {
  const entries = await historyRepo.list(db, filter);
  const actions = await actionsRepo.listFor(
    db,
    entries.map((e) => e.id),
  );
  return entries.map((e) =>
    withActions(
      e,
      actions.filter((a) => a.history_id === e.id),
    ),
  );
}

export async function historyDetail(db: Db, id: number): Promise<HistoryDetail> {
  const entry = await historyRepo.get(db, id);
  if (!entry) throw notFound('alert history entry', String(id));
  return {
    ...withActions(entry, await actionsRepo.listFor(db, [id])),
    notifications: await notificationsRepo.listFor(db, id),
  };
}

/** Records an action on an entry (404 when there is none). */
export async function addAction(
  db: Db,
  historyId: number,
  a: { action: ActionKind; by: string; comment: string | null; until: number | null },
  now: number,
): Promise<HistoryAction> {
  if (!(await historyRepo.get(db, historyId))) throw notFound('alert history entry', String(historyId));
  return actionsRepo.insert(db, { historyId, ...a, at: now });
}
