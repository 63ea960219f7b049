import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { actionsRepo } from '../src/alerts/actions.js';
import { AlertEvaluator } from '../src/alerts/evaluator.js';
import { channelsRepo, rulesRepo } from '../src/alerts/config-repo.js';
import { historyRepo, notificationsRepo, statesRepo } from '../src/alerts/history-repo.js';
import { ruleInputSchema, type AlertRule } from '../src/model/alert-rule.js';
import { silencesRepo } from '../src/alerts/silences.js';
import { Bus } from '../src/shared/bus.js';
import { initialState, type ServerRecord, type Status } from '../src/model/server.js';
import { openStore, type Store } from '../src/store/open-store.js';
import { SecretBox } from '../src/shared/secrets/secret-box.js';
import { waitFor } from './helpers/harness.js';
import { dropStoreTarget, newStoreTarget, storeKinds, type StoreTarget } from './helpers/stores.js';

const kinds = await storeKinds();

interface Hook {
  url: string;
  got: { state: string; server: string; rule: number }[];
  /** Statuses to answer, in order; 204 once used up. */
  script: number[];
  close: () => Promise<void>;
}

/** A real HTTP receiver for webhooks. */
async function receiver(): Promise<Hook> {
  const hook: Hook = { url: '', got: [], script: [], close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { state: string; server: { id: string }; rule: { id: number } };
      hook.got.push({ state: body.state, server: body.server.id, rule: body.rule.id });
      res.writeHead(hook.script.shift() ?? 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo; // safe because listen() on TCP resolved
  hook.url = `http://127.0.0.1:${port}/hook`;
  hook.close = () => new Promise<void>((r) => server.close(() => r()));
  return hook;
}

function server(id: string, tags: string[] = []): ServerRecord & { state: { status: Status } } {
  return {
    id,
    name: id,
    spec: { transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp', headers: {} },
    tags,
    overrides: {},
    source: 'api',
    enabled: true,
    disabledUntil: null,
    disabledReason: null,
    state: { ...initialState(), status: 'healthy', statusReason: null },
    createdAt: 0,
    updatedAt: 0,
  };
}

const MIN = 60_000;

for (const kind of kinds)
  describe(`silences, narrowed rules and shutdown (${kind})`, () => {
    let target: StoreTarget;
    let store: Store;
    let hook: Hook;
    before(async () => {
      target = newStoreTarget(kind);
      store = await openStore(target);
      hook = await receiver();
    });
    after(async () => {
      await hook.close();
      await store.close();
      await dropStoreTarget(target);
    });

    let now = 1_900_000_000_000;
    const secrets = SecretBox.ephemeral();
    const logLines: string[] = [];
    const evaluator = (servers: ServerRecord[], extra: { shutdownGraceMs?: number; baseMs?: number } = {}) =>
      new AlertEvaluator({
        db: store.db,
        secrets,
        bus: new Bus(),
        log: pino(
          { level: 'info' },
          new Writable({
            write(chunk: Buffer, _e, done) {
              logLines.push(chunk.toString());
              done();
            },
          }),
        ),
        servers: () => servers,
        live: () => ({
          last60s: { requests: 0, rps: 0, avgLatencyMs: null, errorRatePercent: null },
          last5m: { requests: 0, rps: 0, avgLatencyMs: null, errorRatePercent: null },
        }),
        activeConnections: () => 0,
        baseUrl: 'http://localhost',
        intervalMs: 3_600_000,
        now: () => now,
        ...(extra.shutdownGraceMs === undefined ? {} : { shutdownGraceMs: extra.shutdownGraceMs }),
        channelDeps: { backoff: { baseMs: extra.baseMs ?? 50, maxMs: extra.baseMs ?? 50 } },
      });

    const offlineRule = async (name: string, retries = 0): Promise<AlertRule> => {
      const channel = await channelsRepo.insert(
        store.db,
        secrets,
        { name, kind: 'webhook', config: { url: hook.url, retries }, enabled: true },
        now,
      );
      return rulesRepo.insert(
        store.db,
        ruleInputSchema.parse({
          name,
          metric: 'status_offline',
          condition: 'eq',
          threshold: 1,
          channels: [channel.id],
          // each notification at once: these tests are about silences, not grouping
          group_wait: 0,
        }),
        now,
      );
    };
    const notifications = async (historyId: number | null | undefined) => {
      assert.ok(typeof historyId === 'number');
      return notificationsRepo.listFor(store.db, historyId);
    };
    const historyOf = async (ruleId: number, serverId: string) =>
      (await historyRepo.list(store.db, { rule: ruleId, server: serverId, limit: 10 }))[0];

    test('a silence by tag and a silence action hold notifications back, history still written', async () => {
      await rulesRepo.seedDefaults(store.db, now); // no default rules in the way: they have no channels
      const rule = await offlineRule('Offline silenced');
      const a = server('a', ['prod']);
      const b = server('b');
      const ev = evaluator([a, b]);
      await ev.start();
      const silence = await silencesRepo.insert(store.db, {
        rule_id: null,
        server_id: null,
        tag: 'prod',
        starts_at: now - MIN,
        ends_at: now + 60 * MIN,
        comment: 'maintenance',
        by: 'ops',
        created_at: now,
      });
      a.state.status = 'offline';
      b.state.status = 'offline';
      await ev.evaluateNow();
      await waitFor('b fired', () => hook.got.some((g) => g.server === 'b' && g.state === 'firing'));
      const aEntry = await historyOf(rule.id, 'a');
      assert.equal(aEntry?.state, 'firing', 'history is written under a silence');
      await waitFor('a suppressed', async () => (await notifications(aEntry?.id)).length > 0);
      const held = await notifications(aEntry?.id);
      assert.deepEqual(
        held.map((n) => [n.notification, n.outcome, n.try, n.silence_id]),
        [['firing', 'suppressed', 0, silence.id]],
      );
      assert.ok(!hook.got.some((g) => g.server === 'a'), 'nothing sent for the silenced server');

      // A silence action on b's entry holds back its resolve notification.
      const bEntry = await historyOf(rule.id, 'b');
      const action = await actionsRepo.insert(store.db, {
        historyId: bEntry?.id ?? 0,
        action: 'silence',
        by: 'alice',
        comment: null,
        until: now + 30 * MIN,
        at: now,
      });
      now += MIN;
      b.state.status = 'healthy';
      await ev.evaluateNow();
      assert.equal((await historyOf(rule.id, 'b'))?.state, 'resolved');
      await waitFor('b resolve suppressed', async () =>
        (await notifications(bEntry?.id)).some((x) => x.outcome === 'suppressed'),
      );
      const bHeld = await notifications(bEntry?.id);
      assert.deepEqual(
        bHeld.map((n) => [n.notification, n.outcome, n.action_id]),
        [
          ['firing', 'ok', null],
          ['resolved', 'suppressed', action.id],
        ],
      );

      // Once the silence has ended, a still firing is reported, then its resolution goes out.
      now += 2 * 60 * MIN;
      await ev.evaluateNow();
      await waitFor('a reported after the silence', () =>
        hook.got.some((g) => g.server === 'a' && g.state === 'firing'),
      );
      now += MIN;
      a.state.status = 'healthy';
      await ev.evaluateNow();
      await waitFor('a resolved', () => hook.got.some((g) => g.server === 'a' && g.state === 'resolved'));
      assert.equal(hook.got.filter((g) => g.server === 'b').length, 1, 'b: the firing only');
      await ev.stop();
      await rulesRepo.delete(store.db, rule.id);
      hook.got.length = 0;
    });

    test('a firing notification a silence held back still goes out after a restart, once the silence ends', async () => {
      const rule = await offlineRule('Offline across a restart');
      const c = server('c');
      const first = evaluator([c]);
      await first.start();
      await silencesRepo.insert(store.db, {
        rule_id: null,
        server_id: 'c',
        tag: null,
        starts_at: now - MIN,
        ends_at: now + 60 * MIN,
        comment: 'window',
        by: 'ops',
        created_at: now,
      });
      c.state.status = 'offline';
      await first.evaluateNow();
      const entry = await historyOf(rule.id, 'c');
      await waitFor('c suppressed', async () => (await notifications(entry?.id)).length > 0);
      await first.stop();
      assert.ok(!hook.got.some((g) => g.server === 'c'));

      const second = evaluator([c]); // the monitor restarted, c still down
      await second.start();
      now += 2 * 60 * MIN;
      await second.evaluateNow();
      await waitFor('c reported after the silence, by the restarted evaluator', () =>
        hook.got.some((g) => g.server === 'c' && g.state === 'firing'),
      );
      assert.equal(hook.got.filter((g) => g.server === 'c').length, 1, 'once');
      c.state.status = 'healthy';
      now += MIN;
      await second.evaluateNow();
      await second.stop();
      await rulesRepo.delete(store.db, rule.id);
      hook.got.length = 0;
    });

    test('narrowed, disabled, deleted rule and disabled server resolve the firing instances they drop', async () => {
      const rule = await offlineRule('Offline narrowed');
      const servers = ['n1', 'n2', 'n3', 'n4'].map((id) => server(id));
      for (const s of servers) s.state.status = 'offline';
      const ev = evaluator(servers);
      await ev.start();
      await ev.evaluateNow();
      await waitFor('4 firing', () => hook.got.filter((g) => g.state === 'firing').length === 4);
      const resolvedOf = (id: string) => hook.got.some((g) => g.server === id && g.state === 'resolved');

      now += MIN;
      await rulesRepo.update(store.db, { ...rule, servers: ['n2', 'n3', 'n4'], updated_at: now });
      await ev.evaluateNow();
      await waitFor('n1 resolved', () => resolvedOf('n1'));
      assert.equal((await historyOf(rule.id, 'n1'))?.resolved_reason, 'rule_changed');
      assert.equal(
        (await statesRepo.list(store.db)).filter((s) => s.ruleId === rule.id && s.serverId === 'n1').length,
        0,
      );

      const n2 = servers[1];
      assert.ok(n2);
      n2.enabled = false;
      await ev.evaluateNow();
      await waitFor('n2 resolved', () => resolvedOf('n2'));
      assert.equal((await historyOf(rule.id, 'n2'))?.resolved_reason, 'server_disabled');

      await rulesRepo.update(store.db, {
        ...rule,
        servers: ['n2', 'n3', 'n4'],
        enabled: false,
        updated_at: now,
      });
      await ev.evaluateNow();
      await waitFor('n3 and n4 resolved', () => resolvedOf('n3') && resolvedOf('n4'));
      assert.equal((await historyOf(rule.id, 'n3'))?.resolved_reason, 'rule_disabled');
      assert.equal(hook.got.filter((g) => g.state === 'resolved').length, 4, 'once each');

      // Deleted while firing: the history resolves and the resolve notification still goes out.
      await rulesRepo.update(store.db, { ...rule, servers: null, enabled: true, updated_at: now });
      now += MIN;
      servers.splice(1, 1);
      await ev.evaluateNow();
      await waitFor('firing again', () => hook.got.filter((g) => g.state === 'firing').length === 7);
      hook.got.length = 0;
      await rulesRepo.delete(store.db, rule.id);
      now += MIN;
      await ev.evaluateNow();
      await waitFor(
        'resolved after delete',
        () => hook.got.filter((g) => g.state === 'resolved').length === 3,
      );
      const entries = await historyRepo.list(store.db, { server: 'n1', limit: 10 });
      assert.deepEqual(
        entries
          .filter((e) => e.rule_name === 'Offline narrowed')
          .slice(0, 1)
          .map((e) => [e.rule_id, e.rule_name, e.state, e.resolved_reason]),
        [[null, 'Offline narrowed', 'resolved', 'rule_deleted']],
      );
      await ev.stop();
      hook.got.length = 0;
    });

    test('stop() waits for a webhook retry in flight, and no longer than its bound', async () => {
      const rule = await offlineRule('Offline at shutdown', 3);
      const s = server('shut');
      s.state.status = 'offline';
      hook.script = [500];
      const ev = evaluator([s], { baseMs: 300 });
      await ev.start();
      await ev.evaluateNow();
      await waitFor('first try answered', () => hook.got.length === 1);
      assert.ok(ev.inFlight >= 1, 'the retry is pending');
      await ev.stop();
      assert.equal(hook.got.length, 2, 'the retry was delivered before stop() returned');
      const tries = await notifications((await historyOf(rule.id, 'shut'))?.id);
      assert.deepEqual(
        tries.map((t) => [t.try, t.outcome, t.status]),
        [
          [1, 'error', 500],
          [2, 'ok', 204],
        ],
      );
      await rulesRepo.delete(store.db, rule.id);

      // A receiver that keeps failing with long backoff: stop() gives up after its grace.
      const stuck = await offlineRule('Offline stuck', 3);
      const t = server('stuck');
      t.state.status = 'offline';
      hook.got.length = 0;
      hook.script = [500, 500, 500, 500];
      const ev2 = evaluator([t], { baseMs: 60_000, shutdownGraceMs: 200 });
      await ev2.start();
      await ev2.evaluateNow();
      await waitFor('first try answered', () => hook.got.length === 1);
      await ev2.stop();
      assert.ok(ev2.inFlight >= 1, 'stop() returned with the retry still waiting');
      assert.ok(logLines.some((l) => l.includes('still retrying at shutdown')));
      await rulesRepo.delete(store.db, stuck.id);
      hook.script = [];
    });
  });
