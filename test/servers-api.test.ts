import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startHarness, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();

for (const kind of kinds) {
  describe(`servers API (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ kind });
    });
    after(() => h.destroy());

    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
      h.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });

    test('create, read, list, patch, delete', async () => {
      const created = await api('POST', '/api/v1/servers', {
        name: 'Remote One',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:9/mcp',
        tags: ['prod', 'eu'],
        health_check_interval: 1,
      });
      assert.equal(created.statusCode, 201, created.body);
      const s = created.json();
      assert.equal(s.id, 'remote-one');
      assert.equal(s.transport, 'streamable-http');
      assert.equal(s.endpoint, 'http://127.0.0.1:9/mcp');
      assert.equal(s.health_check_interval, 1);
      for (const field of [
        'status',
        'response_time_ms',
        'active_connections',
        'last_check',
        'consecutive_failures',
        'last_error',
        'protocol_version',
        'server_info',
        'tags',
      ])
        assert.ok(field in s, `server object has ${field}`);

      const list = (await api('GET', '/api/v1/servers')).json();
      assert.ok(list.servers.some((x: { id: string }) => x.id === 'remote-one'));
      assert.equal((await api('GET', '/api/v1/servers?tag=eu')).json().servers.length, 1);
      assert.equal((await api('GET', '/api/v1/servers?tag=nope')).json().servers.length, 0);

      const patched = await api('PATCH', '/api/v1/servers/remote-one', {
        tags: ['prod'],
        health_check_interval: null,
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.deepEqual(patched.json().tags, ['prod']);
      assert.equal(patched.json().health_check_interval, undefined);

      const dup = await api('POST', '/api/v1/servers', {
        name: 'remote one',
        transport: 'sse',
        url: 'http://127.0.0.1:9/sse',
      });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().error.code, 'conflict');

      assert.equal((await api('DELETE', '/api/v1/servers/remote-one')).statusCode, 204);
      const gone = await api('GET', '/api/v1/servers/remote-one');
      assert.equal(gone.statusCode, 404);
      assert.equal(gone.json().error.code, 'not_found');
    });

    test('bad input gets 400 naming the field', async () => {
      const cases: [unknown, string][] = [
        [{ transport: 'stdio', command: 'x' }, 'name'],
        [{ name: 'a', transport: 'carrier-pigeon' }, 'transport'],
        [{ name: 'a', transport: 'streamable-http', url: 'not a url' }, 'url'],
        [{ name: 'a', transport: 'sse', url: 'ftp://example/x' }, 'url'],
        [{ name: 'a', transport: 'stdio', command: 'x', health_check_interval: -5 }, 'health_check_interval'],
        [{ name: 'a', transport: 'stdio', command: 'x', helth_check_interval: 5 }, 'helth_check_interval'],
        [{ name: 'a', transport: 'stdio' }, 'command'],
      ];
      for (const [body, field] of cases) {
        const res = await api('POST', '/api/v1/servers', body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)} → ${res.body}`);
        const err = res.json().error;
        assert.equal(err.code, 'validation_failed');
        assert.ok(
          err.details.fields.some((f: { field: string }) => f.field === field),
          `${JSON.stringify(body)} names ${field}: ${JSON.stringify(err.details)}`,
        );
      }
      const notJson = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: { 'content-type': 'application/json' },
        payload: '{"name": ',
      });
      assert.equal(notJson.statusCode, 400);
      assert.equal(notJson.json().error.code, 'invalid_json');
      const badDisable = await api('POST', '/api/v1/servers/nope/disable', { minutes: 5 });
      assert.equal(badDisable.statusCode, 404);
    });

    test('secrets are stored but never returned or logged', async () => {
      const token = 'Bearer sk-very-secret-token-123';
      const res = await api('POST', '/api/v1/servers', {
        name: 'With Secrets',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:9/mcp',
        headers: { Authorization: token },
      });
      assert.equal(res.statusCode, 201);
      const stdio = await api('POST', '/api/v1/servers', {
        name: 'Stdio Secrets',
        transport: 'stdio',
        command: 'definitely-not-a-command-xyz',
        env: {
          API_TOKEN: 'tok-abcdef-999',
          MODE: 'fast',
          CUSTOM: { value: 'hidden-value-42', secret: true },
        },
      });
      assert.equal(stdio.statusCode, 201, stdio.body);
      const s = stdio.json();
      assert.deepEqual(s.env, { API_TOKEN: '••••••', MODE: 'fast', CUSTOM: '••••••' });
      // A PATCH that sends the redaction marker back keeps the stored secret.
      const patched = await api('PATCH', '/api/v1/servers/with-secrets', {
        headers: { Authorization: '••••••' },
        tags: ['x'],
      });
      assert.equal(patched.statusCode, 200);
      const stored = h.monitor.registry.get('with-secrets').spec;
      assert.ok(stored.transport !== 'stdio' && stored.headers.Authorization === token);

      await api('POST', '/api/v1/servers/with-secrets/check');
      await api('POST', '/api/v1/servers/stdio-secrets/check');
      const everything = [
        (await api('GET', '/api/v1/servers')).body,
        (await api('GET', '/api/v1/servers/with-secrets')).body,
        (await api('GET', '/api/v1/servers/with-secrets/checks')).body,
        (await api('GET', '/api/v1/servers/with-secrets/logs')).body,
        (await api('GET', '/api/v1/servers/stdio-secrets/logs')).body,
        ...h.logLines,
      ].join('\n');
      for (const secret of ['sk-very-secret-token-123', 'tok-abcdef-999', 'hidden-value-42'])
        assert.ok(!everything.includes(secret), `${secret} leaked`);
    });

    test('config-declared servers are read-only through the API', async () => {
      await h.monitor.registry.syncFromConfig([
        {
          name: 'From File',
          transport: 'stdio',
          command: 'true',
          args: [],
          env: {},
          tags: [],
          enabled: true,
        },
      ]);
      const res = await api('PATCH', '/api/v1/servers/from-file', { tags: ['x'] });
      assert.equal(res.statusCode, 409);
      assert.match(res.json().error.message, /config file/);
      assert.equal((await api('DELETE', '/api/v1/servers/from-file')).statusCode, 409);
      const disabled = await api('POST', '/api/v1/servers/from-file/disable', {
        minutes: 5,
        reason: 'maintenance',
      });
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.equal(disabled.json().status, 'disabled');
    });

    test('healthz and readyz', async () => {
      assert.equal((await api('GET', '/healthz')).statusCode, 200);
      const ready = await api('GET', '/readyz');
      assert.equal(ready.statusCode, 200);
      assert.equal(ready.json().store, kind);
    });
  });
}

describe('api_token', () => {
  test('with a token set, /api requires it (header, or query for the live socket); /healthz stays open', async () => {
    const h = await startHarness({ settings: { api_token: 'test-token-123456' }, listen: true });
    try {
      const without = await h.app.inject({ method: 'GET', url: '/api/v1/servers' });
      assert.equal(without.statusCode, 401);
      assert.equal(without.json().error.code, 'unauthorised');
      const wrong = await h.app.inject({
        method: 'GET',
        url: '/api/v1/servers',
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(wrong.statusCode, 401);
      const right = await h.app.inject({
        method: 'GET',
        url: '/api/v1/servers',
        headers: { authorization: 'Bearer test-token-123456' },
      });
      assert.equal(right.statusCode, 200);
      assert.equal((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      const live = (query: string) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/live${query}`);
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
      assert.equal(await live(''), 'closed 4401');
      assert.equal(await live('?token=test-token-123456'), 'snapshot');
      assert.ok(!h.logLines.join('\n').includes('test-token-123456'), 'the token is never logged');
    } finally {
      await h.destroy();
    }
  });
});
