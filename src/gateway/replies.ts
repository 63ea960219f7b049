/** Answers the gateway gives itself, before (or instead of) any MCP transport. */
import type { ServerResponse } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/client';
import type { ErrorCode } from '../shared/errors.js';
import { errorResponse } from '../mcp/json-rpc.js';

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** The monitor's own error shape (`{ error: { code, message } }`), for failures outside MCP. */
export function replyAppError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

/** A JSON-RPC error as the whole HTTP answer (malformed body, too large, session not found…). */
export function replyRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  id: RequestId | null = null,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, errorResponse(id, code, message), headers);
}

export function replyMethodNotAllowed(res: ServerResponse, allow: string): void {
  replyRpcError(res, 405, -32000, 'Method not allowed.', null, { allow });
}
