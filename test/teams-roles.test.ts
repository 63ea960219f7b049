/**
 * Issue 15: every route of the OpenAPI document, called with the token of each role. A viewer
 * gets 403 on every write, an operator on users, the audit log and stdio servers, an admin on
 * nothing; a gateway-scoped token on the whole API. The least role of each route comes from
 * the routes as registered (default-safe: GET viewer, any write operator, `config.role` above),
 * and is checked here against the answers, not only against itself.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import { addUser, BOOTSTRAP, bearer, tokenFor } from './helpers/teams.js';
import type { Role } from '../src/model/role.js';

/** The writes any signed-in user may make: their own session and tokens, the bell's read marks. */
const VIEWER_WRITES = [
  'POST /api/v1/auth/logout',
  'POST /api/v1/tokens',
  'DELETE /api/v1/tokens/:id',
  'POST /api/v1/notifications/read',
];
const ADMIN_ONLY = [
  'GET /api/v1/users',
  'POST /api/v1/users',
  'PATCH /api/v1/users/:id',
  'DELETE /api/v1/users/:id',
  'GET /api/v1/audit',
];
const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

interface Op {
  method: string;
  route: string;
  path: string;
}

async function operations(h: Harness): Promise<Op[]> {
  const doc = (await h.app.inject({ url: '/api/v1/openapi.json' })).json<{
    paths: Record<string, Record<string, { security?: unknown[] }>>;
  }>();
  const ops: Op[] = [];
  for (const [template, byMethod] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(byMethod)) {
      if (op.security?.length === 0 || template === '/api/v1/live') continue;
      ops.push({
        method: method.toUpperCase(),
        route: template.replace(/\{([^}]+)\}/g, ':$1'),
        path: template.replace(/\{[^}]+\}/g, template.startsWith('/api/v1/servers') ? 'nope' : '999999'),
      });
    }
  return ops;
}

for (const kind of await storeKinds()) {
  describe(`roles against every route (${kind})`, () => {
    let h: Harness;
    const tokens = new Map<string, string>();
    before(async () => {
      h = await startHarness({ kind, settings: { api_token: BOOTSTRAP } });
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        await addUser(h, `${role}-user`, role);
        tokens.set(role, (await tokenFor(h, `${role}-user`)).token);
      }
      const made = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: bearer(BOOTSTRAP),
        payload: {
          name: 'target',
          transport: 'streamable-http',
          url: 'http://127.0.0.1:9/mcp',
          health_check_interval: 3600,
        },
      });
      assert.equal(made.statusCode, 201, made.body);
      tokens.set('scoped', (await tokenFor(h, 'admin-user', { servers: ['target'] })).token);
    });
    after(() => h.destroy());

    test('the least role of each route: reads viewer, writes operator, users and audit admin', async () => {
      const ops = await operations(h);
      assert.ok(ops.length > 40, `routes: ${ops.length}`);
      for (const { method, route } of ops) {
        const role = h.roles.get(`${method} ${route}`);
        assert.ok(role, `${method} ${route} is registered`);
        const key = `${method} ${route}`;
        if (ADMIN_ONLY.includes(key)) assert.equal(role, 'admin', key);
        else if (method === 'GET') assert.equal(role, 'viewer', key);
        else if (VIEWER_WRITES.includes(key)) assert.equal(role, 'viewer', key);
        else
          assert.ok(
            rank[role] >= rank.operator,
            `${key} is a write and needs at least operator, not ${role}`,
          );
      }
    });

    for (const role of ['viewer', 'operator', 'admin'] as const)
      test(`${role}: 403 exactly where the route needs more, never 401`, async () => {
        let refused = 0;
        for (const { method, route, path } of await operations(h)) {
          const needed = h.roles.get(`${method} ${route}`) ?? 'admin';
          const answer = await h.app.inject({
            method: method as 'GET',
            url: path,
            headers: {
              ...bearer(tokens.get(role) ?? ''),
              ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
            },
            ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
          });
          const what = `${role} ${method} ${path}: ${answer.statusCode} ${answer.body.slice(0, 200)}`;
          assert.notEqual(answer.statusCode, 401, what);
          if (rank[role] < rank[needed]) {
            assert.equal(answer.statusCode, 403, what);
            assert.match(
              answer.json<{ error: { message: string } }>().error.message,
              new RegExp(`needs the ${needed} role`),
            );
            refused++;
          } else assert.notEqual(answer.statusCode, 403, what);
        }
        if (role === 'viewer') assert.ok(refused > 20, `viewer refused ${refused} times`);
        if (role === 'operator') assert.ok(refused >= ADMIN_ONLY.length, `operator refused ${refused} times`);
        if (role === 'admin') assert.equal(refused, 0);
      });

    test('a gateway-scoped token reaches no API route', async () => {
      for (const { method, path } of await operations(h)) {
        const answer = await h.app.inject({
          method: method as 'GET',
          url: path,
          headers: { ...bearer(tokens.get('scoped') ?? ''), 'content-type': 'application/json' },
          ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
        });
        assert.equal(answer.statusCode, 403, `${method} ${path}: ${answer.body.slice(0, 200)}`);
      }
    });

    test('stdio servers: an operator gets 403, an admin adds one', async () => {
      const body = {
        name: 'a-command',
        transport: 'stdio',
        command: process.execPath,
        args: ['-e', 'process.exit(0)'],
        health_check_interval: 3600,
      };
      const op = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: bearer(tokens.get('operator') ?? ''),
        payload: body,
      });
      assert.equal(op.statusCode, 403, op.body);
      assert.match(op.body, /only an admin/);
      const imported = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers/import',
        headers: bearer(tokens.get('operator') ?? ''),
        payload: {
          content: JSON.stringify({ mcpServers: { cmd: { command: process.execPath, args: ['-v'] } } }),
        },
      });
      assert.equal(imported.statusCode, 200, imported.body);
      const outcome = imported.json<{ servers: { result: string; error: { message: string } | null }[] }>()
        .servers[0];
      assert.equal(outcome?.result, 'invalid', imported.body);
      assert.match(outcome?.error?.message ?? '', /only an admin/);
      const ad = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: bearer(tokens.get('admin') ?? ''),
        payload: body,
      });
      assert.equal(ad.statusCode, 201, ad.body);
      const changed = await h.app.inject({
        method: 'PATCH',
        url: '/api/v1/servers/a-command',
        headers: bearer(tokens.get('operator') ?? ''),
        payload: { args: ['-e', 'process.exit(1)'] },
      });
      assert.equal(changed.statusCode, 403, changed.body);
      const renamed = await h.app.inject({
        method: 'DELETE',
        url: '/api/v1/servers/a-command',
        headers: bearer(tokens.get('admin') ?? ''),
      });
      assert.equal(renamed.statusCode, 204);
    });

    test('an alert action is by the user who makes it, whatever `by` says', async () => {
      const r = await h.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/silences',
        headers: bearer(tokens.get('operator') ?? ''),
        payload: {
          server_id: 'target',
          ends_at: new Date(Date.now() + 3_600_000).toISOString(),
          by: 'mallory',
        },
      });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.json<{ by: string }>().by, 'operator-user');
      const shared = await h.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/silences',
        headers: bearer(BOOTSTRAP),
        payload: {
          server_id: 'target',
          ends_at: new Date(Date.now() + 3_600_000).toISOString(),
          by: 'alice',
        },
      });
      assert.equal(
        shared.json<{ by: string }>().by,
        'alice',
        'the shared token has no person: the typed name stands',
      );
    });
  });
}
