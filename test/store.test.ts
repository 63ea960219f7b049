import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { openStore, type Store } from '../src/store/open-store.js';
import { checksRepo, type NewCheck } from '../src/store/checks-repo.js';
import { eventsRepo } from '../src/store/events-repo.js';
import { serversRepo } from '../src/store/servers-repo.js';
import { SecretBox } from '../src/shared/secrets/secret-box.js';
import { pruneChecks } from '../src/store/retention.js';
import { initialState, type ServerRecord } from '../src/model/server.js';
import { dropStoreTarget, newStoreTarget, storeKinds, type StoreTarget } from './helpers/stores.js';

const kinds = await storeKinds();
const secrets = SecretBox.ephemeral();

const record = (id: string): ServerRecord => ({
  id,
  name: id,
  spec: { transport: 'stdio', command: 'node', args: ['s.js'], env: { K: { value: 'v', secret: true } } },
  tags: ['a'],
  overrides: { health_check_interval: 2 },
  source: 'api',
  enabled: true,
  disabledUntil: null,
  disabledReason: null,
  state: initialState(),
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
});

const check = (serverId: string, at: number, ok = true): NewCheck => ({
  server_id: serverId,
  server_name: serverId,
  endpoint_url: 'node s.js',
  status: ok ? 'healthy' : 'critical',
  ok: ok ? 1 : 0,
  last_check: at,
  response_time_ms: ok ? 1.5 : null,
  error_message: ok ? null : 'timed out after 5000 ms',
  metadata: { method: 'ping' },
});

for (const kind of kinds) {
  describe(`store (${kind})`, () => {
    let target: StoreTarget;
    let store: Store;
    const open = async () => {
      target ??= newStoreTarget(kind);
      store = await openStore({
        dataDir: target.dataDir,
        databaseUrl: target.databaseUrl,
        schema: target.schema,
      });
      return store;
    };
    after(async () => {
      await store.close();
      await dropStoreTarget(target);
    });

    test('migrations run at start and again without harm; the seed tables exist', async () => {
      await open();
      await store.close();
      await open();
      for (const table of [
        'server_health',
        'server_metrics',
        'error_events',
        'alert_rules',
        'alert_history',
        'servers',
        'events',
        'audit_log',
      ] as const)
        assert.deepEqual(await store.db.selectFrom(table).selectAll().execute(), [], table);
      assert.equal(await store.ping(), true);
    });

    test('servers round-trip, state separately from definition', async () => {
      await serversRepo.insert(store.db, secrets, record('one'));
      const got = await serversRepo.get(store.db, secrets, 'one');
      assert.deepEqual(got, record('one'));
      const state = {
        ...initialState(),
        status: 'healthy' as const,
        lastCheck: 1_700_000_001_000,
        era: 'modern' as const,
        serverInfo: { name: 'x', version: '2' },
        toolCount: 4,
      };
      await serversRepo.saveState(store.db, 'one', state);
      await serversRepo.update(store.db, secrets, { ...record('one'), tags: ['b'] });
      const after = await serversRepo.get(store.db, secrets, 'one');
      assert.deepEqual(after?.tags, ['b']);
      assert.deepEqual(after?.state, state);
    });

    test('checks: newest first; retention deletes only what is past it, in batches', async () => {
      const day = 24 * 3600 * 1000;
      const now = 1_800_000_000_000;
      const rows = Array.from({ length: 12_000 }, (_, i) => check('one', now - 40 * day + i));
      rows.push(check('one', now - 1000, false), check('one', now - 500));
      await checksRepo.insertMany(store.db, rows);
      const recent = await checksRepo.recent(store.db, 'one', 2);
      assert.equal(recent[0]?.checked_at, new Date(now - 500).toISOString());
      assert.equal(recent[1]?.error, 'timed out after 5000 ms');
      assert.equal(recent[1]?.ok, false);
      assert.deepEqual(recent[0]?.metadata, { method: 'ping' });
      assert.equal(await pruneChecks(store, 30, now), 12_000);
      assert.equal((await checksRepo.recent(store.db, 'one', 100)).length, 2);
    });

    test('events newest first', async () => {
      await eventsRepo.insert(store.db, {
        serverId: 'one',
        kind: 'deployment',
        message: 'version 1 → 2',
        at: 10,
      });
      await eventsRepo.insert(store.db, {
        serverId: 'one',
        kind: 'status_change',
        message: 'healthy → critical',
        at: 20,
      });
      const events = await eventsRepo.recent(store.db, 'one', 10);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['status_change', 'deployment'],
      );
    });
  });
}

if (kinds.includes('postgres'))
  describe('store (postgres): opening beside other schemas and other monitors', () => {
    const targets: StoreTarget[] = [];
    after(async () => {
      for (const t of targets) await dropStoreTarget(t);
    });
    const fresh = () => {
      const t = newStoreTarget('postgres');
      targets.push(t);
      return t;
    };

    test('opens while other schemas with tables are dropped at the same moment', async () => {
      // Other test runs (or other apps on a shared database) create and drop schemas; the
      // migration must not trip over a schema that vanishes while it starts.
      const churn = async () => {
        for (let i = 0; i < 15; i++) {
          const t = fresh();
          const client = new pg.Client({ connectionString: t.databaseUrl });
          await client.connect();
          try {
            await client.query(
              `create schema ${t.schema}; create table ${t.schema}.x (id bigserial primary key)`,
            );
            await client.query(`drop schema ${t.schema} cascade`);
          } finally {
            await client.end();
          }
        }
      };
      const opens = async () => {
        for (let i = 0; i < 6; i++) {
          const s = await openStore(fresh());
          assert.equal(await s.ping(), true);
          await s.close();
        }
      };
      await Promise.all([churn(), churn(), opens()]);
    });

    test('two monitors starting together on one store take turns migrating', async () => {
      const t = fresh();
      const [a, b] = await Promise.all([openStore(t), openStore(t)]);
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
        a.db,
      );
      assert.deepEqual(
        applied.rows.map((r) => r.name),
        [
          '001-initial',
          '002-traffic',
          '003-alerts',
          '004-alert-actions',
          '005-query-indexes',
          '006-server-totals',
          '007-id-in-server-indexes',
          '008-usage-tool-errors',
          '010-notifications',
          '011-error-groups',
          '012-incidents',
          '013-capacity',
          '014-status-pages',
          '015-maintenance',
          '016-users',
          '017-federation',
          '018-cluster',
        ],
      );
      await Promise.all([a.close(), b.close()]);
    });
  });
