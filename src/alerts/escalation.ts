import type { AlertRule } from '../model/alert-rule.js';
import type { Db } from '../store/tables.js';
import type { Notifier, ServerRef } from './notifier.js';
import type { InstanceState } from './state-machine.js';

/**
 * Escalation (issue 17): a rule's `escalation: [{ after_minutes, channels }]` sends a firing
 * alert to further channels when nobody has acknowledged it `after_minutes` after it fired.
 * Nothing goes out once it is acknowledged or resolved, nor while a silence or maintenance
 * window holds it. Each step sent is a row of `alert_escalations`, written before the send: a
 * restart neither repeats a step nor forgets one that came due while it was down.
 */

/** A firing alert instance, as the evaluator holds it. */
export interface FiringAlert {
  rule: AlertRule;
  server: ServerRef;
  historyId: number;
  state: InstanceState;
}

export const escalationsRepo = {
  /** The steps already sent, as `historyId/step`. */
  async sent(db: Db, historyIds: readonly number[]): Promise<Set<string>> {
    if (historyIds.length === 0) return new Set();
    const rows = await db
      .selectFrom('alert_escalations')
      .select(['history_id', 'step'])
      .where('history_id', 'in', [...historyIds])
      .execute();
    return new Set(rows.map((r) => `${r.history_id}/${r.step}`));
  },
  /** Takes a step for sending: false when it was taken already. */
  async claim(db: Db, historyId: number, step: number, at: number): Promise<boolean> {
    const r = await db
      .insertInto('alert_escalations')
      .values({ history_id: historyId, step, at })
      .onConflict((oc) => oc.columns(['history_id', 'step']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  },
  /** The entries among `historyIds` someone acknowledged. */
  async acknowledged(db: Db, historyIds: readonly number[]): Promise<Set<number>> {
    if (historyIds.length === 0) return new Set();
    const rows = await db
      .selectFrom('alert_actions')
      .select('history_id')
      .where('action', '=', 'ack')
      .where('history_id', 'in', [...historyIds])
      .execute();
    return new Set(rows.map((r) => r.history_id));
  },
};

/** Sends the escalation steps due at `now` for these firing alerts. */
export async function escalateDue(
  db: Db,
  notifier: Notifier,
  firing: readonly FiringAlert[],
  now: number,
): Promise<void> {
  const due = firing.filter((f) =>
    f.rule.escalation.some((s) => now - (f.state.firedAt ?? now) >= s.after_minutes * 60_000),
  );
  if (due.length === 0) return;
  const ids = due.map((f) => f.historyId);
  const [sent, acked] = await Promise.all([
    escalationsRepo.sent(db, ids),
    escalationsRepo.acknowledged(db, ids),
  ]);
  for (const f of due) {
    if (acked.has(f.historyId)) continue;
    const firedAt = f.state.firedAt ?? now;
    for (const [step, s] of f.rule.escalation.entries()) {
      if (now - firedAt < s.after_minutes * 60_000 || sent.has(`${f.historyId}/${step}`)) continue;
      await notifier.escalate(
        f.rule,
        f.server,
        { kind: 'firing', at: now, triggeredAt: firedAt, value: f.state.value },
        f.historyId,
        s.channels,
        () => escalationsRepo.claim(db, f.historyId, step, now),
      );
    }
  }
}
