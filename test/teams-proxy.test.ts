/**
 * Issue 15 point 5: trusted header auth. Behind an SSO proxy the user comes in a header; it is
 * read only from the proxy's addresses (`auth_proxy_trusted`), mapped to a role by user or
 * group, and ignored from any other address.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../src/config/schema.js';
import { startHarness, type Harness } from './helpers/harness.js';

const proxied = {
  auth_proxy_header: 'X-Forwarded-User',
  auth_proxy_groups_header: 'X-Forwarded-Groups',
  auth_proxy_roles: { carol: 'admin', ops: 'operator' },
};

describe('trusted header auth', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ settings: { ...proxied, auth_proxy_trusted: ['127.0.0.1', '10.8.0.0/16'] } });
  });
  after(() => h.destroy());

  const me = (headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
    h.app.inject({ url: '/api/v1/auth/me', headers, remoteAddress });

  test('from a trusted address: the named user with the role of their name or group', async () => {
    const carol = await me({ 'x-forwarded-user': 'carol' });
    assert.equal(carol.statusCode, 200, carol.body);
    assert.deepEqual(carol.json(), { user: 'carol', role: 'admin', kind: 'proxy', csrf_token: null });
    const dave = await me({ 'x-forwarded-user': 'dave', 'x-forwarded-groups': 'dev, ops' }, '10.8.3.4');
    assert.equal(dave.json<{ role: string }>().role, 'operator');
    const mapped = await me({ 'x-forwarded-user': 'dave', 'x-forwarded-groups': 'dev' }, '::ffff:10.8.3.4');
    assert.equal(mapped.statusCode, 403, 'no role for dave without ops (and no default role)');
    assert.match(mapped.body, /auth_proxy_roles/);
  });

  test('from any other address the header is ignored: 401, as if it were not there', async () => {
    for (const address of ['10.9.0.1', '192.168.1.5', '::1']) {
      const r = await me({ 'x-forwarded-user': 'carol' }, address);
      assert.equal(r.statusCode, 401, `${address}: ${r.body}`);
    }
    assert.equal((await me({})).statusCode, 401, 'a trusted address without the header is no one');
  });

  test("the proxy's user acts under their name: audit rows and roles", async () => {
    const viewerWrite = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/silences',
      headers: { 'x-forwarded-user': 'dave', 'x-forwarded-groups': 'ops' },
      payload: { server_id: 'x', ends_at: new Date(Date.now() + 60_000).toISOString(), by: 'someone' },
    });
    assert.equal(viewerWrite.statusCode, 201, viewerWrite.body);
    assert.equal(viewerWrite.json<{ by: string }>().by, 'dave');
    const users = await h.app.inject({
      url: '/api/v1/users',
      headers: { 'x-forwarded-user': 'dave', 'x-forwarded-groups': 'ops' },
    });
    assert.equal(users.statusCode, 403);
    const audit = await h.app.inject({
      url: '/api/v1/audit?actor=dave',
      headers: { 'x-forwarded-user': 'carol' },
    });
    assert.equal(audit.json<{ entries: { action: string }[] }>().entries[0]?.action, 'createSilence');
  });

  test('the header needs trusted addresses, valid ranges; the settings read from the environment', () => {
    const missing = configSchema.safeParse({ auth_proxy_header: 'X-Forwarded-User' });
    assert.equal(missing.success, false);
    assert.match(JSON.stringify(missing.error?.issues), /auth_proxy_trusted/);
    const bad = configSchema.safeParse({
      auth_proxy_header: 'X-Forwarded-User',
      auth_proxy_trusted: ['10.0.0.0/33'],
    });
    assert.equal(bad.success, false);
    const env = configSchema.parse({
      auth_proxy_header: 'X-Forwarded-User',
      auth_proxy_trusted: '127.0.0.1, 10.0.0.0/8',
      auth_proxy_roles: 'carol=admin,ops=operator',
    });
    assert.deepEqual(env.auth_proxy_trusted, ['127.0.0.1', '10.0.0.0/8']);
    assert.deepEqual(env.auth_proxy_roles, { carol: 'admin', ops: 'operator' });
  });
});

describe('trusted header auth, proxy elsewhere', () => {
  test('a request from this host is not the proxy: its header is ignored', async () => {
    const h = await startHarness({
      settings: { ...proxied, auth_proxy_default_role: 'viewer', auth_proxy_trusted: ['10.0.0.0/8'] },
      listen: true,
    });
    try {
      const direct = await fetch(`${h.url}/api/v1/servers`, { headers: { 'x-forwarded-user': 'carol' } });
      assert.equal(direct.status, 401, 'over a real socket from 127.0.0.1');
      const viaProxy = await h.app.inject({
        url: '/api/v1/auth/me',
        remoteAddress: '10.1.2.3',
        headers: { 'x-forwarded-user': 'nobody-mapped' },
      });
      assert.equal(viaProxy.json<{ role: string }>().role, 'viewer', 'the default role');
    } finally {
      await h.destroy();
    }
  });
});
