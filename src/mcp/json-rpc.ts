/**
 * Cheap structural views of raw JSON-RPC messages for the forwarding path (the SDK transports
 * have already schema-checked them), and the error codes the gateway answers with itself.
 */
import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResultResponse,
  RequestId,
} from '@modelcontextprotocol/client';

/** JSON-RPC 2.0 and the SDK's conventional codes. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INTERNAL_ERROR = -32603;
/** The upstream could not be reached, answered with an HTTP error, or its process died. */
export const UPSTREAM_UNAVAILABLE = -32000;
/** The SDK-conventional "Request timed out" / "Session not found" code. */
export const TIMED_OUT = -32001;
export const SESSION_NOT_FOUND = -32001;
/** The request already passed through this monitor (HTTP 508): a server's URL points back at it. */
export const LOOP_DETECTED = -32008;

/** The first modern-era (stateless, `_meta` envelope) protocol revision. */
export const FIRST_MODERN_VERSION = '2026-07-28';

type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isRequest = (m: JSONRPCMessage): m is JSONRPCRequest => 'method' in m && 'id' in m;
export const isNotification = (m: JSONRPCMessage): m is JSONRPCNotification => 'method' in m && !('id' in m);
export const isResult = (m: JSONRPCMessage): m is JSONRPCResultResponse => 'result' in m;
export const isErrorResponse = (m: JSONRPCMessage): m is JSONRPCErrorResponse => 'error' in m;
export const isResponse = (m: JSONRPCMessage): m is JSONRPCResultResponse | JSONRPCErrorResponse =>
  isResult(m) || isErrorResponse(m);

export function errorResponse(
  id: RequestId | null,
  code: number,
  message: string,
  data?: unknown,
): JSONRPCErrorResponse {
  const error = data === undefined ? { code, message } : { code, message, data };
  // safe because: JSON-RPC allows a null id when the request's id could not be read.
  return { jsonrpc: '2.0', id: id as RequestId, error };
}

/** UTF-8 size of the message as JSON: the bytes in/out of a request event. */
export function jsonBytes(message: unknown): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}

export function metaOf(message: JSONRPCRequest | JSONRPCNotification): JsonObject | undefined {
  const meta = message.params?._meta;
  return isObject(meta) ? meta : undefined;
}

export function stringField(value: unknown, key: string): string | undefined {
  if (!isObject(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

export const isModernVersion = (version: string | undefined): boolean =>
  version !== undefined && version >= FIRST_MODERN_VERSION;

/** A map key for a request id: `1` and `"1"` are different ids. */
export const idKey = (id: RequestId): string => (typeof id === 'number' ? `n:${id}` : `s:${id}`);
