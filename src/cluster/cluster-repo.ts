import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/tables.js';

/** The database's clock, epoch ms: every instance measures leases and heartbeats on it, not its own. */
const NOW: RawBuilder<number> = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export interface InstanceRow {
  id: string;
  name: string;
  address: string;
  version: string;
  started_at: number;
  heartbeat_at: number;
}

export interface LeaseRow {
  server_id: string;
  owner: string;
}

export interface LeaderRow {
  owner: string;
  epoch: number;
  expires_at: number;
}

/** The cluster's tables (migration 018), PostgreSQL only: instances, server leases, the leader lease. */
export const clusterRepo = {
  async now(db: Db): Promise<number> {
    const { rows } = await sql<{ now: number }>`select ${NOW} as now`.execute(db);
    return Number(rows[0]?.now);
  },

  /** Registers or refreshes this instance; returns the database's time of the heartbeat. */
  async heartbeat(db: Db, self: Omit<InstanceRow, 'heartbeat_at'>): Promise<number> {
    const { rows } = await sql<{ heartbeat_at: number }>`
      insert into instances (id, name, address, version, started_at, heartbeat_at)
      values (${self.id}, ${self.name}, ${self.address}, ${self.version}, ${self.started_at}, ${NOW})
      on conflict (id) do update set heartbeat_at = excluded.heartbeat_at, address = excluded.address
      returning heartbeat_at`.execute(db);
    return Number(rows[0]?.heartbeat_at);
  },

  /** Every registered instance, with whether its heartbeat is newer than `deadAfterMs`. */
  async instances(db: Db, deadAfterMs: number): Promise<(InstanceRow & { live: boolean })[]> {
    const { rows } = await sql<InstanceRow & { live: boolean }>`
      select id, name, address, version, started_at, heartbeat_at,
             heartbeat_at > ${NOW} - ${deadAfterMs} as live
      from instances order by started_at, id`.execute(db);
    return rows; // bigint columns come as numbers (open-store.ts sets the parser)
  },

  /** Forgets instances dead for long (a day): the list stays the cluster, not its history. */
  async forgetDead(db: Db, olderThanMs: number): Promise<void> {
    await sql`delete from instances where heartbeat_at < ${NOW} - ${olderThanMs}`.execute(db);
  },

  async leave(db: Db, id: string): Promise<void> {
    await sql`delete from server_leases where owner = ${id}`.execute(db);
    await sql`update cluster_leader set expires_at = 0 where owner = ${id}`.execute(db);
    await sql`delete from instances where id = ${id}`.execute(db);
  },

  /**
   * Takes or renews the leader lease: it is ours when we hold it, or when it has expired. The
   * epoch goes up each time the lease changes hands (or lapsed in between), so a write fenced on
   * the epoch a paused leader had fails once another took over. Returns the lease as it is now.
   */
  async claimLeader(db: Db, id: string, leaseMs: number): Promise<LeaderRow> {
    const { rows } = await sql<LeaderRow>`
      update cluster_leader
      set owner = ${id},
          epoch = case when owner = ${id} and expires_at >= ${NOW} then epoch else epoch + 1 end,
          expires_at = ${NOW} + ${leaseMs}
      where name = 'leader' and (owner = ${id} or expires_at < ${NOW})
      returning owner, epoch, expires_at`.execute(db);
    if (rows[0]) return normalLeader(rows[0]);
    const current = await sql<LeaderRow>`
      select owner, epoch, expires_at from cluster_leader where name = 'leader'`.execute(db);
    return normalLeader(current.rows[0] ?? { owner: '', epoch: 0, expires_at: 0 });
  },

  /** The leader lease as it is, and whether it is current. */
  async leaderView(db: Db): Promise<LeaderRow & { live: boolean }> {
    const { rows } = await sql<LeaderRow & { live: boolean }>`
      select owner, epoch, expires_at, expires_at > ${NOW} as live from cluster_leader where name = 'leader'`.execute(
      db,
    );
    const r = rows[0];
    return r ? { ...normalLeader(r), live: r.live } : { owner: '', epoch: 0, expires_at: 0, live: false };
  },

  async leases(db: Db): Promise<LeaseRow[]> {
    const { rows } = await sql<LeaseRow>`select server_id, owner from server_leases`.execute(db);
    return rows;
  },

  /** Renews every lease we hold; returns the ids we hold after (one another took is gone). */
  async renew(db: Db, id: string, leaseMs: number): Promise<string[]> {
    const { rows } = await sql<{ server_id: string }>`
      update server_leases set expires_at = ${NOW} + ${leaseMs} where owner = ${id}
      returning server_id`.execute(db);
    return rows.map((r) => r.server_id);
  },

  /** Takes the leases of `serverIds` (new rows, or another's: the epoch goes up); returns those taken. */
  async claim(db: Db, id: string, serverIds: readonly string[], leaseMs: number): Promise<string[]> {
    if (serverIds.length === 0) return [];
    const { rows } = await sql<{ server_id: string }>`
      insert into server_leases (server_id, owner, expires_at, epoch)
      select s, ${id}, ${NOW} + ${leaseMs}, 1 from unnest(${serverIds}::text[]) as s
      on conflict (server_id) do update
        set owner = excluded.owner, expires_at = excluded.expires_at, epoch = server_leases.epoch + 1
        where server_leases.owner <> excluded.owner
      returning server_id`.execute(db);
    return rows.map((r) => r.server_id);
  },

  /** Leases of servers that are gone (the leader's chore). */
  async dropOrphans(db: Db): Promise<void> {
    await sql`delete from server_leases l where not exists (select 1 from servers s where s.id = l.server_id)`.execute(
      db,
    );
  },
};

const normalLeader = (r: LeaderRow): LeaderRow => ({
  owner: r.owner,
  epoch: r.epoch,
  expires_at: r.expires_at,
});
