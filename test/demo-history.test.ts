import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_HISTORY_CLIENT, backfillDemoHistory } from '../src/demo/history.js';
import { startHarness } from './helpers/harness.js';
import { addReportedServer } from './helpers/backfill.js';

test('the demo history: four weeks posted once, as demo-history, and enough for a forecast', async () => {
  const h = await startHarness({ listen: true, settings: { metrics_collection_interval: 3600 } });
  try {
    const ids = [await addReportedServer(h, 'a'), await addReportedServer(h, 'b')];
    const posted = await backfillDemoHistory({ baseUrl: h.url, serverIds: ids, base: 3 });
    assert.ok(posted > 2 * 28 * 24, `${posted} requests`);
    const flushed = await h.monitor.aggregator.flush(); // as a restart does
    assert.ok(flushed.ok);
    assert.equal(await backfillDemoHistory({ baseUrl: h.url, serverIds: ids, base: 3 }), 0, 'not done twice');
    const usage = (await h.app.inject({ url: `/api/v1/usage?from=${Date.now() - 29 * 86_400_000}` })).json<{
      requests: number;
      clients: { client_name: string }[];
    }>();
    assert.equal(usage.requests, posted);
    assert.deepEqual(
      usage.clients.map((c) => c.client_name),
      [DEMO_HISTORY_CLIENT],
      'marked as demo data',
    );
    const f = (await h.app.inject({ url: '/api/v1/servers/a/forecast?metric=requests' })).json<{
      status: string;
      seasonality: number[];
    }>();
    assert.deepEqual([f.status, f.seasonality], ['ok', [24, 168]]);
  } finally {
    await h.destroy();
  }
});
