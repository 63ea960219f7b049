/**
 * Reads and checks a POST body before any transport sees it: over the size limit → 413,
 * not JSON → parse error, not JSON-RPC → invalid request (both 400). The parsed value is then
 * handed to the SDK transport as its pre-parsed body.
 */
import type { IncomingMessage } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { INVALID_REQUEST, isObject, PARSE_ERROR } from '../mcp/json-rpc.js';

export type BodyResult =
  | { kind: 'ok'; raw: Buffer; body: unknown; messages: JSONRPCMessage[] }
  | { kind: 'too_large'; limit: number }
  | { kind: 'bad'; status: 400; code: number; message: string; id: string | number | null };

/**
 * Reads at most `limit` bytes: undefined as soon as the body is known to be larger (the rest
 * is drained in the background, never buffered; the answer closes the connection).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume();
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

const bad = (code: number, message: string, id: string | number | null = null): BodyResult => ({
  kind: 'bad',
  status: 400,
  code,
  message,
  id,
});

function idOf(value: unknown): string | number | null {
  if (!isObject(value)) return null;
  const id = value.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

const isId = (id: unknown): boolean => typeof id === 'string' || typeof id === 'number';

/**
 * The JSON-RPC 2.0 envelope, checked by hand: the SDK's schema parse costs more than the rest
 * of forwarding a small request, and the server judges the params anyway.
 */
function isMessage(item: unknown): item is JSONRPCMessage {
  if (!isObject(item) || item.jsonrpc !== '2.0') return false;
  if ('method' in item) {
    if (typeof item.method !== 'string') return false;
    return !('id' in item) || isId(item.id);
  }
  if ('result' in item) return isId(item.id) && isObject(item.result);
  if (!isObject(item.error)) return false;
  const { code, message } = item.error;
  return (isId(item.id) || item.id === null) && Number.isInteger(code) && typeof message === 'string';
}

/** Parses the body and checks every message is JSON-RPC 2.0. */
export function parseBody(raw: Buffer): BodyResult {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return bad(PARSE_ERROR, `Parse error: the body is not valid JSON (${detail})`);
  }
  const items = Array.isArray(body) ? (body as unknown[]) : [body];
  if (items.length === 0) return bad(INVALID_REQUEST, 'Invalid Request: empty batch');
  const messages: JSONRPCMessage[] = [];
  for (const item of items) {
    if (isMessage(item)) messages.push(item);
    else
      return bad(
        INVALID_REQUEST,
        'Invalid Request: not a JSON-RPC 2.0 message (expected jsonrpc "2.0" and a method, or an id with result or error)',
        Array.isArray(body) ? null : idOf(item),
      );
  }
  return { kind: 'ok', raw, body, messages };
}

export async function readMessages(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const raw = await readBody(req, limit);
  return raw === undefined ? { kind: 'too_large', limit } : parseBody(raw);
}
