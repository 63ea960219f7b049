import type { Db } from '../../store/tables.js';
import { fingerprint, type ErrorGroupDelta, type ErrorSample } from './error-tracking.js';

const CHUNK = 500;

/** Writes of error samples (the seed's `error_events`) and of `error_groups`, and their retention. */
export const errorStore = {
  async insertSamples(db: Db, samples: ErrorSample[]): Promise<void> {
    const rows = samples.map((s) => ({
      server_id: s.serverId,
      endpoint: s.endpoint.slice(0, 255),
      error_type: s.errorType.slice(0, 100),
      error_message: s.message,
      stack_trace: s.stackTrace,
      request_id: s.requestId,
      client_info: s.clientInfo,
      timestamp: s.timestamp,
    }));
    for (let i = 0; i < rows.length; i += CHUNK)
      await db
        .insertInto('error_events')
        .values(rows.slice(i, i + CHUNK))
        .execute();
  },

  /** Adds the deltas to their groups (by fingerprint), in fingerprint order so that concurrent writers lock alike. */
  async upsertGroups(db: Db, groups: ErrorGroupDelta[]): Promise<void> {
    const merged = new Map<string, ErrorGroupDelta>();
    for (const g of groups) {
      const fp = fingerprint(g);
      const prev = merged.get(fp);
      if (!prev) merged.set(fp, { ...g });
      else {
        prev.count += g.count;
        prev.firstSeen = Math.min(prev.firstSeen, g.firstSeen);
        prev.lastSeen = Math.max(prev.lastSeen, g.lastSeen);
      }
    }
    const rows = [...merged]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([fp, g]) => ({
        fingerprint: fp,
        server_id: g.serverId,
        endpoint: g.endpoint,
        error_type: g.errorType.slice(0, 100),
        message: g.message,
        first_seen: g.firstSeen,
        last_seen: g.lastSeen,
        count: g.count,
      }));
    for (let i = 0; i < rows.length; i += CHUNK)
      await db
        .insertInto('error_groups')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc.column('fingerprint').doUpdateSet((eb) => ({
            count: eb('error_groups.count', '+', eb.ref('excluded.count')),
            first_seen: eb
              .case()
              .when('excluded.first_seen', '<', eb.ref('error_groups.first_seen'))
              .then(eb.ref('excluded.first_seen'))
              .else(eb.ref('error_groups.first_seen'))
              .end(),
            last_seen: eb
              .case()
              .when('excluded.last_seen', '>', eb.ref('error_groups.last_seen'))
              .then(eb.ref('excluded.last_seen'))
              .else(eb.ref('error_groups.last_seen'))
              .end(),
          })),
        )
        .execute();
  },

  /** Deletes at most `batch` samples older than `before`; call again while it returns `batch`. */
  async deleteSamplesOlderThan(db: Db, before: number, batch: number): Promise<number> {
    const ids = db.selectFrom('error_events').select('id').where('timestamp', '<', before).limit(batch);
    const r = await db.deleteFrom('error_events').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  },

  /** Deletes at most `batch` groups last seen before `before`. */
  async deleteGroupsOlderThan(db: Db, before: number, batch: number): Promise<number> {
    const ids = db.selectFrom('error_groups').select('id').where('last_seen', '<', before).limit(batch);
    const r = await db.deleteFrom('error_groups').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
