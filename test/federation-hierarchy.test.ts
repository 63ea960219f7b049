import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeSketch } from '../src/metrics/sketch/sketch-codec.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import type { FederatedView, FederationSummary, PeerView } from '../src/api/contract/federation.js';

const fast = { federation_poll_interval: 1, health_check_retries: 2 };

const get = async <T>(h: Harness, url: string) => (await h.app.inject({ method: 'GET', url })).json<T>();

/** A reported server, disabled (its checks would fail), with `n` requests of known latencies. */
async function traffic(h: Harness, n: number, base: number): Promise<void> {
  const added = await h.app.inject({
    method: 'POST',
    url: '/api/v1/servers',
    payload: { name: 'reported', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' },
  });
  assert.equal(added.statusCode, 201, added.body);
  const id = added.json<{ id: string }>().id;
  await h.app.inject({ method: 'POST', url: `/api/v1/servers/${id}/disable`, payload: { minutes: 600 } });
  const now = Date.now();
  const events = Array.from({ length: n }, (_, i) => ({
    server: id,
    method: 'tools/list',
    started_at: now - 1000,
    latency_ms: base + i,
    outcome: 'ok',
  }));
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/ingest/events', payload: { events } });
  assert.equal(res.statusCode, 202, res.body);
  await h.monitor.aggregator.flush();
}

/** A peer that misbehaves: `big` answers 20 MB of JSON, `redirect` sends elsewhere, `junk` is no summary. */
async function hostilePeer(kind: 'big' | 'redirect' | 'junk') {
  const srv: Server = createServer((_req, res) => {
    if (kind === 'redirect') return res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    if (kind === 'junk')
      return res.writeHead(200, { 'content-type': 'application/json' }).end('{"instance":1}');
    // 20 MB in one write (no Content-Length): the hub must stop reading at its limit.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.on('error', () => undefined);
    res.end(`{"pad":"${'x'.repeat(20 * 1024 * 1024)}"}`);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

for (const kind of await storeKinds())
  describe(`federation hierarchy (${kind})`, () => {
    let a: Harness;
    let b: Harness;
    let c: Harness;
    let d: Harness;
    before(async () => {
      d = await startHarness({ kind, listen: true, settings: { ...fast, instance_name: 'd' } });
      // b declares d in its config file; c adds it through the API: two paths from a to d.
      [b, c] = await Promise.all([
        startHarness({
          kind,
          listen: true,
          settings: { ...fast, instance_name: 'b', federation_peers: [{ name: 'd', url: d.url }] },
        }),
        startHarness({ kind, listen: true, settings: { ...fast, instance_name: 'c' } }),
      ]);
      a = await startHarness({ kind, listen: true, settings: { ...fast, instance_name: 'a' } });
      await Promise.all([traffic(d, 1000, 10), traffic(b, 200, 500), traffic(a, 50, 1)]);
      for (const [h, name, url] of [
        [c, 'd', d.url],
        [a, 'b', b.url],
        [a, 'c', c.url],
      ] as const) {
        const res = await h.app.inject({
          method: 'POST',
          url: '/api/v1/federation/peers',
          payload: { name, url },
        });
        assert.equal(res.statusCode, 201, res.body);
      }
    });
    after(() => Promise.all([a?.destroy(), b?.destroy(), c?.destroy(), d?.destroy()]));

    test('a config-file peer is read-only through the API', async () => {
      const [peer] = (await get<{ peers: PeerView[] }>(b, '/api/v1/federation/peers')).peers;
      assert.equal(peer?.source, 'config');
      assert.equal(peer?.has_token, false);
      const patch = await b.app.inject({
        method: 'PATCH',
        url: `/api/v1/federation/peers/${peer?.id}`,
        payload: { enabled: false },
      });
      assert.equal(patch.statusCode, 409, patch.body);
      const del = await b.app.inject({ method: 'DELETE', url: `/api/v1/federation/peers/${peer?.id}` });
      assert.equal(del.statusCode, 409);
    });

    test('a diamond: the instance reached by two paths is counted once', async () => {
      const view = await waitFor('a covers the four instances', async () => {
        const v = await get<FederatedView>(a, '/api/v1/federation');
        const [, vb, vc] = v.instances;
        return v.totals.instances === 4 && vb?.covers === 2 && vc?.covers === 2 ? v : null;
      });
      assert.deepEqual(
        view.instances.map((i) => i.name),
        ['a', 'b', 'c'],
      );
      // Every copy of every part carries the traffic once the polls have gone round.
      const summary = await waitFor('every part with its traffic', async () => {
        const sum = await get<FederationSummary>(a, '/api/v1/federation/summary');
        return sum.parts.length === 4 &&
          sum.parts.every((p) => p.requests > 0 || p.instance.name === 'c') &&
          sum.servers_by_status.disabled === 3
          ? sum
          : null;
      });
      assert.deepEqual(summary.parts.map((p) => p.instance.name).sort(), ['a', 'b', 'c', 'd']);
      assert.equal(
        summary.parts.reduce((n, p) => n + p.requests, 0),
        1250,
      );
      // d's 1,000 requests once in the merged sketch, not twice.
      assert.equal(decodeSketch(Buffer.from(summary.latency.sketch_5m, 'base64')).count, 1250);
      assert.equal(summary.servers_by_status.disabled, 3);
    });

    test('a hostile peer cannot exhaust memory, redirect the hub or pass a bad answer', async () => {
      const peers = await Promise.all([hostilePeer('big'), hostilePeer('redirect'), hostilePeer('junk')]);
      try {
        for (const [i, p] of peers.entries()) {
          const res = await a.app.inject({
            method: 'POST',
            url: '/api/v1/federation/peers',
            payload: { name: `hostile-${i}`, url: p.url },
          });
          assert.equal(res.statusCode, 201, res.body);
        }
        const view = await waitFor('the hostile peers unreachable', async () => {
          const v = await get<FederatedView>(a, '/api/v1/federation');
          const hostile = v.instances.filter((x) => x.name.startsWith('hostile'));
          return hostile.length === 3 && hostile.every((x) => x.status === 'unreachable') ? hostile : null;
        });
        const errors = view.map((x) => x.link?.last_error ?? '');
        // Stopped at the size limit; on a loaded machine the poll's timeout may come first (either way
        // the hub never holds more than MAX_SUMMARY_BYTES).
        assert.match(errors[0] ?? '', /larger than|no answer within/);
        assert.match(errors[1] ?? '', /redirects/);
        assert.match(errors[2] ?? '', /not a federation summary/);
        // The rest of the fleet is unaffected.
        assert.equal((await get<FederatedView>(a, '/api/v1/federation')).totals.instances, 4);
      } finally {
        await Promise.all(peers.map((p) => p.close()));
      }
    });
  });
