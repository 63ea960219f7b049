import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { channelsRepo, rulesRepo } from '../src/alerts/config-repo.js';
import { historyRepo, notificationsRepo } from '../src/alerts/history-repo.js';
import { ruleInputSchema } from '../src/model/alert-rule.js';
import { openStore, type Store } from '../src/store/open-store.js';
import { waitFor } from './helpers/harness.js';
import { providerConfig, providerReceiver, type Receiver } from './helpers/provider-receivers.js';
import { dropStoreTarget, newStoreTarget, storeKinds, type StoreTarget } from './helpers/stores.js';
import {
  rigEvaluator,
  secrets,
  server,
  webhookChannel,
  webhookReceiver,
  type Hook,
} from './helpers/alert-rig.js';

const kinds = await storeKinds();
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of kinds)
  describe(`alert grouping (${kind})`, () => {
    let target: StoreTarget;
    let store: Store;
    let hook: Hook;
    let slack: Receiver;
    let pagerduty: Receiver;
    before(async () => {
      target = newStoreTarget(kind);
      store = await openStore(target);
      await rulesRepo.seedDefaults(store.db, Date.now()); // the defaults have no channel
      hook = await webhookReceiver();
      slack = await providerReceiver('slack');
      pagerduty = await providerReceiver('pagerduty');
    });
    after(async () => {
      await Promise.all([hook.close(), slack.close(), pagerduty.close()]);
      await store.close();
      await dropStoreTarget(target);
    });

    test('three servers within group_wait: one notification listing three; a fourth: one update; keyed providers per alert', async () => {
      const webhook = await webhookChannel(store, 'hook', hook.url);
      const channel = async (k: 'slack' | 'pagerduty', r: Receiver) =>
        (
          await channelsRepo.insert(
            store.db,
            secrets,
            { name: k, kind: k, config: providerConfig(k, r.base).config, enabled: true },
            Date.now(),
          )
        ).id;
      const rule = await rulesRepo.insert(
        store.db,
        ruleInputSchema.parse({
          name: 'Fleet offline',
          metric: 'status_offline',
          condition: 'eq',
          threshold: 1,
          channels: [webhook, await channel('slack', slack), await channel('pagerduty', pagerduty)],
          group_wait: 1,
          group_interval: 2,
        }),
        Date.now(),
      );
      const servers = ['a', 'b', 'c', 'd'].map((id) => server(id));
      const ev = rigEvaluator(store, servers);
      await ev.start();
      const [a, b, c, d] = servers;
      assert.ok(a && b && c && d);

      // Three go down in separate evaluations, all within the group wait.
      a.state.status = 'offline';
      await ev.evaluateNow();
      b.state.status = 'offline';
      c.state.status = 'offline';
      await ev.evaluateNow();
      const first = await waitFor('the group notification', () => hook.got[0]);
      await settle(300);
      assert.equal(hook.got.length, 1, 'one webhook call for the three');
      assert.equal(first.summary, '[FIRING] Fleet offline on 3 servers');
      assert.deepEqual(first.alerts?.map((x) => [x.server.id, x.state]).sort(), [
        ['a', 'firing'],
        ['b', 'firing'],
        ['c', 'firing'],
      ]);
      // Slack: one message naming the three, accepted by the format check.
      await waitFor('slack', () => slack.hits[0]);
      assert.equal(slack.hits.length, 1);
      assert.deepEqual(slack.hits[0]?.problems, []);
      assert.match(
        JSON.stringify(slack.hits[0]?.body),
        /Servers \(3\)[^"]*a \(firing[^"]*b \(firing[^"]*c \(firing/,
      );
      // PagerDuty keeps an incident per alert: one trigger each, each with its own key.
      await waitFor('three PagerDuty triggers', () => pagerduty.hits.length === 3);
      const keys = pagerduty.hits.map((h) => String(h.body.dedup_key));
      assert.equal(new Set(keys).size, 3);
      assert.deepEqual(
        pagerduty.hits.map((h) => h.problems),
        [[], [], []],
      );
      // Each alert's history records the grouped delivery.
      for (const id of ['a', 'b', 'c']) {
        const [entry] = await historyRepo.list(store.db, { rule: rule.id, server: id, limit: 1 });
        assert.ok(entry);
        const tries = await notificationsRepo.listFor(store.db, entry.id);
        assert.deepEqual(tries.map((t) => [t.channel_kind, t.outcome]).sort(), [
          ['pagerduty', 'ok'],
          ['slack', 'ok'],
          ['webhook', 'ok'],
        ]);
        assert.equal(entry.notification_sent, true);
      }

      // A fourth, later: one update, after the group interval, telling of it.
      d.state.status = 'offline';
      await ev.evaluateNow();
      const update = await waitFor('the update', () => hook.got[1]);
      await settle(300);
      assert.equal(hook.got.length, 2);
      assert.equal(update.server.id, 'd');
      assert.equal(update.state, 'firing');

      // All four recover: one notification listing the four resolved; PagerDuty resolves each key.
      for (const s of servers) s.state.status = 'healthy';
      await ev.evaluateNow();
      const resolved = await waitFor('the resolve notification', () => hook.got[2]);
      assert.equal(resolved.summary, '[RESOLVED] Fleet offline on 4 servers');
      assert.deepEqual(
        resolved.alerts?.map((x) => x.state),
        ['resolved', 'resolved', 'resolved', 'resolved'],
      );
      await waitFor('four PagerDuty resolves', () => pagerduty.hits.length === 8);
      const resolves = pagerduty.hits.filter((h) => h.body.event_action === 'resolve');
      assert.equal(resolves.length, 4);
      const triggerKeys = pagerduty.hits
        .filter((h) => h.body.event_action === 'trigger')
        .map((h) => h.body.dedup_key);
      assert.deepEqual(resolves.map((h) => h.body.dedup_key).sort(), triggerKeys.sort());
      await ev.stop();
      await rulesRepo.delete(store.db, rule.id);
    });

    test('a server that fires and recovers within the wait is not told of; stop sends what waits', async () => {
      hook.got.length = 0;
      const webhook = await webhookChannel(store, 'hook2', hook.url);
      const rule = await rulesRepo.insert(
        store.db,
        ruleInputSchema.parse({
          name: 'Blip',
          metric: 'status_offline',
          condition: 'eq',
          threshold: 1,
          channels: [webhook],
          group_wait: 600,
        }),
        Date.now(),
      );
      const servers = [server('x'), server('y')];
      const [x, y] = servers;
      assert.ok(x && y);
      const ev = rigEvaluator(store, servers);
      await ev.start();
      x.state.status = 'offline';
      y.state.status = 'offline';
      await ev.evaluateNow();
      x.state.status = 'healthy';
      await ev.evaluateNow();
      // Both alerts are in history, and x resolved, though no channel has heard yet.
      const [xEntry] = await historyRepo.list(store.db, { rule: rule.id, server: 'x', limit: 1 });
      assert.equal(xEntry?.state, 'resolved');
      assert.equal(hook.got.length, 0, 'still waiting (group_wait 600 s)');
      await ev.stop(); // a stop sends the waiting group rather than losing it
      await waitFor('the flushed group', () => hook.got[0]);
      assert.equal(hook.got.length, 1);
      assert.equal(hook.got[0]?.server.id, 'y', 'x fired and recovered unseen: nothing to say of it');
      assert.equal(hook.got[0]?.alerts, undefined, 'one alert: a plain message');
      await rulesRepo.delete(store.db, rule.id);
    });
  });
