import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();
const TOKEN = 'status-page-test-token';
const auth = { authorization: `Bearer ${TOKEN}` };

for (const kind of kinds) {
  describe(`status pages (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({
        kind,
        settings: { api_token: TOKEN, health_check_interval: 1, health_check_retries: 1 },
      });
    });
    after(() => h.destroy());
    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
      h.app.inject({
        method,
        url,
        headers: auth,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
    const anonymous = (url: string) => h.app.inject({ method: 'GET', url });

    before(async () => {
      for (const [name, tags] of [
        ['Public Tools', ['public']],
        ['Search API', ['public', 'search']],
        ['Internal Admin', ['internal']],
      ] as const) {
        const r = await api('POST', '/api/v1/servers', {
          name,
          transport: 'streamable-http',
          url: `http://127.0.0.1:9/${name.replace(/ /g, '')}?key=secret-in-url`,
          headers: { Authorization: 'Bearer upstream-secret' },
          tags,
        });
        assert.equal(r.statusCode, 201, r.body);
      }
      await waitFor('checked twice (some time counted) and offline', async () =>
        (await api('GET', '/api/v1/servers'))
          .json()
          .servers.every(
            (s: { status: string; consecutive_failures: number }) =>
              s.status === 'offline' && s.consecutive_failures >= 2,
          ),
      );
      for (const id of ['public-tools', 'search-api', 'internal-admin'])
        await waitFor(`down time of ${id} written`, async () => {
          const w = (await api('GET', `/api/v1/servers/${id}/uptime?windows=1h`)).json().windows[0];
          return w.down_seconds > 0;
        });
    });

    test('create, read, list, patch, delete; bad input names the field', async () => {
      const created = await api('POST', '/api/v1/status-pages', {
        slug: 'tools',
        title: 'Tools status',
        servers: ['public-tools', 'search-api'],
      });
      assert.equal(created.statusCode, 201, created.body);
      const page = created.json();
      assert.equal(page.public, true);
      assert.equal(page.path, '/status/tools');
      assert.deepEqual(page.tags, null);
      assert.equal((await api('GET', `/api/v1/status-pages/${page.id}`)).json().slug, 'tools');
      assert.equal((await api('GET', '/api/v1/status-pages')).json().status_pages.length, 1);
      const dup = await api('POST', '/api/v1/status-pages', { slug: 'tools', title: 'x', tags: ['a'] });
      assert.equal(dup.statusCode, 409);
      const both = await api('POST', '/api/v1/status-pages', {
        slug: 'b',
        title: 'x',
        tags: ['a'],
        servers: ['search-api'],
      });
      assert.equal(both.statusCode, 400);
      const badSlug = await api('POST', '/api/v1/status-pages', {
        slug: 'Bad Slug',
        title: 'x',
        tags: ['a'],
      });
      assert.equal(badSlug.statusCode, 400);
      assert.equal(badSlug.json().error.details.fields[0].field, 'slug');
      const unknown = await api('POST', '/api/v1/status-pages', { slug: 'u', title: 'x', servers: ['nope'] });
      assert.equal(unknown.statusCode, 400);
      const patched = await api('PATCH', `/api/v1/status-pages/${page.id}`, { tags: ['public'] });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.deepEqual(patched.json().tags, ['public']);
      assert.equal(patched.json().servers, null, 'tags replace the server list');
      const temp = (
        await api('POST', '/api/v1/status-pages', { slug: 'temp', title: 'Temp', tags: ['x'] })
      ).json();
      assert.equal((await api('DELETE', `/api/v1/status-pages/${temp.id}`)).statusCode, 204);
      assert.equal((await api('GET', `/api/v1/status-pages/${temp.id}`)).statusCode, 404);
      assert.equal(
        (await anonymous('/api/v1/status-pages')).statusCode,
        401,
        'the definitions need the token',
      );
    });

    test('the public JSON: exactly its keys, names only, no ids, URLs or errors', async () => {
      const res = await anonymous('/status/tools.json');
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /application\/json/);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), [
        'generated_at',
        'incidents',
        'maintenance',
        'servers',
        'title',
      ]);
      assert.equal(body.title, 'Tools status');
      assert.deepEqual(body.incidents, []);
      assert.deepEqual(body.maintenance, []);
      assert.deepEqual(
        body.servers.map((s: { name: string }) => s.name),
        ['Public Tools', 'Search API'],
      );
      for (const s of body.servers) {
        assert.deepEqual(Object.keys(s).sort(), ['days', 'name', 'status', 'uptime_90d_percent']);
        assert.equal(s.status, 'offline');
        assert.equal(s.days.length, 90);
        assert.deepEqual(Object.keys(s.days[0]).sort(), ['date', 'uptime_percent']);
        assert.equal(s.days[89].uptime_percent, 0, 'down all today');
      }
      for (const secret of [
        'public-tools',
        '127.0.0.1',
        'secret-in-url',
        'upstream-secret',
        'Internal',
        'refused',
      ])
        assert.ok(!res.body.includes(secret), `the page does not say ${secret}`);
      const html = await anonymous('/status/tools');
      assert.equal(html.statusCode, 200);
      assert.match(String(html.headers['content-type']), /text\/html/);
      assert.match(String(html.headers['content-security-policy']), /default-src 'none'/);
      assert.ok(html.body.includes('Search API') && html.body.includes('Major outage'));
      for (const secret of ['127.0.0.1', 'secret-in-url', 'upstream-secret', 'Internal Admin', TOKEN])
        assert.ok(!html.body.includes(secret), `the page does not say ${secret}`);
      assert.equal((await anonymous('/status/nope')).statusCode, 404);
      assert.equal((await anonymous('/status/nope.json')).statusCode, 404);
    });

    test("planned maintenance of the page's servers shows on it, by name, and nothing of other servers", async () => {
      const starts = new Date(Date.now() + 3_600_000);
      const created = await api('POST', '/api/v1/maintenance', {
        title: 'Database upgrade',
        servers: ['search-api', 'internal-admin'],
        starts_at: starts.toISOString(),
        duration_minutes: 30,
      });
      assert.equal(created.statusCode, 201, created.body);
      try {
        const body = (await waitFor('the window on the page', async () => {
          const b = (await anonymous('/status/tools.json')).json();
          return b.maintenance.length > 0 ? b : undefined;
        })) as { maintenance: { server: string; title: string; from: string; to: string }[] };
        assert.deepEqual(body.maintenance, [
          {
            server: 'Search API',
            title: 'Database upgrade',
            from: starts.toISOString(),
            to: new Date(starts.getTime() + 30 * 60_000).toISOString(),
          },
        ]);
        const html = await anonymous('/status/tools');
        assert.ok(html.body.includes('Database upgrade'), 'the page shows the window');
        assert.ok(!html.body.includes('Internal Admin'), 'and not the other server it covers');
      } finally {
        await api('DELETE', `/api/v1/maintenance/${created.json().id as number}`);
      }
    });

    test('a page that is not public needs the token; its servers get no badge', async () => {
      const created = await api('POST', '/api/v1/status-pages', {
        slug: 'internal',
        title: 'Internal',
        tags: ['internal'],
        public: false,
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal((await anonymous('/status/internal.json')).statusCode, 401);
      assert.equal((await anonymous('/status/internal')).statusCode, 401);
      const withToken = await api('GET', '/status/internal.json');
      assert.equal(withToken.statusCode, 200);
      assert.equal(withToken.json().servers[0].name, 'Internal Admin');
      assert.equal((await anonymous('/badge/internal-admin/status.svg')).statusCode, 404);
      assert.equal((await anonymous('/badge/Internal%20Admin/uptime-30d.svg')).statusCode, 404);
    });

    test('badges of servers a public page shows, by id or name, are SVG', async () => {
      for (const url of [
        '/badge/search-api/status.svg',
        '/badge/Search%20API/status.svg',
        '/badge/public-tools/uptime-30d.svg',
      ]) {
        const res = await anonymous(url);
        assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
        assert.match(String(res.headers['content-type']), /image\/svg\+xml/);
        assert.match(res.body, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>/);
        assert.match(res.body, /<\/svg>\s*$/);
      }
      assert.ok((await anonymous('/badge/search-api/status.svg')).body.includes('offline'));
      assert.ok((await anonymous('/badge/public-tools/uptime-30d.svg')).body.includes('0.0%'));
      assert.equal((await anonymous('/badge/nope/status.svg')).statusCode, 404);
    });
  });
}
