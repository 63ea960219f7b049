/**
 * Issue 10 point 3: a monitor reachable from the network is never open by default. Listening on
 * a non-loopback address without authentication refuses to start (unless --insecure-no-auth),
 * and stdio servers — commands the monitor runs — come through the API only where allowed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { cliPath, serveConfig } from '../helpers/cli.js';
import { everythingEntry } from '../helpers/everything.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { storeKinds } from '../helpers/stores.js';

const TOKEN = 'open-network-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const stdioServer = (name: string) => ({
  name,
  transport: 'stdio',
  command: process.execPath,
  args: [everythingEntry(), 'stdio'],
});

/** The CLI, without blocking this process (a blocked event loop times out the PostgreSQL probe). */
const cli = (args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });

describe('attack: open by default on the network', () => {
  test('a non-loopback host without auth refuses to start, naming what to set', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      assert.throws(
        () => loadConfig({ env: {}, flags: { host } }),
        (err: unknown) =>
          err instanceof ConfigError &&
          /api_token: required when listening on/.test(err.message) &&
          /--insecure-no-auth/.test(err.message),
        host,
      );
    }
    assert.equal(loadConfig({ env: {}, flags: { host: '0.0.0.0', api_token: TOKEN } }).host, '0.0.0.0');
    assert.equal(
      loadConfig({ env: {}, flags: { host: '0.0.0.0', insecure_no_auth: true } }).insecure_no_auth,
      true,
    );
    assert.equal(
      loadConfig({ env: { MCP_HEALTH_HOST: '0.0.0.0', MCP_HEALTH_INSECURE_NO_AUTH: 'true' } })
        .insecure_no_auth,
      true,
    );
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2'])
      assert.equal(loadConfig({ env: {}, flags: { host } }).host, host);
  });

  test('the CLI: `serve --host 0.0.0.0` exits 2 with the message; --insecure-no-auth is a switch', async () => {
    const { file } = await serveConfig([]);
    const refused = await cli(['serve', '--config', file, '--host', '0.0.0.0']);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /api_token: required when listening on 0\.0\.0\.0/);
    const help = await cli(['serve', '--help']);
    assert.match(help.stdout, /--insecure-no-auth \[value\]/);
  });
});

for (const kind of await storeKinds()) {
  describe(`attack: stdio servers through the API (${kind})`, () => {
    let network: Harness;
    let loopback: Harness;
    before(async () => {
      // Listening on every address (the harness itself binds loopback; the setting is what counts).
      network = await startHarness({
        kind,
        settings: { host: '0.0.0.0', api_token: TOKEN, servers: [stdioServer('from-config')] },
      });
      loopback = await startHarness({ kind });
    });
    after(async () => {
      await network.destroy();
      await loopback.destroy();
    });

    test('on a network listener, POST and PATCH of a stdio server are 403 with what to set', async () => {
      const post = await network.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: auth,
        payload: stdioServer('via-api'),
      });
      assert.equal(post.statusCode, 403, post.body);
      assert.equal(post.json().error.code, 'forbidden');
      assert.match(post.json().error.message, /allow_stdio_servers_from_api/);
      const http = await network.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        headers: auth,
        payload: { name: 'remote', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' },
      });
      assert.equal(http.statusCode, 201, http.body);
      const toStdio = await network.app.inject({
        method: 'PATCH',
        url: '/api/v1/servers/remote',
        headers: auth,
        payload: { transport: 'stdio', command: 'touch', args: ['/tmp/x'] },
      });
      assert.equal(toStdio.statusCode, 403, toStdio.body);
      const ids = (await network.app.inject({ url: '/api/v1/servers', headers: auth }))
        .json()
        .servers.map((s: { id: string }) => s.id);
      assert.deepEqual(ids.sort(), ['from-config', 'remote'], 'the config file’s stdio server is unaffected');
      const info = (await network.app.inject({ url: '/api/v1/info' })).json();
      assert.equal(info.stdio_servers_from_api, false);
    });

    test('on loopback (the default) stdio servers may be added through the API', async () => {
      const post = await loopback.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: stdioServer('local'),
      });
      assert.equal(post.statusCode, 201, post.body);
      assert.equal((await loopback.app.inject({ url: '/api/v1/info' })).json().stdio_servers_from_api, true);
    });

    test('allow_stdio_servers_from_api: true opens it on a network listener; false closes it on loopback', async () => {
      const allowed = await startHarness({
        kind,
        settings: { host: '0.0.0.0', api_token: TOKEN, allow_stdio_servers_from_api: true },
      });
      const closed = await startHarness({ kind, settings: { allow_stdio_servers_from_api: false } });
      try {
        const yes = await allowed.app.inject({
          method: 'POST',
          url: '/api/v1/servers',
          headers: auth,
          payload: stdioServer('ok'),
        });
        assert.equal(yes.statusCode, 201, yes.body);
        const no = await closed.app.inject({
          method: 'POST',
          url: '/api/v1/servers',
          payload: stdioServer('no'),
        });
        assert.equal(no.statusCode, 403, no.body);
      } finally {
        await allowed.destroy();
        await closed.destroy();
      }
    });
  });
}
