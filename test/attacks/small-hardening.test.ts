/**
 * Issue 10 point 11: `?token=` only on the live socket; the audit actor is who authenticated,
 * never a header the client sets; no source maps served; a malformed URL answers in the error
 * envelope; ingest refuses events from the future.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import WebSocket from 'ws';
import { startHarness, type Harness } from '../helpers/harness.js';
import { storeKinds } from '../helpers/stores.js';
import { rawRequest } from './attack-helpers.js';

const TOKEN = 'small-hardening-token-0123456789';
const WEB = join(import.meta.dirname, '..', '..', 'dist', 'web');

for (const kind of await storeKinds()) {
  describe(`attack: the smaller holes (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ kind, settings: { api_token: TOKEN }, listen: true });
    });
    after(() => h.destroy());

    test('?token= works on the live socket only', async () => {
      const plain = await h.app.inject({ url: `/api/v1/servers?token=${TOKEN}` });
      assert.equal(
        plain.statusCode,
        401,
        'a token in a URL ends up in logs and histories; only the socket needs it',
      );
      const metrics = await h.app.inject({ url: `/metrics?token=${TOKEN}` });
      assert.equal(metrics.statusCode, 401);
      const type = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/live?token=${TOKEN}`);
        ws.on('message', (d: Buffer) => {
          resolve((JSON.parse(d.toString()) as { type: string }).type);
          ws.close();
        });
        ws.on('error', () => resolve('error'));
      });
      assert.equal(type, 'snapshot');
    });

    test('the audit actor is the authenticated identity; x-mcp-health-actor is ignored', async () => {
      const made = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: { authorization: `Bearer ${TOKEN}`, 'x-mcp-health-actor': 'mallory' },
        payload: { name: 'audited', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' },
      });
      assert.equal(made.statusCode, 201, made.body);
      const rows = await sql<{ actor: string }>`select actor from audit_log where target = 'audited'`.execute(
        h.monitor.store.db,
      );
      assert.deepEqual(
        rows.rows.map((r) => r.actor),
        ['api-token'],
      );
    });

    test('a malformed URL answers 400 in the error envelope', async () => {
      const answer = await rawRequest(h.url, 'GET', '/api/v1/servers/%zz');
      assert.equal(answer.status, 400, answer.body);
      const body = JSON.parse(answer.body) as {
        error: { code: string; message: string; request_id: string };
      };
      assert.equal(body.error.code, 'validation_failed');
      assert.ok(body.error.message.length > 0);
      assert.ok(body.error.request_id);
    });

    test('ingest refuses started_at more than 5 minutes ahead, naming the field', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/events',
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: {
          events: [
            { server: 'audited', method: 'ping', started_at: Date.now(), latency_ms: 1, outcome: 'ok' },
            {
              server: 'audited',
              method: 'ping',
              started_at: Date.now() + 6 * 60_000,
              latency_ms: 1,
              outcome: 'ok',
            },
          ],
        },
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, /events\.1\.started_at/);
      assert.match(res.body, /5 minutes in the future/);
      const soon = await h.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/events',
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: {
          events: [
            {
              server: 'audited',
              method: 'ping',
              started_at: Date.now() + 60_000,
              latency_ms: 1,
              outcome: 'ok',
            },
          ],
        },
      });
      assert.equal(soon.statusCode, 202, 'a clock a minute ahead is fine');
    });

    test('the built dashboard has no source maps, and none is served', async () => {
      const assets = readdirSync(join(WEB, 'assets'));
      assert.ok(
        assets.some((f) => f.endsWith('.js')),
        'the dashboard is built',
      );
      assert.deepEqual(
        assets.filter((f) => f.endsWith('.map')),
        [],
      );
      for (const js of assets.filter((f) => f.endsWith('.js'))) {
        assert.doesNotMatch(readFileSync(join(WEB, 'assets', js), 'utf8'), /sourceMappingURL/);
        const map = await h.app.inject({ url: `/assets/${js}.map` });
        assert.equal(map.statusCode, 404);
      }
    });
  });
}
