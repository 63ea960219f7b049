import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../src/store/open-store.js';
import { DEFAULT_RULES } from '../src/alerts/rule.js';
import { ruleInputSchema } from '../src/model/alert-rule.js';
import { ruleFromRow, ruleToRow, stateFromRow, stateToRow } from '../src/alerts/rows.js';
import { step } from '../src/alerts/state-machine.js';
import { dropStoreTarget, newStoreTarget, storeKinds, type StoreTarget } from './helpers/stores.js';

const kinds = await storeKinds();

for (const kind of kinds) {
  describe(`migration 003-alerts (${kind})`, () => {
    let target: StoreTarget | undefined;
    let store: Store | undefined;
    after(async () => {
      await store?.close();
      if (target) await dropStoreTarget(target);
    });

    test('adds the columns and tables the typed view names', async () => {
      target = newStoreTarget(kind);
      store = await openStore(target);
      const db = store.db;
      const now = 1_800_000_000_000;

      // A seed-era insert still works: the new rule columns have defaults.
      const rule = await db
        .insertInto('alert_rules')
        .values({
          name: 'Server offline',
          description: null,
          metric_name: 'status_offline',
          condition: 'eq',
          threshold: 1,
          evaluation_period: 0,
          servers: null,
          enabled: 1,
          created_at: now,
          updated_at: now,
        })
        .returning(['id', 'severity', 'channels', 'repeat_interval'])
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        { ...rule, id: undefined },
        {
          id: undefined,
          severity: 'warning',
          channels: '[]',
          repeat_interval: null,
        },
      );

      const ch = await db
        .insertInto('notification_channels')
        .values({
          name: 'ops',
          kind: 'webhook',
          config: '{"url":"https://x"}',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();

      const hist = await db
        .insertInto('alert_history')
        .values({
          rule_id: rule.id,
          server_id: 'chaos',
          triggered_at: now,
          metric_value: 1,
          notification_sent: 1,
          severity: 'critical',
          snapshot: '{}',
        })
        .returning(['id', 'state'])
        .executeTakeFirstOrThrow();
      assert.equal(hist.state, 'firing');

      await db
        .insertInto('alert_states')
        .values({
          rule_id: rule.id,
          server_id: 'chaos',
          state: 'firing',
          active_since: now,
          fired_at: now,
          last_notified_at: now,
          resolved_at: null,
          value: 1,
          history_id: hist.id,
          updated_at: now,
        })
        .execute();
      // One state per (rule, server).
      await assert.rejects(
        db
          .insertInto('alert_states')
          .values({
            rule_id: rule.id,
            server_id: 'chaos',
            state: 'normal',
            active_since: null,
            fired_at: null,
            last_notified_at: null,
            resolved_at: null,
            value: null,
            history_id: null,
            updated_at: now,
          })
          .execute(),
      );

      await db
        .insertInto('alert_notifications')
        .values({
          history_id: hist.id,
          channel_id: ch.id,
          channel_kind: 'webhook',
          notification: 'firing',
          try: 1,
          outcome: 'error',
          status: 500,
          error: 'HTTP 500',
          at: now,
          duration_ms: 12,
        })
        .execute();
      await db
        .insertInto('alert_actions')
        .values({
          history_id: hist.id,
          action: 'ack',
          actor: 'alice',
          comment: null,
          silence_until: null,
          at: now,
        })
        .execute();
      await db
        .insertInto('alert_silences')
        .values({
          rule_id: null,
          server_id: 'chaos',
          tag: null,
          starts_at: now,
          ends_at: now + 3_600_000,
          comment: 'maintenance',
          created_by: 'bob',
          created_at: now,
        })
        .execute();

      const rows = await db
        .selectFrom('alert_history')
        .innerJoin('alert_notifications', 'alert_notifications.history_id', 'alert_history.id')
        .innerJoin('alert_actions', 'alert_actions.history_id', 'alert_history.id')
        .select(['alert_history.state', 'alert_notifications.status', 'alert_actions.actor'])
        .execute();
      assert.deepEqual(rows, [{ state: 'firing', status: 500, actor: 'alice' }]);
    });

    test('rules and instance states round-trip through their rows', async () => {
      assert.ok(store);
      const db = store.db;
      const now = 1_800_000_000_000;
      const input = ruleInputSchema.parse({
        ...DEFAULT_RULES[1],
        servers: ['a', 'b'],
        channels: [3, 4],
        repeat_interval: 3600,
      });
      const row = await db
        .insertInto('alert_rules')
        .values(ruleToRow(input, now))
        .returningAll()
        .executeTakeFirstOrThrow();
      const rule = ruleFromRow(row);
      assert.deepEqual(rule, { ...input, id: row.id, source: 'api', created_at: now, updated_at: now });
      const allServers = ruleFromRow(
        await db
          .insertInto('alert_rules')
          .values(ruleToRow(ruleInputSchema.parse(DEFAULT_RULES[0]), now))
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      assert.equal(allServers.servers, null);
      assert.equal(allServers.enabled, true);

      // Firing, persisted, read back after a "restart": the next true evaluation sends nothing.
      const fired = step(undefined, { condition: true, now, value: 9 }, { evaluation_period: 0 });
      await db
        .insertInto('alert_states')
        .values(stateToRow(rule.id, 'a', fired.state, null, now))
        .execute();
      const back = await db
        .selectFrom('alert_states')
        .selectAll()
        .where('rule_id', '=', rule.id)
        .where('server_id', '=', 'a')
        .executeTakeFirstOrThrow();
      const restored = stateFromRow(back);
      assert.deepEqual(restored, fired.state);
      assert.deepEqual(
        step(restored, { condition: true, now: now + 60_000, value: 9 }, rule).notifications,
        [],
      );
    });
  });
}
