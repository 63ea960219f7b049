import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { openStore, type Store } from '../src/store/open-store.js';
import type { Database, Db } from '../src/store/tables.js';
import { SERVER_TOTAL } from '../src/store/rollups-repo.js';
import { Aggregator } from '../src/metrics/aggregate/aggregator.js';
import { pruneMetrics } from '../src/metrics/aggregate/rollup.js';
import { defaultRetention } from '../src/metrics/read/tiers.js';
import { requestEvent } from '../src/metrics/ingest/synthetic-traffic.js';
import { dropStoreTarget, newStoreTarget, storeKinds, type StoreTarget } from './helpers/stores.js';

const kinds = await storeKinds();
const NOW = Date.UTC(2026, 10, 2, 10, 30);
const MIN = 60_000;

/**
 * The store as the aggregator sees it, except that the next `lose` transactions commit and then
 * throw, as when the connection drops between COMMIT and its confirmation.
 */
function losingConfirmations(store: Store) {
  const state = { lose: 0 };
  const db = new Proxy(store.db, {
    get(target, key, receiver) {
      if (key !== 'transaction') {
        const v: unknown = Reflect.get(target, key, receiver);
        // Kysely's methods read private fields: call them on the instance, not the proxy
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      }
      return () => ({
        execute: async <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> => {
          const result = await target.transaction().execute(fn);
          if (state.lose > 0) {
            state.lose--;
            throw new Error('connection lost after COMMIT');
          }
          return result;
        },
      });
    },
  });
  return { store: { db }, state };
}

const totals = async (db: Db, serverId: string) => {
  const sum = async (table: 'usage_rollups' | 'error_groups') =>
    (await db.selectFrom(table).select('count').where('server_id', '=', serverId).execute()).reduce(
      (n, r) => n + r.count,
      0,
    );
  const samples = await db
    .selectFrom('error_events')
    .select('id')
    .where('server_id', '=', serverId)
    .execute();
  const rollups = await db
    .selectFrom('request_rollups')
    .select(['endpoint', 'count'])
    .where('server_id', '=', serverId)
    .execute();
  const requests = rollups.filter((r) => r.endpoint !== SERVER_TOTAL).reduce((n, r) => n + r.count, 0);
  const serverTotal = rollups.filter((r) => r.endpoint === SERVER_TOTAL).reduce((n, r) => n + r.count, 0);
  assert.equal(serverTotal, requests, 'the server-total rows count what the endpoint rows count');
  return {
    requests,
    usage: await sum('usage_rollups'),
    errorGroups: await sum('error_groups'),
    samples: samples.length,
  };
};

for (const kind of kinds)
  describe(`idempotent flush (${kind})`, () => {
    const targets: StoreTarget[] = [];
    const stores: Store[] = [];
    after(async () => {
      for (const s of stores) await s.close();
      for (const t of targets) await dropStoreTarget(t);
    });
    const open = async () => {
      const t = newStoreTarget(kind);
      targets.push(t);
      const s = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, schema: t.schema });
      stores.push(s);
      return s;
    };

    test('a flush retried after a commit whose confirmation was lost counts nothing twice', async () => {
      const real = await open();
      const { store, state } = losingConfirmations(real);
      const agg = new Aggregator({ store, now: () => NOW });
      const record = (n: number, at: number) => {
        for (let i = 0; i < n; i++)
          agg.record(
            requestEvent({
              serverId: 'once',
              startedAt: at + i,
              outcome: i % 5 === 0 ? 'error' : 'ok',
              errorCode: i % 5 === 0 ? -32603 : null,
              errorMessage: i % 5 === 0 ? 'boom' : null,
            }),
          );
      };
      record(50, NOW - 2 * MIN);
      state.lose = 1;
      const lost = await agg.flush();
      assert.equal(lost.ok, false); // it did commit; the aggregator cannot know
      record(30, NOW - MIN); // arrives meanwhile, goes in the next batch
      const retried = await agg.flush();
      assert.equal(retried.ok, true, retried.error);
      assert.deepEqual(await totals(real.db, 'once'), {
        requests: 80,
        usage: 80,
        errorGroups: 16,
        samples: 16,
      });

      // A second loss, on the retry itself: still once.
      record(10, NOW);
      state.lose = 2;
      assert.equal((await agg.flush()).ok, false);
      assert.equal((await agg.flush()).ok, false);
      assert.equal((await agg.flush()).ok, true);
      assert.equal((await agg.flush()).rows, 0);
      assert.deepEqual(await totals(real.db, 'once'), {
        requests: 90,
        usage: 90,
        errorGroups: 18,
        samples: 18,
      });
      assert.equal(agg.stats().pendingBuckets, 0);
    });

    test('a flush that did not commit is written by its retry, and flush ids are pruned after a day', async () => {
      const real = await open();
      let failing = true;
      const db = new Proxy(real.db, {
        get(target, key, receiver) {
          if (key === 'transaction' && failing) throw new Error('store down');
          const v: unknown = Reflect.get(target, key, receiver);
          // Kysely's methods read private fields: call them on the instance, not the proxy
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const agg = new Aggregator({ store: { db }, now: () => NOW });
      for (let i = 0; i < 7; i++) agg.record(requestEvent({ serverId: 'later', startedAt: NOW - MIN + i }));
      assert.equal((await agg.flush()).ok, false);
      failing = false;
      assert.equal((await agg.flush()).ok, true);
      assert.equal((await totals(real.db, 'later')).requests, 7);
      const pruned = await pruneMetrics(real.db, defaultRetention, NOW + 2 * 86_400_000);
      assert.equal(pruned.flushes, 1);
    });
  });
