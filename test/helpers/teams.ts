import assert from 'node:assert/strict';
import type { Harness } from './harness.js';

export const BOOTSTRAP = 'teams-bootstrap-token-0123456789';
export const PASSWORD = 'a long enough password';
export const admin = { authorization: `Bearer ${BOOTSTRAP}` };
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Adds a user through the API with the bootstrap token; returns its id. */
export async function addUser(h: Harness, name: string, role: string, password = PASSWORD): Promise<number> {
  const r = await h.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: admin,
    payload: { name, role, password },
  });
  assert.equal(r.statusCode, 201, r.body);
  return r.json<{ id: number }>().id;
}

/** A token for a user, made by the bootstrap admin; returns the secret and the token's id. */
export async function tokenFor(
  h: Harness,
  user: string,
  extra: Record<string, unknown> = {},
): Promise<{ token: string; id: number }> {
  const r = await h.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: admin,
    payload: { name: `${user}-token`, user, ...extra },
  });
  assert.equal(r.statusCode, 201, r.body);
  const body = r.json<{ token: string; id: number }>();
  return { token: body.token, id: body.id };
}

/** Signs in; returns the cookie to send and the CSRF value. */
export async function signIn(
  h: Harness,
  username: string,
  password = PASSWORD,
): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const r = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  assert.equal(r.statusCode, 200, r.body);
  const setCookie = String(r.headers['set-cookie']);
  const cookie = setCookie.split(';')[0] ?? '';
  return { cookie, csrf: r.json<{ csrf_token: string }>().csrf_token, setCookie };
}
