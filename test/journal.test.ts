/**
 * The request-event journal (issue 18 point 2): what a run journaled and did not commit is
 * replayed by the next, once; what it did commit is not replayed, even when its segment was
 * left behind (the process died between the commit and the delete).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { RequestEvent } from '../src/model/request-event.js';
import { startHarness } from './helpers/harness.js';
import { newStoreTarget, storeKinds } from './helpers/stores.js';

const event = (endpoint: string): RequestEvent => ({
  serverId: 'reported',
  endpoint,
  method: 'tools/call',
  startedAt: Date.now(),
  latencyMs: 4,
  outcome: 'ok',
  errorCode: null,
  errorMessage: null,
  errorData: null,
  clientName: null,
  clientVersion: null,
  protocolVersion: null,
  sessionId: null,
  requestId: null,
  bytesIn: 0,
  bytesOut: 0,
});

const server = {
  name: 'reported',
  transport: 'streamable-http',
  url: 'http://127.0.0.1:9/mcp',
  health_check_interval: 3600,
};

for (const kind of await storeKinds()) {
  describe(`request-event journal (${kind})`, () => {
    test('replays what was not committed, once; skips a committed segment left behind', async () => {
      const target = newStoreTarget(kind);
      const settings = { servers: [server], metrics_collection_interval: 3600 };
      const first = await startHarness({ target, settings });
      first.monitor.sink.recordBatch?.([event('tools/call:a'), event('tools/call:a')]);
      const flushed = await first.monitor.aggregator.flush();
      assert.equal(flushed.ok, true);
      // A committed flush whose segment the "crash" left behind: the same events under its id.
      const [committed] = (
        await sql<{ flush_id: string }>`select flush_id from metric_flushes`.execute(first.monitor.store.db)
      ).rows;
      assert.ok(committed);
      const dir = join(target.dataDir, 'journal');
      assert.deepEqual(
        readdirSync(dir).filter((f) => !f.includes('.open.')),
        [],
        'committed segments are deleted',
      );
      writeFileSync(join(dir, `1.${committed.flush_id}.jsonl`), `${JSON.stringify(event('tools/call:a'))}\n`);
      // Not committed: taken (journaled), then the process "dies" before any flush. Two through the
      // ingest API in a pretty-printed body (line breaks and all), one straight into the sink.
      const pretty = JSON.stringify(
        {
          events: [1, 2].map(() => ({
            server: 'reported',
            method: 'tools/call',
            endpoint: 'tools/call:b',
            started_at: Date.now(),
            latency_ms: 2,
            outcome: 'ok',
          })),
        },
        null,
        2,
      ).replaceAll('\n', '\r\n');
      const posted = await first.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/events',
        headers: { 'content-type': 'application/json' },
        payload: pretty,
      });
      assert.equal(posted.statusCode, 202, posted.body);
      first.monitor.sink.recordBatch?.([event('tools/call:b')]);
      // Stop without the final flush: what a kill -9 leaves (the journal's file, no commit).
      const agg = first.monitor.aggregator as unknown as { flush: () => Promise<unknown> };
      agg.flush = () => Promise.resolve({ ok: true, rows: 0 });
      await first.stop();

      const second = await startHarness({ target, settings });
      try {
        await second.monitor.aggregator.flush();
        const rows = await sql<{
          endpoint: string;
          n: number | string;
        }>`select endpoint, sum(count) as n from request_rollups where endpoint like 'tools/call:%' group by endpoint order by endpoint`.execute(
          second.monitor.store.db,
        );
        assert.deepEqual(
          rows.rows.map((r) => [r.endpoint, Number(r.n)]),
          [
            ['tools/call:a', 2],
            ['tools/call:b', 3],
          ],
        );
        assert.deepEqual(
          readdirSync(dir).filter((f) => !f.includes('.open.')),
          [],
        );
      } finally {
        await second.destroy();
      }
    });
  });
}
