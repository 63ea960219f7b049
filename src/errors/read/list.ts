import type { Db } from '../../store/tables.js';
import { errorsReadRepo as repo, type CountRange, type GroupFilter } from '../store/read-repo.js';
import { groupView, type GroupView } from './views.js';

/** Clients named per group in a list (most errors first). */
const CLIENTS_SHOWN = 10;

/** Names of the clients (most errors first) per group, from breakdown rows. */
export function clientsByGroup(
  rows: { groupId: number; key: string; count: number }[],
): Map<number, string[]> {
  const out = new Map<number, { key: string; count: number }[]>();
  for (const r of rows) {
    if (r.key === '') continue; // unknown client
    let list = out.get(r.groupId);
    if (!list) out.set(r.groupId, (list = []));
    list.push(r);
  }
  return new Map(
    [...out].map(([id, list]) => [
      id,
      list
        .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
        .slice(0, CLIENTS_SHOWN)
        .map((c) => c.key),
    ]),
  );
}

/** The groups with errors in the range, by their count there (most first), at most `limit`. */
export async function listGroups(
  db: Db,
  range: CountRange,
  filter: GroupFilter,
  limit: number,
): Promise<GroupView[]> {
  const ranked = await repo.rank(db, range, filter, limit);
  const ids = ranked.map((r) => r.groupId);
  const [rows, clients] = await Promise.all([
    repo.groups(db, ids),
    repo.breakdown(db, ids, range, 'client_name').then(clientsByGroup),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ranked.flatMap(({ groupId, count }) => {
    const row = byId.get(groupId);
    // a group pruned between the two reads is left out
    return row ? [groupView(row, count, clients.get(groupId) ?? [])] : [];
  });
}
