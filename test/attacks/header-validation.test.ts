/**
 * Issue 10 point 7: header names and values are checked as RFC 9110 has them, at the API and in
 * the config file, with a 400 (or a start-up error) naming the header — instead of being taken
 * and then failing every check and every gateway request.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { serveConfig } from '../helpers/cli.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { storeKinds } from '../helpers/stores.js';
import {
  startScriptedHttpServer,
  type ScriptedHttpServer,
} from '../fixtures/gateway/scripted-http-server.js';

const bad: [headers: Record<string, string>, field: string, message: RegExp][] = [
  [{ 'Bad Name': 'x' }, 'headers.Bad Name', /not a valid header name/],
  [{ 'X-Ok': 'a\r\nX-Injected: 1' }, 'headers.X-Ok', /no CR, LF, NUL/],
  [{ 'X-Ok': 'a\nb' }, 'headers.X-Ok', /no CR, LF, NUL/],
  [{ 'X-Ok': 'a\u0000b' }, 'headers.X-Ok', /NUL/],
  [{ 'X-Ok': 'ключ' }, 'headers.X-Ok', /US-ASCII/],
  [{ 'X-Ok': 'café' }, 'headers.X-Ok', /US-ASCII/],
  [{ 'X-Ok': ' padded' }, 'headers.X-Ok', /leading or trailing/],
  [{ 'X:Colon': 'v' }, 'headers.X:Colon', /not a valid header name/],
  [{ Host: 'evil.example' }, 'headers.Host', /set by the transport/],
  [{ 'Content-Length': '5' }, 'headers.Content-Length', /set by the transport/],
];

describe('attack: header names and values (config file)', () => {
  test('a bad header in the config file stops start-up naming it', async () => {
    const { file } = await serveConfig([
      'servers:',
      '  - name: remote',
      '    transport: streamable-http',
      '    url: http://127.0.0.1:9/mcp',
      '    headers: { "X-Key": "ok", "Bad Name": "x" }',
    ]);
    assert.throws(
      () => loadConfig({ file, env: {} }),
      (err: unknown) => err instanceof ConfigError && /servers\.0\.headers\.Bad Name/.test(err.message),
    );
  });
});

for (const kind of await storeKinds()) {
  describe(`attack: header names and values (${kind})`, () => {
    let h: Harness;
    let upstream: ScriptedHttpServer;
    before(async () => {
      h = await startHarness({ kind });
      upstream = await startScriptedHttpServer();
      upstream.answer(() => ({ status: 401, headers: { 'www-authenticate': 'Bearer' }, body: '' }));
    });
    after(async () => {
      await h.destroy();
      await upstream.close();
    });

    test('POST and PATCH with a bad header are 400 naming it; nothing is stored', async () => {
      for (const [headers, field, message] of bad) {
        const post = await h.app.inject({
          method: 'POST',
          url: '/api/v1/servers',
          payload: { name: 'remote', transport: 'streamable-http', url: upstream.url, headers },
        });
        assert.equal(post.statusCode, 400, `${JSON.stringify(headers)}: ${post.body}`);
        const fields = post.json<{ error: { details: { fields: { field: string; message: string }[] } } }>()
          .error.details.fields;
        const named = fields.find((f) => f.field === field);
        assert.ok(named, `${JSON.stringify(headers)}: ${post.body}`);
        assert.match(named.message, message);
      }
      assert.equal(
        (await h.app.inject({ url: '/api/v1/servers' })).json<{ servers: unknown[] }>().servers.length,
        0,
      );
      const good = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'remote',
          transport: 'streamable-http',
          url: upstream.url,
          headers: { Authorization: 'Bearer abc\tdef', 'X-Plain': 'a value; with=signs, and "quotes"' },
          health_check_interval: 1,
        },
      });
      assert.equal(good.statusCode, 201, good.body);
      for (const [headers, field] of bad) {
        const patch = await h.app.inject({
          method: 'PATCH',
          url: '/api/v1/servers/remote',
          payload: { headers },
        });
        assert.equal(patch.statusCode, 400, `${JSON.stringify(headers)}: ${patch.body}`);
        assert.match(patch.body, new RegExp(field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      }
    });

    test('valid values, inner tabs included, reach the server as configured', async () => {
      const probe = await waitFor('a probe carrying the headers', () =>
        upstream.requests.find((r) => r.headers['x-plain'] !== undefined),
      );
      assert.equal(probe.headers.authorization, 'Bearer abc\tdef');
      assert.equal(probe.headers['x-plain'], 'a value; with=signs, and "quotes"');
      // The upstream saw the request before the check recorded its answer: wait for the record.
      const lastError = await waitFor('the check recorded', async () => {
        const server = (await h.app.inject({ url: '/api/v1/servers/remote' })).json<{
          last_error: string | null;
        }>();
        return server.last_error;
      });
      assert.match(lastError, /HTTP 401/, 'the check ran and got the server’s own answer');
    });
  });
}
