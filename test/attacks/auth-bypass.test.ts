/**
 * Issue 10 point 1: with `api_token` set, no spelling of a protected path reaches its route
 * without the token. The auth decision is taken on the route the router matched, so every
 * encoded variant either matches the route (and asks for the token) or matches nothing (404).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../helpers/harness.js';
import { storeKinds } from '../helpers/stores.js';
import { rawRequest } from './attack-helpers.js';

const TOKEN = 'attack-test-token-0123456789';

/** Every spelling an attacker tries of one path (params already filled in). */
export function variants(path: string): string[] {
  const segments = path.split('/').slice(1);
  const hex = (c: string, upper: boolean) => {
    const h = c.charCodeAt(0).toString(16).padStart(2, '0');
    return `%${upper ? h.toUpperCase() : h}`;
  };
  const out = new Set<string>();
  segments.forEach((seg, i) => {
    if (seg === '') return;
    for (const upper of [false, true]) {
      const encoded = [...segments];
      encoded[i] = hex(seg[0] ?? '', upper) + seg.slice(1);
      out.add(`/${encoded.join('/')}`);
    }
    const whole = [...segments];
    whole[i] = Array.from(seg, (c) => hex(c, false)).join('');
    out.add(`/${whole.join('/')}`);
    if (i > 0)
      out.add(`/${segments.slice(0, i).join('%2F')}/${segments.slice(i).join('/')}`.replace('//', '/'));
    if (i > 0)
      out.add(
        `/${segments.slice(0, i).join('%2f')}${i < segments.length ? '/' : ''}${segments.slice(i).join('/')}`,
      );
  });
  out.add(`/${path}`); // a leading double slash
  out.add(path.replace(/\/([^/]+)$/, '//$1'));
  out.add(path.replace(/^\/([^/]+)\//, '/$1/x/../'));
  out.add(path.replace(/^\/([^/]+)\//, '/$1/%2e%2e/$1/'));
  out.add(path.replace(/^\/([^/]+)\//, '/$1/%2E%2E/$1/'));
  out.add(`${path}.`);
  out.add(`${path}/`);
  out.add(`${path}%2e`);
  out.add(path.toUpperCase());
  out.add(path.replace(/^\/(.)/, (_m, c: string) => `/${c.toUpperCase()}`));
  out.add(`${path};.js`);
  out.add(`${path}%00`);
  out.add(`${path}?token=wrong`);
  out.delete(path);
  return [...out];
}

for (const kind of await storeKinds()) {
  describe(`attack: auth bypass by path spelling (${kind})`, () => {
    let h: Harness;
    let marker: string;
    before(async () => {
      h = await startHarness({ kind, settings: { api_token: TOKEN }, listen: true });
      // One real server, so that the :id routes have something to find.
      const made = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: { name: 'victim', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' },
      });
      assert.equal(made.statusCode, 201, made.body);
      marker = join(mkdtempSync(join(tmpdir(), 'mcp-health-attack-')), 'pwned');
    });
    after(() => h.destroy());

    test('every protected route of the OpenAPI document, in every spelling, without the token: 401 or 404, never the route', async () => {
      const doc = (await h.app.inject({ url: '/api/v1/openapi.json' })).json<{
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      }>();
      const body = JSON.stringify({
        name: 'pwned',
        transport: 'stdio',
        command: 'touch',
        args: [marker],
      });
      let tried = 0;
      for (const [template, ops] of Object.entries(doc.paths))
        for (const [method, op] of Object.entries(ops)) {
          if (op.security?.length === 0) continue; // an open route: nothing behind it
          const path = template.replace('{id}', template.startsWith('/api/v1/servers') ? 'victim' : '1');
          for (const spelling of variants(path)) {
            const answer = await rawRequest(h.url, method.toUpperCase(), spelling, {
              headers: { 'content-type': 'application/json', accept: 'application/json' },
              ...(method === 'get' || method === 'delete' ? {} : { body }),
            });
            tried++;
            assert.ok(
              [400, 401, 404].includes(answer.status),
              `${method.toUpperCase()} ${spelling}: ${answer.status} ${answer.body.slice(0, 200)}`,
            );
          }
        }
      assert.ok(tried > 500, `spellings tried: ${tried}`);
      assert.equal(existsSync(marker), false, 'no command ran');
      const servers = await h.app.inject({
        url: '/api/v1/servers',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.deepEqual(
        servers.json<{ servers: { id: string }[] }>().servers.map((s) => s.id),
        ['victim'],
        'nothing was created, changed or removed',
      );
    });

    test('the percent-encoded spellings of the issue are the route: they ask for the token', async () => {
      for (const [method, path] of [
        ['POST', '/%61pi/v1/servers'],
        ['GET', '/%6Detrics'],
        ['GET', '/api/v1/%73ervers'],
        ['GET', '/api/v1/servers/%76ictim'],
      ] as const) {
        const answer = await rawRequest(h.url, method, path, {
          headers: { 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: '{}' } : {}),
        });
        assert.equal(answer.status, 401, `${method} ${path}: ${answer.body}`);
        const withToken = await rawRequest(h.url, method, path, {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          ...(method === 'POST' ? { body: '{}' } : {}),
        });
        assert.notEqual(withToken.status, 401, `${method} ${path} with the token reaches the route`);
      }
    });

    test('a path that matches no route reaches no handler: 404 in the error envelope', async () => {
      const answer = await rawRequest(h.url, 'GET', '//api/v1/servers', {
        headers: { accept: 'application/json' },
      });
      assert.equal(answer.status, 404);
      assert.equal(JSON.parse(answer.body).error.code, 'not_found');
    });

    test('the gateway asks for the token in every spelling it answers to', async () => {
      for (const path of [
        '/mcp/victim',
        '/mcp/%76ictim',
        '/mcp/victim/',
        '/mcp//victim',
        '/mcp/../api/v1/servers',
      ]) {
        const answer = await rawRequest(h.url, 'POST', path, {
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
        });
        assert.ok([401, 404].includes(answer.status), `POST ${path}: ${answer.status} ${answer.body}`);
      }
      const encoded = await rawRequest(h.url, 'POST', '/%6Dcp/victim', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      assert.ok([401, 404].includes(encoded.status), `POST /%6Dcp/victim: ${encoded.status}`);
    });
  });
}
