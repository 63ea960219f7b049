/**
 * Issue 10 point 5: a secret an upstream echoes (a header value in an error page, a secret env
 * value on stderr, a credential in a JSON-RPC error or an SMTP refusal) never leaves the monitor:
 * not in the API, the live feed, the logs, the stored checks and error samples, nor in a
 * channel's recorded delivery errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import WebSocket from 'ws';
import { sql } from 'kysely';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { storeKinds } from '../helpers/stores.js';
import {
  startScriptedHttpServer,
  type ScriptedHttpServer,
} from '../fixtures/gateway/scripted-http-server.js';

const BEARER = 'sk-live-4f9c2a7e81d3b6';
const API_KEY = 'key-9d8c7b6a5f4e';
const ENV_SECRET = 'env-secret-5a1b2c3d4e';
const SMTP_PASSWORD = 'smtp-pass-77e1c0ffee';
const SECRETS = [BEARER, API_KEY, ENV_SECRET, SMTP_PASSWORD];

const leaked = (text: string): string[] => SECRETS.filter((s) => text.includes(s));

for (const kind of await storeKinds()) {
  describe(`attack: secrets echoed back by upstreams (${kind})`, () => {
    let h: Harness;
    let upstream: ScriptedHttpServer;
    let smtp: SMTPServer;
    const live: string[] = [];
    let ws: WebSocket;
    before(async () => {
      h = await startHarness({ kind, listen: true });
      upstream = await startScriptedHttpServer();
      // Every request is echoed back: its headers in an error page, and as a JSON-RPC error.
      upstream.answer((r) => {
        const id = (JSON.parse(r.body || '{}') as { id?: unknown }).id ?? null;
        if (r.headers['x-probe'] === undefined && id !== null && r.body.includes('tools/call'))
          return {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              jsonrpc: '2.0',
              id,
              error: {
                code: -32001,
                message: `upstream refused key ${String(r.headers['x-api-key'])}`,
                data: {
                  stack: `Error: bad auth ${String(r.headers.authorization)}\n    at check (auth.js:1:1)`,
                },
              },
            }),
          };
        return {
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: `refused: authorization=${String(r.headers.authorization)} x-api-key=${String(r.headers['x-api-key'])}`,
        };
      });
      ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/live`);
      ws.on('message', (d: Buffer) => {
        const text = d.toString();
        live.push(text);
        const msg = JSON.parse(text) as { type: string };
        if (msg.type === 'snapshot') ws.send(JSON.stringify({ type: 'tail', server: 'printer' }));
      });
      smtp = new SMTPServer({
        disabledCommands: ['STARTTLS'],
        allowInsecureAuth: true,
        logger: false,
        onAuth(auth, _session, cb) {
          cb(new Error(`authentication failed for ${auth.username} with password ${auth.password ?? ''}`));
        },
      });
      await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    });
    after(async () => {
      ws.close();
      await h.destroy();
      await upstream.close();
      await new Promise<void>((r) => smtp.close(() => r()));
    });

    test('a failed check whose error page echoes the headers: status reason, last error, checks, live feed and log are clean', async () => {
      const made = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'echoer',
          transport: 'streamable-http',
          url: upstream.url,
          headers: { Authorization: `Bearer ${BEARER}`, 'X-Api-Key': API_KEY },
          health_check_interval: 1,
        },
      });
      assert.equal(made.statusCode, 201, made.body);
      const server = await waitFor('a failed check', async () => {
        const s = (await h.app.inject({ url: '/api/v1/servers/echoer' })).json<{
          status: string;
          last_error: string | null;
        }>();
        return s.last_error !== null && s.status !== 'unknown' ? s : undefined;
      });
      assert.ok(
        upstream.requests.some((r) => r.headers['x-api-key'] === API_KEY),
        'the probe did send the secret',
      );
      assert.match(JSON.stringify(server), /refused: authorization=••••••/, 'the echo is there, scrubbed');
      const checks = (await h.app.inject({ url: '/api/v1/servers/echoer/checks' })).body;
      await waitFor('a live message about echoer', () => live.some((m) => m.includes('refused')));
      for (const [where, text] of [
        ['server', JSON.stringify(server)],
        ['list', (await h.app.inject({ url: '/api/v1/servers' })).body],
        ['checks', checks],
        ['live', live.join('\n')],
        ['log', h.logLines.join('\n')],
      ] as const)
        assert.deepEqual(leaked(text), [], `${where} leaks`);
      const rows = await sql<{
        error_message: string | null;
      }>`select error_message from server_health`.execute(h.monitor.store.db);
      assert.deepEqual(leaked(JSON.stringify(rows.rows)), [], 'stored checks leak');
    });

    test('a stdio server printing its secret env on stderr: /logs and the live tail are clean', async () => {
      const made = await h.app.inject({
        method: 'POST',
        url: '/api/v1/servers',
        payload: {
          name: 'printer',
          transport: 'stdio',
          command: process.execPath,
          args: [
            '-e',
            'console.error("starting with token " + process.env.TOKEN); setInterval(() => {}, 1000)',
          ],
          env: { TOKEN: { value: ENV_SECRET, secret: true } },
          health_check_interval: 1,
          health_check_timeout: 1,
        },
      });
      assert.equal(made.statusCode, 201, made.body);
      const logs = await waitFor('the stderr line', async () => {
        const body = (await h.app.inject({ url: '/api/v1/servers/printer/logs' })).body;
        return body.includes('starting with token') ? body : undefined;
      });
      assert.deepEqual(leaked(logs), [], '/logs leaks');
      assert.match(logs, /starting with token ••••••/);
      await waitFor('the live tail', () => live.some((m) => m.includes('starting with token')));
      assert.deepEqual(leaked(live.join('\n')), [], 'live tail leaks');
      assert.deepEqual(leaked(h.logLines.join('\n')), [], 'log leaks');
    });

    test('a JSON-RPC error through the gateway echoing the credentials: stored error samples and groups are clean', async () => {
      const call = await fetch(`${h.url}/mcp/echoer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 7,
          method: 'tools/call',
          params: { name: 'leak', arguments: {} },
        }),
      });
      const answer = await call.text();
      assert.match(
        answer,
        /upstream refused key/,
        'the client gets the server’s answer as it is (transparent)',
      );
      await h.monitor.aggregator.flush();
      const samples = await sql`select * from error_events`.execute(h.monitor.store.db);
      assert.ok(samples.rows.length > 0, 'the error was sampled');
      const groups = await sql`select * from error_groups`.execute(h.monitor.store.db);
      for (const [where, rows] of [
        ['error_events', samples.rows],
        ['error_groups', groups.rows],
      ] as const)
        assert.deepEqual(leaked(JSON.stringify(rows)), [], `${where} leaks`);
      assert.match(JSON.stringify(samples.rows), /upstream refused key ••••••/);
      assert.deepEqual(leaked(h.logLines.join('\n')), []);
    });

    test('an SMTP server that echoes the password in its refusal: the test answer and stored tries are clean', async () => {
      const port = (smtp.server.address() as AddressInfo).port;
      const made = await h.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/channels',
        payload: {
          name: 'mail',
          kind: 'email',
          config: {
            host: '127.0.0.1',
            port,
            user: 'ops',
            password: SMTP_PASSWORD,
            from: 'm@example.test',
            to: 'o@example.test',
            timeout_ms: 5000,
          },
        },
      });
      assert.equal(made.statusCode, 201, made.body);
      const sent = await h.app.inject({
        method: 'POST',
        url: `/api/v1/alerts/channels/${made.json<{ id: number }>().id}/test`,
      });
      assert.equal(sent.json<{ ok: boolean }>().ok, false);
      assert.match(sent.body, /with password ••••••/, 'the refusal is reported, scrubbed');
      assert.deepEqual(leaked(sent.body), []);
      const tries = await sql`select * from alert_notifications`.execute(h.monitor.store.db);
      assert.ok(tries.rows.length > 0);
      assert.deepEqual(leaked(JSON.stringify(tries.rows)), []);
      assert.deepEqual(leaked(h.logLines.join('\n')), []);
    });
  });
}
