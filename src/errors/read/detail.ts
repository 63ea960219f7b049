import type { Db } from '../../store/tables.js';
import { errorsReadRepo as repo, type CountRange } from '../store/read-repo.js';
import { clientsByGroup } from './list.js';
import { groupView, sampleView, type GroupView, type SampleView } from './views.js';

export interface GroupDetail extends GroupView {
  samples: SampleView[];
  by_server: { server: string; count: number }[];
  by_endpoint: { endpoint: string; count: number }[];
  by_client: { client: string | null; count: number }[];
}

const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;

/** A group with its latest samples in the window and its errors there by server, endpoint and client. */
export async function groupDetail(
  db: Db,
  id: number,
  range: CountRange,
  window: { from: number; to: number },
  samples: number,
): Promise<GroupDetail | undefined> {
  const row = await repo.group(db, id);
  if (!row) return undefined;
  const [servers, clients, sampleRows] = await Promise.all([
    repo.breakdown(db, [id], range, 'server_id'),
    repo.breakdown(db, [id], range, 'client_name'),
    repo.samples(db, id, window.from, window.to, samples),
  ]);
  const count = servers.reduce((n, s) => n + s.count, 0);
  return {
    ...groupView(row, count, clientsByGroup(clients).get(id) ?? []),
    samples: sampleRows.map(sampleView),
    by_server: servers.map((s) => ({ server: s.key, count: s.count })).sort(byCount),
    // the endpoint is part of the fingerprint: a group has one
    by_endpoint: count > 0 ? [{ endpoint: row.endpoint, count }] : [],
    by_client: clients.map((c) => ({ client: c.key === '' ? null : c.key, count: c.count })).sort(byCount),
  };
}
