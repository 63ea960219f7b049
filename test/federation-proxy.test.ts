/** The drill-in proxy's guards (issue 14, point 5): whose token goes where, cookies, redirects, the page rewrite. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from './helpers/harness.js';

const HUB_TOKEN = 'hub-token-proxy-0123456';
const PEER_TOKEN = 'peer-token-proxy-0123456';

describe('drill-in proxy', () => {
  let hub: Harness;
  let peer: Server;
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  before(async () => {
    peer = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.setHeader('set-cookie', 'session=peer; Path=/');
      if (req.url === '/api/v1/away')
        return res.writeHead(302, { location: 'http://169.254.169.254/latest' }).end();
      if (req.url === '/api/v1/inside') return res.writeHead(302, { location: '/api/v1/data?x=1' }).end();
      if (req.url?.startsWith('/api/'))
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><script src="/assets/app.js"></script></head><body></body></html>');
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    hub = await startHarness({ settings: { api_token: HUB_TOKEN, instance_name: 'hub <1>' } });
    const res = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/federation/peers',
      headers: { authorization: `Bearer ${HUB_TOKEN}` },
      payload: {
        name: 'fake',
        url: `http://127.0.0.1:${(peer.address() as AddressInfo).port}`,
        token: PEER_TOKEN,
        enabled: false,
      },
    });
    assert.equal(res.statusCode, 201, res.body);
  });
  after(async () => {
    await hub.destroy();
    await new Promise<void>((r) => peer.close(() => r()));
  });

  const get = (url: string, token?: string) =>
    hub.app.inject({
      method: 'GET',
      url,
      headers: token ? { authorization: `Bearer ${token}`, cookie: 'hub=1' } : {},
    });

  test("the peer's API needs the hub's token, and gets the peer's; no cookie either way", async () => {
    assert.equal((await get('/federation/peers/fake/api/v1/data')).statusCode, 401);
    assert.equal((await get('/federation/peers/fake/api/v1/data', PEER_TOKEN)).statusCode, 401);
    seen.length = 0;
    const res = await get('/federation/peers/fake/api/v1/data?q=1', HUB_TOKEN);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { ok: true });
    assert.equal(res.headers['set-cookie'], undefined);
    assert.equal(seen[0]?.url, '/api/v1/data?q=1');
    assert.equal(seen[0]?.headers.authorization, `Bearer ${PEER_TOKEN}`);
    assert.equal(seen[0]?.headers.cookie, undefined);
  });

  test('the page is open, rewritten under the drill-in path, and carries no token', async () => {
    seen.length = 0;
    const res = await hub.app.inject({
      method: 'GET',
      url: '/federation/peers/fake/servers/x',
      headers: { accept: 'text/html' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(seen[0]?.url, '/servers/x');
    assert.equal(seen[0]?.headers.authorization, undefined);
    assert.match(res.body, /src="\/federation\/peers\/fake\/assets\/app\.js"/);
    assert.match(res.body, /<meta name="mcp-health-base" content="\/federation\/peers\/fake">/);
    assert.match(res.body, /<meta name="mcp-health-via" content="hub &#60;1&#62;">/);
    assert.ok(!res.body.includes(PEER_TOKEN));
    assert.equal(res.headers['set-cookie'], undefined);
    assert.equal((await get('/federation/peers/fake')).headers.location, '/federation/peers/fake/');
    assert.equal((await get('/federation/peers/nope/')).statusCode, 404);
  });

  test('a redirect is followed only within the peer', async () => {
    const away = await get('/federation/peers/fake/api/v1/away', HUB_TOKEN);
    assert.equal(away.statusCode, 503);
    assert.equal(away.headers.location, undefined);
    assert.match(away.body, /redirects outside/);
    const inside = await get('/federation/peers/fake/api/v1/inside', HUB_TOKEN);
    assert.equal(inside.statusCode, 302);
    assert.equal(inside.headers.location, '/federation/peers/fake/api/v1/data?x=1');
  });
});
