/**
 * Issue 18 point 3: when the store's disk is full, /readyz says so (503, with the cause), API
 * writes answer 503 with a clear message, the log names SQLITE_FULL (not "cannot rollback"), and
 * what the monitor held in memory is written once space returns. SQLite's max_page_count makes
 * the store refuse to grow exactly as a full disk does (SQLITE_FULL).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

describe('disk full (sqlite)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      kind: 'sqlite',
      settings: {
        metrics_collection_interval: 1,
        servers: [
          {
            name: 'reported',
            transport: 'streamable-http',
            url: 'http://127.0.0.1:9/mcp',
            health_check_interval: 1,
          },
        ],
      },
    });
  });
  after(() => h.destroy());

  const ingest = async (n: number, tag: string) => {
    const events = Array.from({ length: n }, (_, i) => ({
      server: 'reported',
      method: 'tools/call',
      endpoint: `tools/call:${tag}-${i % 200}`,
      started_at: Date.now(),
      latency_ms: 1 + (i % 50),
      outcome: i % 10 === 0 ? 'error' : 'ok',
      error_message: i % 10 === 0 ? `failure number ${i} ${'x'.repeat(200)}` : null,
    }));
    return h.app.inject({ method: 'POST', url: '/api/v1/ingest/events', payload: { events } });
  };
  const stored = async () =>
    Number(
      (
        await sql<{
          n: number | string | null;
        }>`select sum(count) as n from request_rollups where endpoint like 'tools/call:%'`.execute(
          h.monitor.store.db,
        )
      ).rows[0]?.n ?? 0,
    );

  test('full: readiness 503 with the cause, writes 503, the log names it; room again: nothing lost', async () => {
    const db = h.monitor.store.db;
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]?.page_count ?? 0;
    await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
    let accepted = 0;
    const full = await waitFor(
      'the store to refuse writes',
      async () => {
        const res = await ingest(2000, `round${accepted}`);
        if (res.statusCode === 202) accepted += 2000;
        const ready = await h.app.inject({ url: '/readyz' });
        return ready.statusCode === 503 ? ready.json<{ status: string; cause: string }>() : undefined;
      },
      30_000,
    );
    assert.equal(full.status, 'store not writable');
    assert.match(full.cause, /SQLITE_FULL/);
    // Writes through the API: the first that needs a new page is refused, with the cause.
    let refused: { statusCode: number; body: string } | undefined;
    for (let i = 0; i < 200 && refused === undefined; i++) {
      const write = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: `another ${i} ${'y'.repeat(90)}`,
          transport: 'streamable-http',
          url: 'http://127.0.0.1:9/mcp',
          tags: Array.from({ length: 40 }, (_, t) => `tag-${t}-${'z'.repeat(40)}`),
        },
      });
      if (write.statusCode !== 201) refused = write;
    }
    assert.equal(refused?.statusCode, 503, refused?.body);
    assert.match(JSON.parse(refused.body).error.message, /SQLITE_FULL.*free disk space/);
    const log = h.logLines.join('\n');
    assert.match(log, /SQLITE_FULL/);
    assert.doesNotMatch(log, /cannot rollback/);
    // Ingest is still acknowledged meanwhile (the journal keeps it), and so must be kept.
    const more = await ingest(500, 'during');
    assert.equal(more.statusCode, 202);
    accepted += 500;

    await sql.raw('pragma max_page_count = 1073741823').execute(db);
    await waitFor(
      'ready again',
      async () => (await h.app.inject({ url: '/readyz' })).statusCode === 200,
      15_000,
    );
    await waitFor('everything accepted is stored', async () => (await stored()) === accepted, 15_000);
  });
});
