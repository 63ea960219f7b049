import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { errorGroup, errorGroupDetail, errorList, errorTrend } from '../src/api/contract/errors.js';
import { pruneErrors } from '../src/errors/index.js';
import { startFailingServer, type FailingServerHandle } from './fixtures/sdk-servers/failing-tools-server.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';

const DAY = 86_400_000;
const kinds = await storeKinds();

/** A port nothing listens on: one the OS gave and took back. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

type Group = ReturnType<typeof errorGroup.parse>;

for (const kind of kinds)
  describe(`errors API (${kind})`, () => {
    let h: Harness;
    let upstream: FailingServerHandle;
    let client: Client;

    const get = async (url: string) => {
      const res = await h.app.inject({ method: 'GET', url });
      return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
    };
    const list = async (query = ''): Promise<Group[]> => {
      const res = await get(`/api/v1/errors?server=failing${query}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return errorList.parse(res.body).groups;
    };
    const patch = (id: number, payload: object) =>
      h.app.inject({ method: 'PATCH', url: `/api/v1/errors/groups/${id}`, payload });
    const flush = async () => assert.equal((await h.monitor.aggregator.flush()).ok, true);
    const call = (name: string, args: Record<string, unknown>) =>
      client.callTool({ name, arguments: args }).catch((err: unknown) => err);

    before(async () => {
      upstream = await startFailingServer();
      h = await startHarness({ kind, listen: true, settings: { gateway_request_timeout: 1 } });
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
      client = new Client(
        { name: 'errors-test-client', version: '2.0' },
        { versionNegotiation: { mode: 'auto' } },
      );
      await client.connect(new StreamableHTTPClientTransport(new URL(`${h.url}/mcp/failing`)));
    });
    after(async () => {
      await client.close();
      await upstream.close();
      await h.destroy();
    });

    test('failed calls through the gateway: one group per way of failing, most errors first', async () => {
      for (let i = 0; i < 3; i++) await call('get_order', { id: randomUUID() });
      for (const path of ['/srv/data/a/1.json', '/srv/data/b/22.json'])
        assert.equal(((await call('read_file', { path })) as { isError?: boolean }).isError, true);
      for (const name of ['ghost', 'phantom']) assert.ok((await call(name, {})) instanceof Error);
      assert.ok((await call('slow', { ms: 2500 })) instanceof Error, 'the gateway times out after 1 s');
      for (let i = 0; i < 4; i++) await call('ok', {});
      await flush();

      const groups = await list();
      const shown = groups.map((g) => [g.kind, g.code, g.type, g.endpoints[0], g.title, g.count]);
      assert.deepEqual(shown.slice(0, 2), [
        ['tool_error', null, 'tool_error', 'tools/call:get_order', 'Order <uuid> not found', 3],
        [
          'tool_error',
          null,
          'tool_error',
          'tools/call:read_file',
          'ENOENT: no such file or directory, open <str>',
          2,
        ],
      ]);
      // an unknown tool is the SDK's JSON-RPC error; the tool's name is in the endpoint: a group each
      const unknown = groups.filter((g) => g.kind === 'jsonrpc_error');
      assert.deepEqual(unknown.map((g) => g.endpoints[0]).sort(), ['tools/call:ghost', 'tools/call:phantom']);
      assert.ok(unknown.every((g) => g.code === -32602 && g.count === 1));
      const timeout = groups.find((g) => g.kind === 'timeout');
      assert.equal(timeout?.endpoints[0], 'tools/call:slow');
      const order = groups[0];
      assert.ok(order);
      assert.deepEqual([order.servers, order.status, order.regression], [['failing'], 'open', false]);
      assert.deepEqual(order.clients, ['errors-test-client']);
      assert.equal(order.total, 3);
    });

    test('filters: kind, endpoint, text, status; an unknown server has no errors', async () => {
      assert.deepEqual((await list('&kind=tool_error')).map((g) => g.endpoints[0]).sort(), [
        'tools/call:get_order',
        'tools/call:read_file',
      ]);
      assert.deepEqual(
        (await list('&q=enoent')).map((g) => g.endpoints[0]),
        ['tools/call:read_file'],
      );
      assert.equal((await list('&endpoint=tools/call:slow'))[0]?.kind, 'timeout');
      assert.equal((await list('&q=100%25')).length, 0, 'a % in the text is a character, not a wildcard');
      assert.equal((await list('&status=resolved')).length, 0);
      assert.equal((await list('&limit=2')).length, 2);
      const none = await get('/api/v1/errors?server=nobody');
      assert.deepEqual(errorList.parse(none.body).groups, []);
      const old = await get(
        `/api/v1/errors?server=failing&from=${Date.now() - 3 * DAY}&to=${Date.now() - 2 * DAY}`,
      );
      assert.deepEqual(errorList.parse(old.body).groups, [], 'nothing in a window before the errors');
    });

    test('reported errors: codes, data, stacks, clients and sessions in the samples and breakdowns', async () => {
      const now = Date.now();
      const events = [0, 1, 2].map((i) => ({
        server: 'failing',
        method: 'tools/call',
        endpoint: 'tools/call:charge',
        started_at: now - 1000 + i,
        latency_ms: 12,
        outcome: 'error',
        error_code: -32001,
        error_message: `Upstream 10.0.0.${i + 1}:443 refused job ${randomUUID()}`,
        error_data: {
          job: `job-${i}`,
          stack: `Error: refused\n    at charge (/app/billing.js:${10 + i}:5)\n    at run (/app/jobs.js:7:3)`,
        },
        client_name: i === 2 ? 'batch-runner' : 'reporter',
        client_version: '0.9',
        session_id: `sess-${i}`,
        request_id: 100 + i,
      }));
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/ingest/events', payload: { events } });
      assert.equal(res.statusCode, 202, res.body);
      await flush();
      const [group, ...rest] = await list('&q=refused%20job');
      assert.equal(rest.length, 0);
      assert.ok(group);
      assert.deepEqual(
        [group.title, group.kind, group.code, group.type, group.count],
        ['Upstream <ip> refused job <uuid>', 'jsonrpc_error', -32001, 'jsonrpc_-32001', 3],
      );
      assert.deepEqual(group.clients, ['reporter', 'batch-runner']);

      const detail = await get(`/api/v1/errors/groups/${group.id}`);
      assert.equal(detail.status, 200, JSON.stringify(detail.body));
      const d = errorGroupDetail.parse(detail.body);
      assert.equal(d.samples.length, 3);
      const newest = d.samples[0];
      assert.ok(newest);
      assert.deepEqual(
        [newest.server, newest.endpoint, newest.code, newest.session_id, newest.request_id, newest.client],
        [
          'failing',
          'tools/call:charge',
          -32001,
          'sess-2',
          '102',
          { name: 'batch-runner', version: '0.9', protocol_version: null },
        ],
      );
      assert.match(newest.message ?? '', /^Upstream 10\.0\.0\.3:443 refused job /);
      assert.equal((newest.data as { job: string }).job, 'job-2');
      assert.match(newest.stack_trace ?? '', /at charge \(\/app\/billing\.js:12:5\)/);
      assert.deepEqual(d.by_server, [{ server: 'failing', count: 3 }]);
      assert.deepEqual(d.by_endpoint, [{ endpoint: 'tools/call:charge', count: 3 }]);
      assert.deepEqual(d.by_client, [
        { client: 'reporter', count: 2 },
        { client: 'batch-runner', count: 1 },
      ]);
      const one = errorGroupDetail.parse((await get(`/api/v1/errors/groups/${group.id}?samples=1`)).body);
      assert.equal(one.samples.length, 1);
    });

    test('the trend: errors per step by kind, and the rate against the requests', async () => {
      const res = await get('/api/v1/errors/trend?server=failing');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const trend = errorTrend.parse(res.body);
      assert.ok(trend.points.length > 1 && trend.points.length <= 1000);
      const sum = (k: 'tool_error' | 'jsonrpc_error' | 'timeout' | 'probe') =>
        trend.points.reduce((n, p) => n + (p.by_kind[k]?.count ?? 0), 0);
      assert.ok(sum('tool_error') >= 5, `tool errors ${sum('tool_error')}`);
      assert.ok(sum('jsonrpc_error') >= 5); // two unknown tools, three reported
      assert.equal(sum('timeout'), 1);
      const busy = trend.points.filter((p) => p.requests > 0);
      assert.ok(busy.length > 0);
      for (const p of busy) assert.equal(p.rate, (p.errors / p.requests) * 100);
      const requests = busy.reduce((n, p) => n + p.requests, 0);
      const errors = trend.points.reduce((n, p) => n + p.errors, 0);
      assert.ok(requests >= 15 && errors >= 11 && errors < requests, `${errors} of ${requests}`);
    });

    test('resolved, then seen again: open and a regression; ignored stays ignored', async () => {
      const order = (await list('&endpoint=tools/call:get_order'))[0];
      const files = (await list('&endpoint=tools/call:read_file'))[0];
      assert.ok(order && files);
      const resolved = await patch(order.id, {
        status: 'resolved',
        resolution_note: 'orders table restored',
      });
      assert.equal(resolved.statusCode, 200, resolved.body);
      const r = errorGroup.parse(resolved.json());
      assert.deepEqual(
        [r.status, r.regression, r.resolution_note],
        ['resolved', false, 'orders table restored'],
      );
      assert.ok(r.resolved_at);
      assert.equal((await patch(files.id, { status: 'ignored' })).statusCode, 200);
      assert.deepEqual(
        (await list('&status=resolved')).map((g) => g.id),
        [order.id],
      );
      await new Promise((res) => setTimeout(res, 5)); // a sample after the resolution, to the ms
      await call('get_order', { id: randomUUID() });
      await call('read_file', { path: '/srv/data/c/3.json' });
      await flush();
      const again = errorGroupDetail.parse((await get(`/api/v1/errors/groups/${order.id}`)).body);
      assert.deepEqual(
        [again.status, again.regression, again.resolution_note, again.total],
        ['open', true, 'orders table restored', 4],
      );
      const ignored = errorGroupDetail.parse((await get(`/api/v1/errors/groups/${files.id}`)).body);
      assert.deepEqual([ignored.status, ignored.regression, ignored.total], ['ignored', false, 3]);
      // resolving it again acknowledges the regression
      const back = errorGroup.parse((await patch(order.id, { status: 'resolved' })).json());
      assert.deepEqual([back.status, back.regression], ['resolved', false]);
    });

    test('bad input gets 400 naming the field; an unknown group 404', async () => {
      const field = async (url: string) => {
        const res = await get(url);
        assert.equal(res.status, 400, url);
        return (res.body.error as { details: { fields: { field: string }[] } }).details.fields.map(
          (f) => f.field,
        );
      };
      assert.deepEqual(await field('/api/v1/errors?from=yesterday'), ['query.from']);
      assert.deepEqual(await field(`/api/v1/errors?from=${Date.now()}&to=${Date.now() - DAY}`), [
        'query.from',
      ]);
      assert.deepEqual(await field(`/api/v1/errors?from=${Date.now() - 500 * DAY}`), ['query.from']);
      assert.deepEqual(await field('/api/v1/errors?kind=crash'), ['query.kind']);
      assert.deepEqual(await field('/api/v1/errors?limit=10000'), ['query.limit']);
      assert.deepEqual(await field('/api/v1/errors?colour=red'), ['query.colour']);
      assert.deepEqual(await field('/api/v1/errors/trend?from=soon'), ['query.from']);
      assert.deepEqual(await field('/api/v1/errors/groups/abc'), ['id']);
      assert.deepEqual(await field('/api/v1/errors/groups/1?samples=0'), ['query.samples']);
      assert.equal((await get('/api/v1/errors/groups/999999')).status, 404);
      const bad = await patch(1, { status: 'done' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /"field":"status"/);
      assert.equal((await patch(1, {})).statusCode, 400);
      assert.equal((await patch(999_999, { status: 'resolved' })).statusCode, 404);
    });

    test('a server that fails its checks: errors of kind probe, the failed request as endpoint', async () => {
      const port = await closedPort();
      const added = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'down',
          transport: 'streamable-http',
          url: `http://127.0.0.1:${port}/mcp`,
          health_check_interval: 3600,
        },
      });
      assert.equal(added.statusCode, 201, added.body);
      for (let i = 0; i < 2; i++) {
        const check = await h.app.inject({ method: 'POST', url: '/api/v1/servers/down/check' });
        assert.equal(check.json<{ check: { ok: boolean } }>().check.ok, false, check.body);
      }
      await flush();
      const [g, ...rest] = errorList.parse((await get('/api/v1/errors?server=down&kind=probe')).body).groups;
      assert.equal(rest.length, 0);
      assert.ok(g);
      assert.deepEqual(
        [g.kind, g.type, g.endpoints, g.servers],
        ['probe', 'connection_refused', ['initialize'], ['down']],
      );
      assert.ok(g.count >= 2, `${g.count} failed checks`); // and the one a new server gets at once
      assert.doesNotMatch(g.title, new RegExp(String(port)), 'the port is masked');
      const trend = errorTrend.parse((await get('/api/v1/errors/trend?server=down')).body);
      const probes = trend.points.reduce((n, p) => n + (p.by_kind.probe?.count ?? 0), 0);
      assert.equal(probes, g.count);
      assert.ok(trend.points.every((p) => p.by_kind.probe?.rate === null && p.errors === 0));
    });

    test('retention: samples after error_retention_days, minute and hour counts with them, groups after 400 days', async () => {
      const db = h.monitor.store.db;
      const rows = async () => ({
        samples: (await db.selectFrom('error_events').select('id').execute()).length,
        groups: (await db.selectFrom('error_groups').select('id').execute()).length,
        counts: await db
          .selectFrom('error_counts')
          .select(['resolution'])
          .execute()
          .then((r) => [...new Set(r.map((c) => c.resolution))].sort()),
      });
      const before = await rows();
      assert.ok(before.samples > 10 && before.groups >= 7, JSON.stringify(before));
      assert.deepEqual(before.counts, ['1d', '1h', '1m']);
      assert.deepEqual(await pruneErrors(db, 90, Date.now()), {
        errorSamples: 0,
        errorCounts: 0,
        errorGroups: 0,
      });
      const later = await pruneErrors(db, 90, Date.now() + 91 * DAY);
      assert.equal(later.errorSamples, before.samples);
      assert.deepEqual(await rows(), { samples: 0, groups: before.groups, counts: ['1d'] });
      // a month's list answers from the day counts, and a group without samples still opens
      const id = (await list(`&from=${Date.now() - 30 * DAY}`))[0]?.id;
      assert.ok(id !== undefined);
      assert.deepEqual(errorGroupDetail.parse((await get(`/api/v1/errors/groups/${id}`)).body).samples, []);
      await pruneErrors(db, 90, Date.now() + 401 * DAY);
      assert.deepEqual(await rows(), { samples: 0, groups: 0, counts: [] });
    });
  });
