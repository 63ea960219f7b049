import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { actionsRepo } from '../src/alerts/actions.js';
import { rulesRepo } from '../src/alerts/config-repo.js';
import { historyRepo, notificationsRepo } from '../src/alerts/history-repo.js';
import { ruleInputSchema } from '../src/model/alert-rule.js';
import { openStore, type Store } from '../src/store/open-store.js';
import { dropStoreTarget, newStoreTarget, storeKinds, type StoreTarget } from './helpers/stores.js';
import { rigEvaluator, server, webhookChannel, webhookReceiver, type Hook } from './helpers/alert-rig.js';

const kinds = await storeKinds();
const MIN = 60_000;

for (const kind of kinds)
  describe(`alert escalation (${kind})`, () => {
    let target: StoreTarget;
    let store: Store;
    let primary: Hook;
    let oncall: Hook;
    before(async () => {
      target = newStoreTarget(kind);
      store = await openStore(target);
      await rulesRepo.seedDefaults(store.db, Date.now()); // the defaults have no channel
      primary = await webhookReceiver();
      oncall = await webhookReceiver();
    });
    after(async () => {
      await Promise.all([primary.close(), oncall.close()]);
      await store.close();
      await dropStoreTarget(target);
    });

    test('not acknowledged in time: the next channel is called, once, across restarts; acknowledged or resolved: not', async () => {
      let now = 1_900_000_000_000;
      const rule = await rulesRepo.insert(
        store.db,
        ruleInputSchema.parse({
          name: 'Down',
          metric: 'status_offline',
          condition: 'eq',
          threshold: 1,
          channels: [await webhookChannel(store, 'primary', primary.url)],
          group_wait: 0,
          escalation: [{ after_minutes: 5, channels: [await webhookChannel(store, 'on-call', oncall.url)] }],
        }),
        now,
      );
      const servers = ['a', 'b', 'c', 'd'].map((id) => server(id));
      const [a, b, c, d] = servers;
      assert.ok(a && b && c && d);
      // Each phase runs one evaluator and stops it: its stop waits for what it sends, and the
      // next one starts from the store alone (as after a restart).
      const phase = async (run: () => void) => {
        const ev = rigEvaluator(store, servers, { now: () => now });
        await ev.start();
        run();
        await ev.evaluateNow();
        await ev.stop();
      };
      const entry = async (serverId: string) => {
        const [e] = await historyRepo.list(store.db, { rule: rule.id, server: serverId, limit: 1 });
        assert.ok(e);
        return e;
      };

      await phase(() => {
        a.state.status = 'offline';
        b.state.status = 'offline';
        c.state.status = 'offline';
      });
      assert.deepEqual(primary.got.map((m) => m.server.id).sort(), ['a', 'b', 'c']);
      await actionsRepo.insert(store.db, {
        historyId: (await entry('b')).id,
        action: 'ack',
        by: 'alice',
        comment: 'looking',
        until: null,
        at: now + MIN,
      });
      await phase(() => {
        now += 4 * MIN;
        c.state.status = 'healthy'; // resolved before its escalation
      });
      assert.equal(oncall.got.length, 0, 'not yet 5 minutes');

      await phase(() => {
        now += MIN;
        d.state.status = 'offline';
      });
      assert.deepEqual(
        oncall.got.map((m) => [m.server.id, m.summary]),
        [['a', '[ESCALATED] Down on a']],
        'a escalated; b acknowledged, c resolved, d too recent',
      );
      const tries = await notificationsRepo.listFor(store.db, (await entry('a')).id);
      assert.equal(tries.filter((t) => t.outcome === 'ok').length, 2, 'the first channel and the escalation');

      // d comes due while nothing runs; the next start sends it, and later ones send nothing again.
      now += 10 * MIN;
      await phase(() => undefined);
      await phase(() => undefined);
      assert.deepEqual(
        oncall.got.map((m) => m.server.id),
        ['a', 'd'],
      );
      await rulesRepo.delete(store.db, rule.id);
    });
  });
