/**
 * The errors part's writes: groups (upserted by fingerprint, a resolved group that recurs turned
 * back to open as a regression), their samples, their counts in three tiers. SQL only here and
 * in the other repositories of this folder.
 */
import { sql } from 'kysely';
import type { Db, ErrorCountsTable } from '../../store/tables.js';
import type { ErrorBatch, PendingGroup } from '../record/tracker.js';

const CHUNK = 500;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Tiers of `error_counts` with their bucket length. */
export const COUNT_TIERS = [
  ['1m', 60_000],
  ['1h', HOUR_MS],
  ['1d', DAY_MS],
] as const;
export type CountResolution = (typeof COUNT_TIERS)[number][0];

/**
 * Writes a batch: groups first (in fingerprint order, so that concurrent writers lock alike), then
 * the samples and counts under the ids the groups got. Runs inside the caller's transaction.
 */
export async function writeErrors(db: Db, batch: ErrorBatch): Promise<void> {
  if (batch.size === 0) return;
  const groups = [...batch.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
  const ids = new Map<string, number>();
  for (let i = 0; i < groups.length; i += CHUNK)
    for (const row of await upsertGroups(db, groups.slice(i, i + CHUNK))) ids.set(row.fingerprint, row.id);
  const samples = groups.flatMap((g) => g.samples.map((s) => ({ g, s })));
  const sampleRows = samples.map(({ g, s }) => ({
    group_id: ids.get(g.fingerprint) ?? null,
    server_id: s.serverId,
    endpoint: s.endpoint.slice(0, 255),
    error_type: s.type.slice(0, 100),
    error_code: s.code,
    error_message: s.message,
    error_data: s.data,
    stack_trace: s.stackTrace,
    request_id: s.requestId,
    client_info: clientInfo(s),
    timestamp: s.timestamp,
  }));
  for (let i = 0; i < sampleRows.length; i += CHUNK)
    await db
      .insertInto('error_events')
      .values(sampleRows.slice(i, i + CHUNK))
      .execute();
  const countRows = groups.flatMap((g) => countsOf(g, ids.get(g.fingerprint)));
  for (let i = 0; i < countRows.length; i += CHUNK)
    await db
      .insertInto('error_counts')
      .values(countRows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc
          .columns(['resolution', 'bucket_start', 'group_id', 'client_name'])
          .doUpdateSet((eb) => ({ count: eb('error_counts.count', '+', eb.ref('excluded.count')) })),
      )
      .execute();
}

function upsertGroups(db: Db, groups: PendingGroup[]) {
  const rows = groups.map((g) => ({
    fingerprint: g.fingerprint,
    server_id: g.serverId,
    endpoint: g.endpoint,
    error_type: g.type.slice(0, 100),
    kind: g.kind,
    code: g.code,
    message: g.message,
    title: g.title,
    first_seen: g.firstSeen,
    last_seen: g.lastSeen,
    count: g.count,
  }));
  // A resolved group seen again after it was resolved is open again, marked a regression;
  // an ignored one stays ignored. (A late sample from before the resolution changes nothing.)
  const recurs = sql<boolean>`error_groups.status = 'resolved' and excluded.last_seen > coalesce(error_groups.resolved_at, 0)`;
  return db
    .insertInto('error_groups')
    .values(rows)
    .onConflict((oc) =>
      oc.column('fingerprint').doUpdateSet((eb) => ({
        count: eb('error_groups.count', '+', eb.ref('excluded.count')),
        first_seen: sql<number>`case when excluded.first_seen < error_groups.first_seen then excluded.first_seen else error_groups.first_seen end`,
        last_seen: sql<number>`case when excluded.last_seen > error_groups.last_seen then excluded.last_seen else error_groups.last_seen end`,
        regression: sql<number>`case when ${recurs} then 1 else error_groups.regression end`,
        status_changed_at: sql<number>`case when ${recurs} then excluded.last_seen else error_groups.status_changed_at end`,
        // last: every expression above reads the row as it was, whatever the order of assignment
        status: sql<string>`case when ${recurs} then 'open' else error_groups.status end`,
      })),
    )
    .returning(['id', 'fingerprint'])
    .execute();
}

/** A group's minute counts as rows of the three tiers, merged per bucket and client. */
function countsOf(g: PendingGroup, groupId: number | undefined) {
  if (groupId === undefined) return [];
  const rows = new Map<string, ErrorCountsTable>();
  for (const c of g.counts.values())
    for (const [resolution, ms] of COUNT_TIERS) {
      const bucket = Math.floor(c.minute / ms) * ms;
      const key = `${resolution}\u0000${bucket}\u0000${c.client}`;
      const row = rows.get(key);
      if (row) row.count += c.count;
      else
        rows.set(key, {
          resolution,
          bucket_start: bucket,
          group_id: groupId,
          client_name: c.client,
          server_id: g.serverId,
          kind: g.kind,
          count: c.count,
        });
    }
  return [...rows.values()];
}

function clientInfo(s: PendingGroup['samples'][number]): string | null {
  if (s.clientName === null && s.clientVersion === null && s.protocolVersion === null && s.sessionId === null)
    return null;
  return JSON.stringify({
    name: s.clientName,
    version: s.clientVersion,
    protocol_version: s.protocolVersion,
    session_id: s.sessionId,
  });
}
