import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { probeFetch } from './http-fetch.js';

async function withServer(handler: RequestListener, body: (url: string) => Promise<void>): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a JSON answer: status, headers, the request body and headers as sent, json()', () =>
  withServer(
    (req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'abc' });
        res.end(JSON.stringify({ method: req.method, header: req.headers['x-probe'], text }));
      });
    },
    async (url) => {
      const response = await probeFetch(url, {
        method: 'POST',
        headers: new Headers({ 'x-probe': 'yes' }),
        body: '{"a":1}',
      });
      assert.equal(response.ok, true);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('mcp-session-id'), 'abc');
      assert.deepEqual(await response.json(), { method: 'POST', header: 'yes', text: '{"a":1}' });
      assert.equal(response.bodyUsed, true);
      await assert.rejects(response.text(), TypeError, 'a body is read once');
    },
  ));

test('an SSE answer streams through body before the response ends', () =>
  withServer(
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      setTimeout(() => res.end('data: two\n\n'), 50);
    },
    async (url) => {
      const response = await probeFetch(url, { method: 'GET' });
      const reader = response.body?.getReader();
      assert.ok(reader);
      const first = await reader.read();
      assert.match(new TextDecoder().decode(first.value), /data: one/);
      let rest = '';
      for (let r = await reader.read(); !r.done; r = await reader.read())
        rest += new TextDecoder().decode(r.value);
      assert.match(rest, /data: two/);
    },
  ));

test('202 and 204 answers; a non-2xx answer keeps its status and body', () =>
  withServer(
    (req, res) => {
      if (req.method === 'DELETE') res.writeHead(204).end();
      else if (req.method === 'PUT')
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such session');
      else res.writeHead(202).end();
    },
    async (url) => {
      const accepted = await probeFetch(url, { method: 'POST', body: '{}' });
      assert.equal(accepted.status, 202);
      assert.equal(await accepted.text(), '');
      const deleted = await probeFetch(url, { method: 'DELETE' });
      assert.equal(deleted.status, 204);
      assert.equal(deleted.body, null);
      const missing = await probeFetch(url, { method: 'PUT' });
      assert.equal(missing.ok, false);
      assert.equal(missing.status, 404);
      assert.equal(await missing.text(), 'no such session');
    },
  ));

test('requests leave no listener on a long-lived signal; aborting it ends a request in flight', () =>
  withServer(
    (req, res) => {
      if (req.url?.endsWith('/slow')) return; // never answers
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    },
    async (url) => {
      const transport = new AbortController();
      for (let i = 0; i < 20; i++) await (await probeFetch(url, { signal: transport.signal })).json();
      assert.equal(getEventListeners(transport.signal, 'abort').length, 0);
      const pending = probeFetch(`${url}/slow`, { signal: transport.signal });
      transport.abort(new Error('transport closed'));
      await assert.rejects(pending, { name: 'AbortError' });
    },
  ));

test('a refused connection rejects with the code and address describe-error reads', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  await assert.rejects(probeFetch(`http://127.0.0.1:${port}/mcp`), { code: 'ECONNREFUSED', port });
});
