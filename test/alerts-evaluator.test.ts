import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { AlertEvaluator } from '../src/alerts/evaluator.js';
import { rulesRepo } from '../src/alerts/config-repo.js';
import { historyRepo, statesRepo } from '../src/alerts/history-repo.js';
import { Bus } from '../src/shared/bus.js';
import type { LiveFigures } from '../src/metrics/aggregate/live-window.js';
import { initialState, type ServerRecord, type Status } from '../src/model/server.js';
import { openStore, type Store } from '../src/store/open-store.js';
import { SecretBox } from '../src/shared/secrets/secret-box.js';
import { dropStoreTarget, newStoreTarget, type StoreTarget } from './helpers/stores.js';

const figures = (errorRatePercent: number | null): LiveFigures => ({
  requests: errorRatePercent === null ? 0 : 100,
  rps: 1,
  avgLatencyMs: null,
  errorRatePercent,
});

function server(id: string, status: Status = 'healthy', enabled = true): ServerRecord {
  return {
    id,
    name: id,
    spec: { transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp', headers: {} },
    tags: [],
    overrides: {},
    source: 'api',
    enabled,
    disabledUntil: null,
    disabledReason: null,
    state: { ...initialState(), status, statusReason: null },
    createdAt: 0,
    updatedAt: 0,
  };
}

let target: StoreTarget;
let store: Store;
before(async () => {
  target = newStoreTarget('sqlite');
  store = await openStore(target);
});
after(async () => {
  await store.close();
  await dropStoreTarget(target);
});

test('error rate: fires only after the period held, a flap resets Pending, no data keeps Firing', async () => {
  let now = 1_800_000_000_000;
  let errorRate: number | null = 50;
  const servers = [server('a'), server('off', 'healthy', false)];
  const evaluator = new AlertEvaluator({
    db: store.db,
    secrets: SecretBox.ephemeral(),
    bus: new Bus(),
    log: pino({ level: 'silent' }),
    servers: () => servers,
    live: () => ({ last60s: figures(errorRate), last5m: figures(errorRate) }),
    activeConnections: () => 0,
    baseUrl: 'http://localhost',
    intervalMs: 3_600_000,
    now: () => now,
  });
  await evaluator.start();
  const rules = await rulesRepo.list(store.db);
  assert.equal(rules.length, 2, 'default rules seeded');
  const errorRule = rules.find((r) => r.metric === 'error_rate');
  assert.ok(errorRule);
  const state = async (serverId: string) =>
    (await statesRepo.list(store.db)).find((s) => s.ruleId === errorRule.id && s.serverId === serverId)?.state
      .state;

  await evaluator.evaluateNow();
  assert.equal(await state('a'), 'pending');
  now += 200_000;
  errorRate = 1; // a flap back under resets Pending
  await evaluator.evaluateNow();
  assert.equal(await state('a'), 'normal');
  errorRate = 50;
  await evaluator.evaluateNow();
  now += 299_000;
  await evaluator.evaluateNow();
  assert.equal(await state('a'), 'pending', 'not yet held 5 minutes');
  now += 1_000;
  await evaluator.evaluateNow();
  assert.equal(await state('a'), 'firing');
  errorRate = null; // no data: stays Firing
  now += 10_000;
  await evaluator.evaluateNow();
  assert.equal(await state('a'), 'firing');
  errorRate = 0;
  now += 10_000;
  await evaluator.evaluateNow();
  assert.equal(await state('a'), 'resolved');
  assert.equal(await state('off'), undefined, 'a disabled server raises no alerts');

  // A server added later is covered by a rule for all servers.
  servers.push(server('late', 'offline'));
  await evaluator.evaluateNow();
  const history = await historyRepo.list(store.db, { limit: 10 });
  assert.deepEqual(
    history.map((h) => [h.server_id, h.state]),
    [
      ['late', 'firing'],
      ['a', 'resolved'],
    ],
  );
  await evaluator.stop();
});

test('a burst of status changes is evaluated together, at once, and all of it fires', async () => {
  const burst = await openStore(newStoreTarget('sqlite'));
  const bus = new Bus();
  const servers = Array.from({ length: 300 }, (_, i) => server(`s${i}`));
  let fleetReads = 0;
  const evaluator = new AlertEvaluator({
    db: burst.db,
    secrets: SecretBox.ephemeral(),
    bus,
    log: pino({ level: 'silent' }),
    servers: () => {
      fleetReads++;
      return servers;
    },
    live: () => ({ last60s: figures(0), last5m: figures(0) }),
    activeConnections: () => 0,
    baseUrl: 'http://localhost',
    intervalMs: 3_600_000,
  });
  await evaluator.start();
  fleetReads = 0;
  // an upstream shared by 200 servers goes down: their statuses change in one burst
  for (const s of servers.slice(0, 200)) {
    s.state = { ...s.state, status: 'offline' };
    bus.emit('server.status', s, 'healthy');
  }
  await evaluator.evaluateNow('s0'); // queued behind the burst's evaluation
  const firing = (await historyRepo.list(burst.db, { limit: 500 })).filter((h) => h.state === 'firing');
  assert.equal(firing.length, 200);
  assert.ok(fleetReads <= 2, `the fleet was walked ${fleetReads} times for one burst`);
  await evaluator.stop();
  await burst.close();
});
