/**
 * What a browser could be tricked into sending is refused before any route runs (DNS rebinding,
 * cross-site requests; the MCP Streamable HTTP spec asks servers to validate `Origin`):
 * - `Host` must name this monitor: localhost, a loopback address, the listening address (any
 *   address of this machine when listening on all of them), the host name, or `public_url`'s
 *   host. A rebinding page's requests carry its own host name, which is none of these.
 * - `Origin`, when present, must be this same origin (the `Host` the request was sent to) or
 *   `public_url`'s. Clients other than browsers send none.
 * The port is not compared in `Host`: a proxy may listen elsewhere, and the name is what a
 * rebinding attack cannot fake.
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { isLoopback } from '../config/schema.js';
import { AppError } from '../shared/errors.js';

export interface GuardSettings {
  /** The configured listening address (`host`). */
  host: string;
  public_url?: string | undefined;
}

export type RequestGuard = (host: string | undefined, origin: string | undefined) => string | undefined;

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/** `example.com:443` → `example.com`, `[::1]:80` → `[::1]`, lower case. */
function withoutDefaultPort(host: string): string {
  return host.toLowerCase().replace(/:(80|443)$/, '');
}

function hostnameOf(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** Returns a function that answers why a request is refused, or undefined when it may pass. */
export function requestGuard(settings: GuardSettings): RequestGuard {
  const publicUrl = settings.public_url === undefined ? undefined : new URL(settings.public_url);
  const wildcard = WILDCARDS.has(settings.host);
  const names = new Set(['localhost', hostname().toLowerCase(), hostnameOf(settings.host)]);
  if (publicUrl) names.add(hostnameOf(publicUrl.host));
  const hostAllowed = (name: string): boolean =>
    names.has(name) || isLoopback(name) || (wildcard && isIP(name) !== 0);
  return (host, origin) => {
    if (host === undefined || host === '') return 'the request has no Host header';
    if (!hostAllowed(hostnameOf(host)))
      return `Host ${JSON.stringify(host.slice(0, 100))} is not an address of this monitor; set public_url to the URL people use to reach it`;
    if (origin === undefined) return undefined;
    let from: URL;
    try {
      from = new URL(origin);
    } catch {
      return `Origin ${JSON.stringify(origin.slice(0, 100))} is not a URL`;
    }
    if (from.host === withoutDefaultPort(host) || from.origin === publicUrl?.origin) return undefined;
    return `cross-origin requests are refused (Origin ${JSON.stringify(from.origin)})`;
  };
}

/** True for `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '');
}

/** The guard as a Fastify hook, first of all: a refused request reaches neither auth nor a route. */
export function registerRequestGuard(app: FastifyInstance, guard: RequestGuard): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const refused = guard(req.headers.host, req.headers.origin);
    done(refused === undefined ? undefined : new AppError('forbidden', refused));
  });
  // Only JSON bodies: a text/plain POST is what a cross-site form or no-cors fetch can send.
  app.removeContentTypeParser('text/plain');
  // A WebSocket upgrade answered with an error (403, 404) leaves its socket to us: Node's server no
  // longer tracks it, and a half-open one would hold up the server's close for good.
  app.addHook('onResponse', (req, reply, done) => {
    if (req.headers.upgrade !== undefined && reply.statusCode !== 101) req.raw.socket.destroy();
    done();
  });
}
