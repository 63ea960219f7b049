/** What the attack tests share: raw HTTP (paths and headers go out exactly as written), a monitor with a server. */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startModernServer } from '../fixtures/sdk-servers/modern-http-server.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { StoreTarget } from '../helpers/stores.js';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function rawRequest(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: options.headers ?? {},
        setHost: !options.headers?.host,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A listening monitor with one real modern-era server registered as `modern`; `close` stops both. */
export async function monitorWithModernServer(
  kind: StoreTarget['kind'],
  settings: Record<string, unknown> = {},
): Promise<{ h: Harness; close: () => Promise<void> }> {
  const h = await startHarness({ kind, listen: true, settings });
  const upstream = await startModernServer();
  const made = await h.app.inject({
    method: 'POST',
    url: '/api/v1/servers',
    payload: { name: 'modern', transport: 'streamable-http', url: upstream.url },
  });
  assert.equal(made.statusCode, 201, made.body);
  return {
    h,
    close: async () => {
      await h.destroy();
      await upstream.close();
    },
  };
}
