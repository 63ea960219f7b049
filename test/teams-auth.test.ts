/**
 * Issue 15: sign-in with a session cookie and CSRF, sign-out, the login rate limit (per user
 * name and per address, failures audited), API tokens (role no higher than the owner's, shown
 * once, stored hashed, last used, expiry, revocation, others' tokens), the last admin, the
 * password floor, and the live socket on a session cookie.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { WebSocket } from 'ws';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';
import { addUser, admin, BOOTSTRAP, bearer, PASSWORD, signIn, tokenFor } from './helpers/teams.js';

for (const kind of await storeKinds()) {
  describe(`sign-in, sessions and tokens (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ kind, settings: { api_token: BOOTSTRAP }, listen: true });
      await addUser(h, 'alice', 'admin');
      await addUser(h, 'oscar', 'operator');
      await addUser(h, 'vera', 'viewer');
    });
    after(() => h.destroy());

    test('sign-in sets an HttpOnly SameSite=Lax cookie; /auth/me says who; a change needs x-csrf-token', async () => {
      const { cookie, csrf, setCookie } = await signIn(h, 'oscar');
      assert.match(setCookie, /^mcp_health_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
      assert.doesNotMatch(setCookie, /Secure/, 'plain http here: a Secure cookie would never come back');
      const me = await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
      assert.deepEqual(me.json(), { user: 'oscar', role: 'operator', kind: 'session', csrf_token: csrf });
      const body = {
        name: 'by-cookie',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:9/mcp',
        health_check_interval: 3600,
      };
      const noCsrf = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: { cookie },
        payload: body,
      });
      assert.equal(noCsrf.statusCode, 403, noCsrf.body);
      assert.match(noCsrf.body, /x-csrf-token/);
      const wrongCsrf = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: { cookie, 'x-csrf-token': `${csrf}x` },
        payload: body,
      });
      assert.equal(wrongCsrf.statusCode, 403);
      const ok = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: { cookie, 'x-csrf-token': csrf },
        payload: body,
      });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(
        (await h.app.inject({ url: '/api/v1/servers', headers: { cookie } })).statusCode,
        200,
        'reads need no CSRF value',
      );
      const stored = await h.monitor.store.db.selectFrom('user_sessions').select('secret_hash').execute();
      const secret = cookie.split('=')[1] ?? '';
      assert.ok(
        stored.some((s) => s.secret_hash === createHash('sha256').update(secret).digest('hex')),
        'kept as its hash',
      );
      assert.ok(!stored.some((s) => s.secret_hash.includes(secret)), 'never as itself');

      const out = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      assert.equal(out.statusCode, 204);
      assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
      assert.equal(
        (await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode,
        401,
        'the session is gone',
      );
    });

    test('a wrong password is 401 and audited; the password is never stored nor logged', async () => {
      const r = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'vera', password: 'not her password at all' },
      });
      assert.equal(r.statusCode, 401);
      const unknown = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'nobody', password: 'whatever it may be' },
      });
      assert.equal(unknown.statusCode, 401);
      assert.equal(
        unknown.json().error.message,
        r.json().error.message,
        'the same answer for an unknown name',
      );
      const audit = await h.app.inject({ url: '/api/v1/audit?actor=vera', headers: admin });
      assert.ok(
        audit.json<{ entries: { action: string }[] }>().entries.some((e) => e.action === 'login.failed'),
        audit.body,
      );
      const users = await h.monitor.store.db.selectFrom('users').select(['name', 'password_hash']).execute();
      for (const u of users) {
        assert.match(u.password_hash, /^scrypt\$15\$8\$1\$[\w+/=]{24}\$[\w+/=]{44}$/);
        assert.ok(!u.password_hash.includes(PASSWORD));
      }
      assert.ok(!h.logLines.join('\n').includes(PASSWORD), 'no password in the logs');
      assert.ok(!h.logLines.join('\n').includes('not her password'), 'no tried password in the logs');
    });

    test('the login rate limit: per user name and per address, with a Retry-After', async () => {
      await addUser(h, 'guessed', 'viewer');
      const attempt = (username: string, password: string, remoteAddress: string) =>
        h.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress,
          payload: { username, password },
        });
      // Five failures for one name from five addresses: the sixth try, even the right password, waits.
      for (let i = 0; i < 5; i++)
        assert.equal((await attempt('guessed', 'wrong password here', `10.1.0.${i}`)).statusCode, 401);
      const limited = await attempt('guessed', PASSWORD, '10.1.0.9');
      assert.equal(limited.statusCode, 429, limited.body);
      assert.equal(limited.json().error.code, 'too_many_requests');
      assert.ok(Number(limited.headers['retry-after']) >= 1, String(limited.headers['retry-after']));
      // One address guessing many names is slowed too; another address with the right password is not.
      for (let i = 0; i < 5; i++)
        assert.equal((await attempt(`name-${i}`, 'wrong password here', '10.2.0.1')).statusCode, 401);
      assert.equal((await attempt('vera', PASSWORD, '10.2.0.1')).statusCode, 429);
      assert.equal((await attempt('vera', PASSWORD, '10.2.0.2')).statusCode, 200);
      const rows = await h.app.inject({ url: '/api/v1/audit?target=user:guessed', headers: admin });
      const actions = rows.json<{ entries: { action: string }[] }>().entries.map((e) => e.action);
      assert.equal(actions.filter((a) => a === 'login.failed').length, 5, actions.join());
      assert.ok(actions.includes('login.refused'), actions.join());
    });

    test('tokens: shown once, stored hashed, role no higher than the owner, last used, revoked', async () => {
      const { cookie, csrf } = await signIn(h, 'oscar');
      const headers = { cookie, 'x-csrf-token': csrf };
      const tooHigh = await h.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers,
        payload: { name: 'ci', role: 'admin' },
      });
      assert.equal(tooHigh.statusCode, 400, tooHigh.body);
      assert.match(tooHigh.body, /body\.role/);
      const made = await h.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers,
        payload: { name: 'ci', role: 'viewer' },
      });
      assert.equal(made.statusCode, 201, made.body);
      const token = made.json<{
        token: string;
        id: number;
        role: string;
        user: string;
        last_used_at: null;
      }>();
      assert.match(token.token, /^mhp_[\w-]{43}$/);
      assert.equal(token.role, 'viewer');
      assert.equal(token.user, 'oscar');
      assert.equal(token.last_used_at, null);
      const row = await h.monitor.store.db
        .selectFrom('api_tokens')
        .selectAll()
        .where('id', '=', token.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.secret_hash, createHash('sha256').update(token.token).digest('hex'));
      const list = await h.app.inject({ url: '/api/v1/tokens', headers });
      assert.ok(!list.body.includes(token.token), 'the secret is shown once');
      assert.equal(
        (await h.app.inject({ url: '/api/v1/servers', headers: bearer(token.token) })).statusCode,
        200,
      );
      const write = await h.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/silences',
        headers: bearer(token.token),
        payload: {},
      });
      assert.equal(write.statusCode, 403, 'a viewer token of an operator reads only');
      const used = (await h.app.inject({ url: '/api/v1/tokens', headers })).json<{
        tokens: { id: number; last_used_at: string | null }[];
      }>();
      assert.ok(used.tokens.find((t) => t.id === token.id)?.last_used_at, 'last used is recorded');

      // Someone else's tokens: an operator cannot make one for, list or revoke them.
      const forOther = await h.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers,
        payload: { name: 'x', user: 'vera' },
      });
      assert.equal(forOther.statusCode, 403, forOther.body);
      const veras = await tokenFor(h, 'vera');
      const all = await h.app.inject({ url: '/api/v1/tokens?all=true', headers });
      assert.ok(
        all.json<{ tokens: { user: string }[] }>().tokens.every((t) => t.user === 'oscar'),
        all.body,
      );
      assert.equal(
        (await h.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${veras.id}`, headers })).statusCode,
        404,
      );
      assert.equal(
        (await h.app.inject({ url: '/api/v1/servers', headers: bearer(veras.token) })).statusCode,
        200,
        'still valid',
      );
      const everyone = await h.app.inject({ url: '/api/v1/tokens?all=true', headers: admin });
      assert.ok(everyone.json<{ tokens: { user: string }[] }>().tokens.some((t) => t.user === 'vera'));

      const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${token.id}`, headers });
      assert.equal(revoked.statusCode, 204);
      assert.equal(
        (await h.app.inject({ url: '/api/v1/servers', headers: bearer(token.token) })).statusCode,
        401,
        'revoked',
      );
    });

    test('a token expires at its time; an expiry in the past is refused', async () => {
      const past = await h.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: admin,
        payload: { name: 'old', user: 'vera', expires_at: new Date(Date.now() - 1000).toISOString() },
      });
      assert.equal(past.statusCode, 400);
      assert.match(past.body, /body\.expires_at/);
      const soon = await tokenFor(h, 'vera', { expires_at: new Date(Date.now() + 1500).toISOString() });
      assert.equal(
        (await h.app.inject({ url: '/api/v1/servers', headers: bearer(soon.token) })).statusCode,
        200,
      );
      await waitFor(
        'the token to expire',
        async () =>
          (await h.app.inject({ url: '/api/v1/servers', headers: bearer(soon.token) })).statusCode === 401,
      );
    });

    test('a demoted user is signed out and their tokens fall to their new role', async () => {
      const id = await addUser(h, 'demoted', 'operator');
      const t = await tokenFor(h, 'demoted');
      const { cookie } = await signIn(h, 'demoted');
      const patch = await h.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${id}`,
        headers: admin,
        payload: { role: 'viewer' },
      });
      assert.equal(patch.statusCode, 200, patch.body);
      assert.equal((await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode, 401);
      const me = await h.app.inject({ url: '/api/v1/auth/me', headers: bearer(t.token) });
      assert.equal(me.json<{ role: string }>().role, 'viewer');
      const removed = await h.app.inject({ method: 'DELETE', url: `/api/v1/users/${id}`, headers: admin });
      assert.equal(removed.statusCode, 204);
      assert.equal(
        (await h.app.inject({ url: '/api/v1/servers', headers: bearer(t.token) })).statusCode,
        401,
        'gone with its user',
      );
    });

    test('the last admin is never deleted nor demoted; a password needs 12 characters', async () => {
      const users = (await h.app.inject({ url: '/api/v1/users', headers: admin })).json<{
        users: { id: number; name: string }[];
      }>().users;
      const alice = users.find((u) => u.name === 'alice')?.id;
      const demote = await h.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${alice}`,
        headers: admin,
        payload: { role: 'operator' },
      });
      assert.equal(demote.statusCode, 409, demote.body);
      assert.equal(
        (await h.app.inject({ method: 'DELETE', url: `/api/v1/users/${alice}`, headers: admin })).statusCode,
        409,
      );
      const short = await h.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin,
        payload: { name: 'shorty', role: 'viewer', password: 'eleven char' },
      });
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /body\.password/);
      const dup = await h.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin,
        payload: { name: 'vera', role: 'viewer', password: PASSWORD },
      });
      assert.equal(dup.statusCode, 409);
    });

    test('the live socket takes the session cookie (and still checks Origin)', async () => {
      const { cookie } = await signIn(h, 'vera');
      const live = (headers: Record<string, string>) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/live`, { headers });
          ws.on('unexpected-response', (req, res) => {
            resolve(`HTTP ${res.statusCode}`);
            req.destroy();
          });
          ws.on('message', (d: Buffer) => {
            resolve(JSON.parse(d.toString()).type);
            ws.close();
          });
          ws.on('close', (code) => resolve(`closed ${code}`));
          ws.on('error', () => undefined);
        });
      assert.equal(await live({ cookie }), 'snapshot');
      assert.equal(await live({}), 'closed 4401');
      assert.equal(await live({ cookie: 'mcp_health_session=forged' }), 'closed 4401');
      assert.equal(await live({ cookie, origin: 'https://evil.example' }), 'HTTP 403');
    });
  });
}
