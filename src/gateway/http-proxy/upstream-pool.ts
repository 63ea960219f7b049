/**
 * HTTP requests to Streamable HTTP servers over pooled keep-alive connections (one agent per
 * scheme for the whole gateway), and the headers that cross the gateway in each direction.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { appendVia } from '../../shared/loop-guard.js';
import { upstreamHeaders } from '../../mcp/upstream/upstream.js';

/** Client request headers the server needs to see (the session id is mapped separately). */
const FROM_CLIENT = [
  'accept',
  'content-type',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
  'last-event-id',
  'user-agent',
] as const;

/** Upstream answer headers the client needs to see (the session id is mapped separately). */
const TO_CLIENT = [
  'content-type',
  'cache-control',
  'www-authenticate',
  'mcp-protocol-version',
  'retry-after',
  'allow',
] as const;

export interface UpstreamTarget {
  url: URL;
  /** The server's configured headers. */
  headers: Record<string, string>;
  /** This monitor's Via entry for the server (shared/loop-guard.ts). */
  via: string;
}

export class UpstreamPool {
  private readonly http = new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
  private readonly https = new HttpsAgent({ keepAlive: true, scheduling: 'lifo' });

  /** Each target URL as request options, converted once (Node converts a URL per request). */
  private readonly addresses = new WeakMap<URL, RequestOptions>();

  /** `fresh`: on a connection of its own, outside the pool. */
  request(url: URL, method: string, headers: OutgoingHttpHeaders, fresh = false): ClientRequest {
    const secure = url.protocol === 'https:';
    let address = this.addresses.get(url);
    if (address === undefined) {
      address = urlToHttpOptions(url);
      this.addresses.set(url, address);
    }
    const options = { ...address, method, headers, agent: fresh ? false : secure ? this.https : this.http };
    return secure ? httpsRequest(options) : httpRequest(options);
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * What goes upstream: the forwarded client headers, the server's configured ones (which win),
 * the client's Authorization only when none is configured, the upstream session id, and the
 * client's (or configured) Via with this monitor's entry after it.
 */
export function requestHeaders(
  target: UpstreamTarget,
  client: IncomingHttpHeaders,
  upstreamSessionId: string | undefined,
): OutgoingHttpHeaders {
  const out: Record<string, string | string[] | number> = {};
  for (const name of FROM_CLIENT) {
    const value = client[name];
    if (value !== undefined) out[name] = value;
  }
  const authorization = headerValue(client, 'authorization');
  for (const [name, value] of Object.entries(upstreamHeaders(target.headers, authorization)))
    out[name.toLowerCase()] = value;
  if (upstreamSessionId !== undefined) out['mcp-session-id'] = upstreamSessionId;
  const configuredVia = out.via;
  out.via = appendVia(typeof configuredVia === 'string' ? configuredVia : client.via, target.via);
  return out;
}

/** What goes back to the client: the relevant upstream headers, and the gateway's session id. */
export function responseHeaders(
  upstream: IncomingMessage,
  gatewaySessionId: string | undefined,
): OutgoingHttpHeaders {
  const out: Record<string, string | string[] | number> = {};
  for (const name of TO_CLIENT) {
    const value = upstream.headers[name];
    if (value !== undefined) out[name] = value;
  }
  if (gatewaySessionId !== undefined && upstream.headers['mcp-session-id'] !== undefined)
    out['mcp-session-id'] = gatewaySessionId;
  return out;
}
