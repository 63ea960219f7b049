import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../log.js';
import { postWithRetries } from './http-post.js';

/** A server answering the given [status, headers] in turn, then 200; it records when each try came. */
async function answering(answers: [number, Record<string, string>][]) {
  const at: number[] = [];
  const srv = createServer((req, res) => {
    req.resume().on('end', () => {
      at.push(Date.now());
      const [status, headers] = answers[at.length - 1] ?? [200, {}];
      res.writeHead(status, headers).end('x'.repeat(5000));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`; // safe because listen() on TCP resolved
  return { url, at, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

const ctx = { deps: { logger: createLogger('silent'), backoff: { baseMs: 10, maxMs: 2000 } } };

test('429 waits its Retry-After (capped by the backoff maximum) instead of the backoff', async () => {
  const s = await answering([[429, { 'retry-after': '0.3' }]]);
  try {
    const r = await postWithRetries(
      'slack',
      { url: s.url, body: '{}' },
      { timeout_ms: 2000, retries: 1 },
      ctx,
    );
    assert.deepEqual(r, { ok: true, tries: 2, error: null });
    const waited = (s.at[1] ?? 0) - (s.at[0] ?? 0);
    assert.ok(waited >= 280, `waited ${waited} ms`);
  } finally {
    await s.close();
  }
});

test('an explained error keeps only the start of the answer; a redirect is a failed try, not followed', async () => {
  const s = await answering([
    [400, {}],
    [302, { location: 'http://127.0.0.1:1/elsewhere' }],
  ]);
  try {
    const bad = await postWithRetries(
      'slack',
      { url: s.url, body: '{}' },
      { timeout_ms: 2000, retries: 0, explain: true },
      ctx,
    );
    assert.equal(bad.error, `HTTP 400: ${'x'.repeat(200)}`);
    const moved = await postWithRetries(
      'slack',
      { url: s.url, body: '{}' },
      { timeout_ms: 2000, retries: 0 },
      ctx,
    );
    assert.deepEqual(moved, { ok: false, tries: 1, error: 'HTTP 302' });
  } finally {
    await s.close();
  }
});
