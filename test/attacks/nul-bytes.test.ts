/**
 * Issue 10 point 6: one NUL character (or an unpaired surrogate) must not stop the store's
 * writes. API input carrying one is refused with a 400 naming the field; gateway traffic and
 * upstream text have it replaced; and a row the store still refuses is dropped and counted while
 * the rest of its batch is written. PostgreSQL is where NUL used to fail every later flush.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { CheckWriter } from '../../src/checker/check-writer.js';
import type { RequestEvent } from '../../src/model/request-event.js';
import type { Harness } from '../helpers/harness.js';
import { storeKinds } from '../helpers/stores.js';
import { monitorWithModernServer } from './attack-helpers.js';

const NUL = '\u0000';
const LONE = '\ud800';

const event = (endpoint: string): RequestEvent => ({
  serverId: 'modern',
  endpoint,
  method: 'tools/call',
  startedAt: Date.now(),
  latencyMs: 3,
  outcome: 'ok',
  errorCode: null,
  errorMessage: null,
  errorData: null,
  clientName: 'c',
  clientVersion: '1',
  protocolVersion: '2025-06-18',
  sessionId: null,
  requestId: null,
  bytesIn: 0,
  bytesOut: 0,
});

for (const kind of await storeKinds()) {
  describe(`attack: NUL bytes and lone surrogates (${kind})`, () => {
    let h: Harness;
    let close: () => Promise<void>;
    before(async () => {
      ({ h, close } = await monitorWithModernServer(kind));
    });
    after(() => close());

    test('API inputs with NUL or a lone surrogate are 400 naming the field, never 500', async () => {
      const cases: [
        method: 'GET' | 'POST' | 'PATCH',
        url: string,
        body: object | undefined,
        field: string,
      ][] = [
        [
          'POST',
          '/api/v1/servers',
          { name: `a${NUL}b`, transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' },
          'name',
        ],
        [
          'POST',
          '/api/v1/servers',
          { name: 'x', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp', tags: [`t${LONE}`] },
          'tags.0',
        ],
        [
          'POST',
          '/api/v1/servers',
          {
            name: 'x',
            transport: 'streamable-http',
            url: 'http://127.0.0.1:9/mcp',
            headers: { 'X-Key': `v${NUL}` },
          },
          'headers.X-Key',
        ],
        ['PATCH', '/api/v1/servers/modern', { tags: [`p${NUL}`] }, 'tags.0'],
        [
          'POST',
          '/api/v1/alerts/rules',
          { name: `r${NUL}`, metric: 'error_rate', condition: 'gt', threshold: 1 },
          'name',
        ],
        ['POST', '/api/v1/alerts/channels', { name: `c${NUL}`, kind: 'log' }, 'name'],
        [
          'POST',
          '/api/v1/alerts/silences',
          { tag: 'x', ends_at: new Date(Date.now() + 60_000).toISOString(), comment: `s${NUL}` },
          'comment',
        ],
        [
          'POST',
          '/api/v1/ingest/events',
          {
            events: [
              {
                server: 'modern',
                method: `tools/call${NUL}`,
                started_at: Date.now(),
                latency_ms: 1,
                outcome: 'ok',
              },
            ],
          },
          'events.0.method',
        ],
        ['GET', `/api/v1/servers?q=${encodeURIComponent(NUL)}`, undefined, 'query.q'],
        ['GET', `/api/v1/alerts/history?server=${encodeURIComponent(NUL)}`, undefined, 'query.server'],
        ['GET', `/api/v1/servers/${encodeURIComponent(`mo${NUL}dern`)}`, undefined, 'params.id'],
      ];
      for (const [method, url, body, field] of cases) {
        const res = await h.app.inject({ method, url, ...(body ? { payload: body } : {}) });
        assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
        const fields = res.json<{ error: { details: { fields: { field: string }[] } } }>().error.details
          .fields;
        assert.ok(
          fields.some((f) => f.field === field),
          `${method} ${url}: ${res.body}`,
        );
      }
      // Nothing was lost by the refusals: the store still takes writes.
      const ok = await h.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/channels',
        payload: { name: 'fine', kind: 'log' },
      });
      assert.equal(ok.statusCode, 201, ok.body);
    });

    test('a tool named "evil\\u0000tool" through the gateway: recorded (as U+FFFD), and every flush after it still writes', async () => {
      const call = await fetch(`${h.url}/mcp/modern`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: `evil${NUL}tool`, arguments: {} },
        }),
      });
      await call.text();
      const first = await h.monitor.aggregator.flush();
      assert.equal(first.ok, true, first.error);
      const rows = await sql<{
        endpoint: string;
      }>`select distinct endpoint from request_rollups where server_id = 'modern'`.execute(
        h.monitor.store.db,
      );
      assert.ok(
        rows.rows.some((r) => r.endpoint === 'tools/call:evil\uFFFDtool'),
        JSON.stringify(rows.rows),
      );
      h.monitor.sink.record(event('tools/call:after'));
      const second = await h.monitor.aggregator.flush();
      assert.equal(second.ok, true, second.error);
      assert.equal(h.monitor.aggregator.stats().failedFlushes, 0);
    });

    test('a row the store refuses is dropped and counted; the rest of its batch is written', async () => {
      // Straight into the aggregator, past the cleaning at the boundary: the last line of defence.
      h.monitor.aggregator.record(event(`tools/call:bad${NUL}`));
      h.monitor.aggregator.record(event('tools/call:good'));
      const flushed = await h.monitor.aggregator.flush();
      assert.equal(flushed.ok, true, flushed.error);
      const good = await sql<{
        n: number;
      }>`select count(*) as n from request_rollups where endpoint = 'tools/call:good'`.execute(
        h.monitor.store.db,
      );
      assert.equal(Number(good.rows[0]?.n), 1);
      if (kind === 'postgres') assert.ok(h.monitor.aggregator.stats().refusedRows >= 1);
      const next = await h.monitor.aggregator.flush();
      assert.equal(next.ok, true);

      const writer = new CheckWriter(h.monitor.store, h.monitor.log);
      const check = (server_id: string, error: string) => ({
        server_id,
        server_name: server_id,
        endpoint_url: 'http://x',
        status: 'critical' as const,
        ok: 0,
        last_check: Date.now(),
        response_time_ms: null,
        error_message: error,
        metadata: {},
      });
      const state = h.monitor.registry.get('modern').state;
      writer.add(check('modern', `bad${NUL}`), state);
      writer.add(check('modern', 'good check'), state);
      await writer.flush();
      const stored = await sql<{
        error_message: string;
      }>`select error_message from server_health where error_message = 'good check'`.execute(
        h.monitor.store.db,
      );
      assert.equal(stored.rows.length, 1, 'the good check was written');
      if (kind === 'postgres') assert.equal(writer.refused, 1);
    });
  });
}
