/**
 * Drill-in (DESIGN §6): `/federation/peers/<id>/…` shows a peer's dashboard and API through this
 * hub. The browser signs in to the hub only; the hub checks its own token, then calls the peer
 * with the peer's token, which never reaches the browser. Only what is needed is rewritten: the
 * page's asset paths and three meta tags (the base path, the hub's and the peer's names). The
 * peer's cookies are never passed on, and a redirect is followed only within the peer.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket as ClientSocket } from '@fastify/websocket';
import WebSocket from 'ws';
import type { Monitor } from '../monitor.js';
import { AppError } from '../shared/errors.js';
import { liveAuthorised } from './auth.js';

const PREFIX = '/federation/peers';
/** How long a proxied request may take. */
const TIMEOUT_MS = 30_000;
/** Largest page rewritten (the dashboard's index.html is a few hundred bytes). */
const MAX_PAGE_BYTES = 1024 * 1024;
/** Request headers passed on; everything else (cookies, Origin, the hub's token) stays here. */
const PASSED = ['accept', 'accept-language', 'content-type', 'if-none-match', 'if-modified-since'];
/** Answer headers passed back; never Set-Cookie. */
const RETURNED = ['content-type', 'cache-control', 'etag', 'last-modified', 'content-length'];

type Params = { id: string; '*'?: string };

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function peerProxyRoutes(app: FastifyInstance, monitor: Monitor): void {
  const { federation } = monitor;
  const base = (id: string) => `${PREFIX}/${encodeURIComponent(id)}`;

  /** The peer's URL for the rest of the path, refused when it would leave the peer's origin. */
  const targetOf = (req: FastifyRequest, api: boolean) => {
    const { id, '*': rest = '' } = req.params as Params;
    const peer = federation.peers.target(id);
    const q = req.url.indexOf('?');
    const target = new URL(`${peer.url}/${api ? 'api/' : ''}${rest}${q === -1 ? '' : req.url.slice(q)}`);
    if (target.origin !== new URL(peer.url).origin)
      throw new AppError('validation_failed', 'not a path of the peer');
    return { peer, target };
  };

  const proxy = async (req: FastifyRequest, reply: FastifyReply, api: boolean) => {
    const { peer, target } = targetOf(req, api);
    const headers: Record<string, string> = {};
    for (const h of PASSED) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    // Only the API gets the peer's token: pages and assets are open on the peer anyway.
    if (api && peer.token) headers.authorization = `Bearer ${peer.token}`;
    const hasBody = req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD';
    let res: Response;
    try {
      res = await fetch(target, {
        method: req.method,
        headers,
        body: hasBody ? JSON.stringify(req.body) : null,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new AppError('unavailable', `peer "${peer.name}" did not answer: ${(err as Error).message}`);
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => undefined);
      const location = res.headers.get('location');
      const to = location === null ? null : new URL(location, target);
      // Within the peer only: anywhere else is refused, not followed or passed on.
      if (!to || to.origin !== new URL(peer.url).origin)
        throw new AppError('unavailable', `peer "${peer.name}" redirects outside itself; not followed`);
      return reply.redirect(`${base(peer.id)}${to.pathname}${to.search}`, res.status);
    }
    reply.status(res.status);
    for (const h of RETURNED) {
      const v = res.headers.get(h);
      if (v !== null) reply.header(h, v);
    }
    const type = res.headers.get('content-type') ?? '';
    if (type.startsWith('text/html')) {
      const page = await res.text();
      if (page.length > MAX_PAGE_BYTES) throw new AppError('unavailable', 'the peer page is too large');
      reply.removeHeader('content-length');
      return reply.send(rewritePage(page, base(peer.id), federation.name, peer.name));
    }
    if (!res.body) return reply.send();
    return reply.send(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>));
  };

  const hidden = { schema: { hide: true } };
  app.get(`${PREFIX}/:id`, { ...hidden, config: { access: 'open' } }, (req, reply) =>
    reply.redirect(`${base((req.params as Params).id)}/`),
  );
  // The peer's dashboard: its page and assets, open like the hub's own (no data in them).
  app.get(`${PREFIX}/:id/*`, { ...hidden, config: { access: 'open' } }, (req, reply) =>
    proxy(req, reply, false),
  );
  // The peer's API: the hub's token first (the default access), then the peer's.
  app.route({
    method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    url: `${PREFIX}/:id/api/*`,
    ...hidden,
    handler: (req, reply) => proxy(req, reply, true),
  });
  // Live updates: the browser's socket to the hub, bridged to one from the hub to the peer.
  app.get(
    `${PREFIX}/:id/api/v1/live`,
    { websocket: true, config: { access: 'live' }, ...hidden },
    async (socket, req) => {
      if (!(await liveAuthorised(req, monitor))) {
        socket.close(4401, 'unauthorised: pass ?token=<api_token>');
        return;
      }
      let peer;
      try {
        peer = federation.peers.target((req.params as Params).id);
      } catch {
        socket.close(4404, 'no such peer');
        return;
      }
      bridge(socket, peer.url, peer.token);
    },
  );
}

/** The peer's page with its asset paths under the drill-in prefix and the banner's facts. */
function rewritePage(page: string, base: string, hub: string, peer: string): string {
  const meta =
    `<meta name="mcp-health-base" content="${escapeHtml(base)}">` +
    `<meta name="mcp-health-via" content="${escapeHtml(hub)}">` +
    `<meta name="mcp-health-peer" content="${escapeHtml(peer)}">`;
  return page.replace(/(["'])\/assets\//g, `$1${base}/assets/`).replace(/<head>/i, `<head>${meta}`);
}

/** Passes messages both ways until either side closes. */
function bridge(client: ClientSocket, peerUrl: string, token: string): void {
  const url = `${peerUrl.replace(/^http/, 'ws')}/api/v1/live`;
  const upstream = new WebSocket(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    maxPayload: 16 * 1024 * 1024,
    handshakeTimeout: 10_000,
  });
  const queued: { data: WebSocket.RawData; binary: boolean }[] = [];
  const closeCode = (code: number) => ((code >= 4000 && code < 5000) || code === 1000 ? code : 1011);
  upstream.on('open', () => {
    for (const m of queued.splice(0)) upstream.send(m.data, { binary: m.binary });
  });
  upstream.on('message', (data, binary) => {
    if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
  });
  upstream.on('close', (code, reason) => {
    if (client.readyState === WebSocket.OPEN) client.close(closeCode(code), reason.toString().slice(0, 120));
  });
  upstream.on('error', () => {
    if (client.readyState === WebSocket.OPEN) client.close(1011, 'the peer cannot be reached');
  });
  client.on('message', (data, binary) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
    else if (upstream.readyState === WebSocket.CONNECTING && queued.length < 100)
      queued.push({ data, binary });
  });
  client.on('close', () => upstream.terminate());
  client.on('error', () => upstream.terminate());
}
