import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A very light loopback MCP responder for probe-scale benchmarks: one node:http server that
 * answers on `/s/<n>/mcp` as any number of minimal 2025-era Streamable HTTP servers. Plain
 * hand-written JSON, no SDK, so one process can answer thousands of probes per second.
 * `server/discover` is answered "method not found", so auto-negotiating clients fall back to
 * the legacy `initialize` handshake.
 */
export interface LightResponder {
  /** The MCP endpoint of simulated server `n`. */
  url(n: number): string;
  port: number;
  /** MCP requests (POSTs to a server path) answered so far. */
  requests(): number;
  close(): Promise<void>;
}

export const LIGHT_PROTOCOL_VERSION = '2025-06-18';

const PATH = /^\/s\/(\d{1,9})\/mcp$/;
const TOOLS = [
  {
    name: 'echo',
    description: 'Echoes text.',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
  },
  { name: 'noop', description: 'Does nothing.', inputSchema: { type: 'object', properties: {} } },
];
const MAX_BODY = 64 * 1024;

type JsonRpcId = string | number | null;
interface Answer {
  body: unknown;
  /** Set on `initialize`: the response carries a fresh `Mcp-Session-Id`. */
  session?: boolean;
}

function result(id: JsonRpcId, value: unknown): unknown {
  return { jsonrpc: '2.0', id, result: value };
}

function error(id: JsonRpcId, code: number, message: string): unknown {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** Answers one JSON-RPC message; `undefined` for notifications and responses (nothing to send). */
function answer(server: string, msg: unknown): Answer | undefined {
  if (typeof msg !== 'object' || msg === null) return { body: error(null, -32600, 'Invalid Request') };
  const { id, method } = msg as Record<string, unknown>;
  if (typeof method !== 'string') return undefined; // a response from the client, or junk
  if (id === undefined) return undefined; // a notification
  if (typeof id !== 'string' && typeof id !== 'number')
    return { body: error(null, -32600, 'Invalid Request') };
  switch (method) {
    case 'initialize':
      return {
        session: true,
        body: result(id, {
          protocolVersion: LIGHT_PROTOCOL_VERSION,
          capabilities: { tools: {} },
          serverInfo: { name: `light-${server}`, version: '1.0.0' },
        }),
      };
    case 'ping':
      return { body: result(id, {}) };
    case 'tools/list':
      return { body: result(id, { tools: TOOLS }) };
    default:
      return { body: error(id, -32601, `Method not found: ${method}`) };
  }
}

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function handlePost(server: string, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    if (res.headersSent) return;
    size += chunk.length;
    if (size > MAX_BODY) {
      send(res, 413, error(null, -32600, 'Request body too large'));
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    let msg: unknown;
    try {
      msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      send(res, 400, error(null, -32700, 'Parse error'));
      return;
    }
    const answers = (Array.isArray(msg) ? msg : [msg]).map((m) => answer(server, m));
    const bodies = answers.flatMap((a) => (a === undefined ? [] : [a.body]));
    if (bodies.length === 0) {
      send(res, 202);
      return;
    }
    const headers: Record<string, string> = answers.some((a) => a?.session === true)
      ? { 'mcp-session-id': randomUUID() }
      : {};
    send(res, 200, Array.isArray(msg) ? bodies : bodies[0], headers);
  });
}

export async function startLightResponder(opts: { port?: number } = {}): Promise<LightResponder> {
  let count = 0;
  const server = createServer((req, res) => {
    const match = PATH.exec((req.url ?? '/').split('?')[0] ?? '/');
    const id = match?.[1];
    if (id === undefined) {
      send(res, 404, error(null, -32600, 'Not found'));
      return;
    }
    if (req.method === 'POST') {
      count++;
      handlePost(id, req, res);
      return;
    }
    // GET (server-initiated stream) and DELETE (session end) are not offered.
    req.resume();
    send(res, 405, error(null, -32000, 'Method not allowed.'), { allow: 'POST' });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: (n) => `http://127.0.0.1:${port}/s/${n}/mcp`,
    port,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
