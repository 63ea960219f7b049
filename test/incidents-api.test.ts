/**
 * Incidents and "click a spike" (issue 12, points 3 and 4) against a real SDK server through the
 * gateway, with its past told through the ingest API: a spike three hours ago opens an incident
 * that closes when the errors stop and is given a resolution note; a new version of the server
 * (a deployment, seen by the checker) brings the same error back, the window analysis ranks the
 * deployment first, and the new incident finds the old one with its note.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { incident, incidentDetail, incidentList, windowAnalysis } from '../src/api/contract/incidents.js';
import { startFailingServer, type FailingServerHandle } from './fixtures/sdk-servers/failing-tools-server.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { DAY, HOUR, MIN } from './helpers/backfill.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();

for (const kind of kinds)
  describe(`incidents API (${kind})`, () => {
    let h: Harness;
    let upstream: FailingServerHandle;
    const T0 = Math.floor(Date.now() / MIN) * MIN;
    const pastSpike = T0 - 3 * HOUR;
    let pastId = 0;
    let liveId = 0;

    const get = async (url: string) => {
      const res = await h.app.inject({ method: 'GET', url });
      return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
    };
    const call = (client: Client, name: string, args: Record<string, unknown>) =>
      client.callTool({ name, arguments: args }).catch((err: unknown) => err);
    const connect = async () => {
      const client = new Client(
        { name: 'incident-client', version: '3.1' },
        { versionNegotiation: { mode: 'auto' } },
      );
      await client.connect(new StreamableHTTPClientTransport(new URL(`${h.url}/mcp/failing`)));
      return client;
    };

    before(async () => {
      upstream = await startFailingServer({ version: '1.0.0' });
      h = await startHarness({ kind, listen: true, settings: { incident_evaluation_interval: 0 } });
      const added = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'failing',
          transport: 'streamable-http',
          url: upstream.url,
          health_check_interval: 3600,
        },
      });
      assert.equal(added.statusCode, 201, added.body);
      assert.equal((await h.monitor.checker.checkNow('failing')).ok, true);
    });
    after(async () => {
      await upstream.close();
      await h.destroy();
    });

    test('a spike opens an incident, which closes when the errors stop; it takes a resolution note', async () => {
      // The server's real error, through the gateway, gives the message the past is told with.
      const client = await connect();
      await call(client, 'get_order', { id: randomUUID() });
      await client.close();
      assert.equal((await h.monitor.aggregator.flush()).ok, true);
      const sample = (
        await h.monitor.errors.list({ from: T0 - HOUR, to: T0 + HOUR }, { serverId: 'failing' }, 1)
      )[0];
      assert.ok(sample, 'the gateway recorded the failed call');

      // Four hours of 20 good calls a minute; three hours ago, five minutes of 10 failures a minute more.
      const events: object[] = [];
      for (let t = T0 - 4 * HOUR; t < T0 - MIN; t += MIN) {
        for (let i = 0; i < 20; i++)
          events.push({
            server: 'failing',
            method: 'tools/call',
            endpoint: 'tools/call:ok',
            started_at: t + i * 100,
            latency_ms: 5,
            outcome: 'ok',
          });
        if (t >= pastSpike && t < pastSpike + 5 * MIN)
          for (let i = 0; i < 10; i++)
            events.push({
              server: 'failing',
              method: 'tools/call',
              endpoint: 'tools/call:get_order',
              started_at: t + 5000 + i * 100,
              latency_ms: 7,
              outcome: 'tool_error',
              error_message: `Order ${randomUUID()} not found`,
              client_name: 'billing-worker',
            });
      }
      for (let i = 0; i < events.length; i += 10_000) {
        const res = await h.app.inject({
          method: 'POST',
          url: '/api/v1/ingest/events',
          payload: { events: events.slice(i, i + 10_000) },
        });
        assert.equal(res.statusCode, 202, res.body);
      }
      assert.equal((await h.monitor.aggregator.flush()).ok, true);

      const opened: number[] = [];
      const closed: number[] = [];
      for (let t = pastSpike - 10 * MIN; t <= pastSpike + 25 * MIN; t += MIN) {
        const e = await h.monitor.incidents.evaluate(t);
        opened.push(...e.opened);
        closed.push(...e.closed);
      }
      assert.equal(opened.length, 1, 'one incident for one spike');
      assert.deepEqual(closed, opened, 'and it closed once the errors stopped');
      pastId = opened[0] ?? 0;

      const res = await get(
        `/api/v1/incidents?server=failing&from=${pastSpike - HOUR}&to=${pastSpike + HOUR}`,
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const [past] = incidentList.parse(res.body).incidents;
      assert.ok(past);
      assert.deepEqual(
        [past.id, past.status, past.cause, past.resolved_by],
        [pastId, 'resolved', 'error_rate', 'auto'],
      );
      assert.deepEqual(past.affected.endpoints, ['tools/call:get_order']);
      assert.deepEqual(past.affected.clients, ['billing-worker']);
      assert.deepEqual(past.fingerprints, [sample.fingerprint], 'the same fingerprint as the gateway gave');
      assert.equal(past.errors, 50);
      assert.ok(Date.parse(past.closed_at ?? '') > pastSpike + 5 * MIN);
      // 10 failures in 30 calls a minute at the top, nothing around it
      assert.ok(past.peak_rate !== null && past.peak_rate > 30, String(past.peak_rate));
      assert.ok(
        past.shape.points.some((p) => p !== null && p > 30) && past.shape.points.some((p) => p === 0),
      );
      const open = await get(
        `/api/v1/incidents?server=failing&status=open&from=${pastSpike - HOUR}&to=${T0}`,
      );
      assert.deepEqual(incidentList.parse(open.body).incidents, [], 'none left open');

      const note = 'Rolled back to 1.0.0; the order cache was cold after the deploy';
      const patched = await h.app.inject({
        method: 'PATCH',
        url: `/api/v1/incidents/${pastId}`,
        payload: { resolution_note: note },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(incident.parse(patched.json()).resolution_note, note);
    });

    test('a deployment brings the error back: it ranks first in the window, and the old incident is found with its note', async () => {
      // The server comes back on its address as version 1.1.0: the checker sees the deployment.
      const port = Number(new URL(upstream.url).port);
      await upstream.close();
      upstream = await startFailingServer({ version: '1.1.0', port });
      assert.equal((await h.monitor.checker.checkNow('failing')).ok, true);
      const client = await connect();
      for (let i = 0; i < 12; i++) await call(client, 'get_order', { id: randomUUID() });
      for (let i = 0; i < 3; i++) await call(client, 'ok', {});
      await client.close();
      assert.equal((await h.monitor.aggregator.flush()).ok, true);

      const now = Date.now();
      const res = await get(`/api/v1/incidents/window?server=failing&from=${now - 10 * MIN}&to=${now + MIN}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const w = windowAnalysis.parse(res.body);
      assert.equal(w.events[0]?.kind, 'deployment', JSON.stringify(w.events));
      assert.match(w.events[0]?.detail ?? '', /1\.0\.0 → 1\.1\.0/);
      assert.equal(w.events[0]?.server, 'failing');
      const [top] = w.errors;
      // these 12 and the first test's call; none in the windows before (the past spike is hours back)
      assert.deepEqual([top?.endpoints, top?.count, top?.baseline_count], [['tools/call:get_order'], 13, 0]);
      assert.deepEqual(w.affected.servers, ['failing']);
      assert.ok(w.affected.clients.includes('incident-client'));
      assert.equal(w.similar[0]?.incident.id, pastId);
      assert.match(w.similar[0]?.resolution_note ?? '', /Rolled back/);

      const e = await h.monitor.incidents.evaluate(now + MIN);
      assert.equal(e.opened.length, 1);
      liveId = e.opened[0] ?? 0;
      const detail = await get(`/api/v1/incidents/${liveId}`);
      assert.equal(detail.status, 200, JSON.stringify(detail.body));
      const d = incidentDetail.parse(detail.body);
      assert.equal(d.status, 'open');
      assert.deepEqual(
        d.groups.map((g) => g.endpoints[0]),
        ['tools/call:get_order'],
      );
      assert.equal(d.events[0]?.kind, 'deployment');
      const [like] = d.similar;
      assert.equal(like?.incident.id, pastId);
      assert.match(like?.resolution_note ?? '', /order cache was cold/);
      assert.ok((like?.score ?? 0) >= 0.7, `same fingerprint, server and endpoint: ${like?.score}`);

      // No errors for ten minutes: calm twice, closed.
      assert.deepEqual((await h.monitor.incidents.evaluate(now + 10 * MIN)).closed, []);
      assert.deepEqual((await h.monitor.incidents.evaluate(now + 11 * MIN)).closed, [liveId]);
    });

    test('resolved by hand; bad input is a 400 naming the field; an unknown incident a 404', async () => {
      const e = await h.app.inject({
        method: 'PATCH',
        url: `/api/v1/incidents/${liveId}`,
        payload: { status: 'resolved' },
      });
      assert.equal(e.statusCode, 200);
      const bad = async (method: 'GET' | 'PATCH', url: string, field: string, payload?: object) => {
        const res = await h.app.inject({ method, url, ...(payload ? { payload } : {}) });
        assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
        const fields = res.json<{ error: { details: { fields: { field: string }[] } } }>().error.details
          .fields;
        assert.ok(
          fields.some((f) => f.field === field),
          `${url} names ${field}: ${res.body}`,
        );
      };
      await bad('GET', '/api/v1/incidents/window?from=yesterday', 'query.from');
      await bad('GET', `/api/v1/incidents/window?from=${T0}&to=${T0 - MIN}`, 'query.from');
      await bad('GET', `/api/v1/incidents/window?from=${T0 - 40 * DAY}&to=${T0}`, 'query.from');
      await bad('GET', '/api/v1/incidents?status=closed', 'query.status');
      await bad('GET', '/api/v1/incidents/0', 'id'); // path parameters are named bare, as every route's
      // a body's fields are named bare, as the errors routes' are
      await bad('PATCH', `/api/v1/incidents/${pastId}`, 'resolution_note', { resolution_note: 5 });
      await bad('PATCH', `/api/v1/incidents/${pastId}`, 'status', { status: 'open' });
      const empty = await h.app.inject({ method: 'PATCH', url: `/api/v1/incidents/${pastId}`, payload: {} });
      assert.equal(empty.statusCode, 400);
      assert.equal((await get('/api/v1/incidents/999999')).status, 404);
    });

    test('incidents closed 400 days ago are pruned', async () => {
      assert.equal(await h.monitor.incidents.prune(T0 + 399 * DAY), 0);
      assert.equal(await h.monitor.incidents.prune(T0 + 401 * DAY), 2);
      assert.equal((await get(`/api/v1/incidents/${pastId}`)).status, 404);
    });
  });
