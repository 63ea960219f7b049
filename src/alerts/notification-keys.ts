import { sql } from 'kysely';
import type { AlertRule } from '../model/alert-rule.js';
import { fromJson, toJson } from '../store/json.js';
import type { Db } from '../store/tables.js';
import type { PendingNotification } from './state-machine.js';

/** The leader lease a write must still hold to go through (several instances on PostgreSQL). */
export interface Fence {
  owner: string;
  epoch: number;
}

/** A leader that lost its lease (paused, cut off) tried to write: nothing was written. */
export class FencedOut extends Error {
  constructor() {
    super('this instance is no longer the leader: the write was refused');
  }
}

/**
 * The unique key of a notification: its rule, server and transition (the firing episode's history
 * entry and the kind; a reminder also its time). Receivers get it (the webhook's
 * `Idempotency-Key`) to drop a repeat that a failover in the middle of sending can cause.
 */
export function notificationKey(
  ruleId: number,
  serverId: string,
  historyId: number | null,
  n: PendingNotification,
): string {
  const base = `${ruleId}:${serverId}:${historyId ?? '-'}:${n.kind}`;
  return n.kind === 'repeat' ? `${base}:${n.at}` : base;
}

/** The server as a notification needs it (the notifier's `ServerRef`). */
interface ServerRef {
  id: string;
  name: string;
  tags: readonly string[];
}

interface Payload {
  server: ServerRef;
  n: PendingNotification;
}

/** A notification not yet handled by the leader that wrote it, to send again. */
export interface PendingKey {
  key: string;
  ruleId: number;
  historyId: number | null;
  server: ServerRef;
  n: PendingNotification;
}

/**
 * Notifications under their unique key (migration 018), PostgreSQL with several instances: written
 * pending in the same transaction as the alert's state — only while the writer still holds the
 * leader lease (the fence) — and marked sent once delivered (or suppressed). A new leader sends
 * again the pending ones of the leaders before it: at least once, never skipped.
 */
export const notificationKeysRepo = {
  async insertPending(
    db: Db,
    fence: Fence,
    rule: AlertRule,
    server: ServerRef,
    n: PendingNotification,
    historyId: number | null,
  ): Promise<string> {
    const key = notificationKey(rule.id, server.id, historyId, n);
    const payload = toJson({ server, n } satisfies Payload);
    const { rows } = await sql<{ key: string }>`
      insert into notification_keys (key, rule_id, server_id, history_id, kind, payload, state, epoch, created_at)
      select ${key}, ${rule.id}, ${server.id}, ${historyId}, ${n.kind}, ${payload}, 'pending', ${fence.epoch}, ${n.at}
      where exists (
        select 1 from cluster_leader where name = 'leader' and owner = ${fence.owner} and epoch = ${fence.epoch}
          and expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint)
      on conflict (key) do nothing
      returning key`.execute(db);
    if (rows.length === 0) {
      const existing = await db
        .selectFrom('notification_keys')
        .select('key')
        .where('key', '=', key)
        .executeTakeFirst();
      if (!existing) throw new FencedOut();
    }
    return key;
  },

  /** Whether the lease is still this leader's (for writes that carry no key). */
  async holds(db: Db, fence: Fence): Promise<boolean> {
    const { rows } = await sql<{ ok: number }>`
      select 1 as ok from cluster_leader where name = 'leader' and owner = ${fence.owner} and epoch = ${fence.epoch}
        and expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint`.execute(db);
    return rows.length > 0;
  },

  async markSent(db: Db, key: string, at: number): Promise<void> {
    await db
      .updateTable('notification_keys')
      .set({ state: 'sent', sent_at: at })
      .where('key', '=', key)
      .execute();
  },

  /** The pending notifications of earlier leaders, oldest first (at most `limit`). */
  async pendingBefore(db: Db, epoch: number, limit = 1000): Promise<PendingKey[]> {
    const rows = await db
      .selectFrom('notification_keys')
      .selectAll()
      .where('state', '=', 'pending')
      .where('epoch', '<', epoch)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => {
      const p = fromJson<Payload | null>(r.payload, null);
      return {
        key: r.key,
        ruleId: r.rule_id,
        historyId: r.history_id,
        server: p?.server ?? { id: r.server_id, name: r.server_id, tags: [] },
        n: p?.n ?? { kind: 'firing', at: r.created_at, triggeredAt: r.created_at, value: null },
      };
    });
  },
};
