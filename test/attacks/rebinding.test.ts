/**
 * Issue 10 point 2: a page on another site, or one that rebinds its DNS name to 127.0.0.1, can
 * neither call the API, nor open the live socket, nor use the gateway: a foreign Host or Origin
 * is refused with 403, and only JSON bodies are taken (no text/plain or form posts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Harness } from '../helpers/harness.js';
import { storeKinds } from '../helpers/stores.js';
import { monitorWithModernServer, rawRequest } from './attack-helpers.js';

/** Opens the live socket with these headers: "open" or "HTTP <status>". */
function openLive(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/live`, { headers });
    ws.on('unexpected-response', (req, res) => {
      resolve(`HTTP ${res.statusCode}`);
      req.destroy();
    });
    ws.on('open', () => {
      resolve('open');
      ws.close();
    });
    ws.on('error', () => undefined);
  });
}

const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

for (const kind of await storeKinds()) {
  describe(`attack: browsers and DNS rebinding (${kind})`, () => {
    let h: Harness;
    let port: string;
    let marker: string;
    let close: () => Promise<void>;
    before(async () => {
      ({ h, close } = await monitorWithModernServer(kind, { public_url: 'https://monitor.example.org/' }));
      port = new URL(h.url).port;
      marker = join(mkdtempSync(join(tmpdir(), 'mcp-health-attack-')), 'pwned');
    });
    after(() => close());

    const stdioBody = () =>
      JSON.stringify({ name: 'pwned', transport: 'stdio', command: 'touch', args: [marker] });

    test('a rebinding page (Host: attacker.example) gets 403 on the API, the live socket and the gateway', async () => {
      const host = `attacker.example:${port}`;
      const origin = `http://attacker.example:${port}`;
      for (const headers of [{ host }, { host, origin }] as Record<string, string>[]) {
        const post = await rawRequest(h.url, 'POST', '/api/v1/servers', {
          headers: { ...headers, 'content-type': 'application/json' },
          body: stdioBody(),
        });
        assert.equal(post.status, 403, post.body);
        assert.equal(JSON.parse(post.body).error.code, 'forbidden');
        assert.match(JSON.parse(post.body).error.message, /public_url/);
        const get = await rawRequest(h.url, 'GET', '/api/v1/servers', { headers });
        assert.equal(get.status, 403);
        assert.equal(await openLive(h.url, headers), 'HTTP 403');
        const gateway = await rawRequest(h.url, 'POST', '/mcp/modern', {
          headers: { ...headers, ...mcpHeaders },
          body: ping,
        });
        assert.equal(gateway.status, 403, gateway.body);
      }
      assert.equal(existsSync(marker), false, 'the command never ran');
    });

    test('a foreign Origin with a good Host (a cross-site request) gets 403 everywhere', async () => {
      for (const origin of ['http://attacker.example', `http://localhost:${Number(port) + 1}`, 'null']) {
        const headers = { host: `127.0.0.1:${port}`, origin };
        const post = await rawRequest(h.url, 'POST', '/api/v1/servers', {
          headers: { ...headers, 'content-type': 'application/json' },
          body: stdioBody(),
        });
        assert.equal(post.status, 403, `${origin}: ${post.body}`);
        assert.equal(await openLive(h.url, headers), 'HTTP 403', origin);
        const gateway = await rawRequest(h.url, 'POST', '/mcp/modern', {
          headers: { ...headers, ...mcpHeaders },
          body: ping,
        });
        assert.equal(gateway.status, 403, `${origin}: ${gateway.body}`);
      }
      assert.equal(existsSync(marker), false);
    });

    test('the same origin, localhost and public_url pass', async () => {
      const passing: Record<string, string>[] = [
        { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` },
        { host: `localhost:${port}`, origin: `http://localhost:${port}` },
        { host: `[::1]:${port}` },
        { host: 'monitor.example.org', origin: 'https://monitor.example.org' },
        { host: `127.0.0.1:${port}`, origin: 'https://monitor.example.org' },
      ];
      for (const headers of passing) {
        const get = await rawRequest(h.url, 'GET', '/api/v1/servers', { headers });
        assert.equal(get.status, 200, `${JSON.stringify(headers)}: ${get.body}`);
        assert.equal(await openLive(h.url, headers), 'open', JSON.stringify(headers));
      }
      const gateway = await rawRequest(h.url, 'POST', '/mcp/modern', {
        headers: { host: `localhost:${port}`, origin: `http://localhost:${port}`, ...mcpHeaders },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 't', version: '1' },
          },
        }),
      });
      assert.equal(gateway.status, 200, gateway.body);
    });

    test('only JSON bodies: text/plain and form posts (what a cross-site form can send) get 415', async () => {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const api = await rawRequest(h.url, 'POST', '/api/v1/servers', {
          headers: { 'content-type': type },
          body: stdioBody(),
        });
        assert.equal(api.status, 415, `${type}: ${api.body}`);
        assert.equal(JSON.parse(api.body).error.code, 'unsupported_media_type');
        const gateway = await rawRequest(h.url, 'POST', '/mcp/modern', {
          headers: { 'content-type': type, accept: 'application/json, text/event-stream' },
          body: ping,
        });
        assert.equal(gateway.status, 415, `${type}: ${gateway.body}`);
      }
      assert.equal(existsSync(marker), false);
    });
  });
}
