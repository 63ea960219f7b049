/** What a request event says about a request and its answer (DESIGN §2). */
import { STATUS_CODES } from 'node:http';
import {
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  SdkErrorCode,
  SdkHttpError,
  type JSONRPCMessage,
  type JSONRPCRequest,
} from '@modelcontextprotocol/client';
import { describeError } from '../mcp/session/describe-error.js';
import type { Outcome } from '../model/request-event.js';
import { isErrorResponse, isObject, metaOf, stringField } from '../mcp/json-rpc.js';

const MAX_NAME_CHARS = 512;
const MAX_ERROR_MESSAGE_BYTES = 1024;
const MAX_TOOL_TEXT_BYTES = 16 * 1024;

export interface ClientInfo {
  name: string | null;
  version: string | null;
}

export interface OutcomeDetails {
  outcome: Outcome;
  errorCode: number | null;
  errorMessage: string | null;
  errorData: unknown;
}

const OK: OutcomeDetails = { outcome: 'ok', errorCode: null, errorMessage: null, errorData: null };

/** `tools/call:echo`, `prompts/get:greeting`, `resources/read:file:///x`; the method otherwise. */
export function endpointOf(request: JSONRPCRequest): string {
  const params = request.params;
  let name: string | undefined;
  if (request.method === 'tools/call' || request.method === 'prompts/get') name = stringField(params, 'name');
  else if (request.method === 'resources/read') name = stringField(params, 'uri');
  return name === undefined ? request.method : `${request.method}:${name.slice(0, MAX_NAME_CHARS)}`;
}

/** Cuts UTF-8 text to at most `maxBytes` bytes, on a character boundary. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const cut = Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8');
  return cut.endsWith('\uFFFD') ? cut.slice(0, -1) : cut;
}

function textsOf(result: unknown): string[] {
  if (!isObject(result) || !Array.isArray(result.content)) return [];
  return (result.content as unknown[]).flatMap((c) =>
    isObject(c) && c.type === 'text' && typeof c.text === 'string' ? [c.text] : [],
  );
}

/** The outcome of a response the server sent. */
export function outcomeOf(response: JSONRPCMessage): OutcomeDetails {
  if (isErrorResponse(response)) {
    const { code, message, data } = response.error;
    return { outcome: 'error', errorCode: code, errorMessage: message, errorData: data ?? null };
  }
  if (!('result' in response) || !isObject(response.result) || response.result.isError !== true) return OK;
  const texts = textsOf(response.result);
  return {
    outcome: 'tool_error',
    errorCode: null,
    errorMessage: texts[0] === undefined ? null : truncateBytes(texts[0], MAX_ERROR_MESSAGE_BYTES),
    errorData: texts.length === 0 ? null : truncateBytes(texts.join('\n'), MAX_TOOL_TEXT_BYTES),
  };
}

/**
 * Why a forwarded request failed upstream. An HTTP error whose body is a JSON-RPC error is
 * the server's answer (`error`); anything else is a `transport_error`.
 */
export function failureOf(error: unknown, timeoutMs: number): OutcomeDetails {
  if (error instanceof SdkHttpError && typeof error.data?.text === 'string') {
    try {
      const body: unknown = JSON.parse(error.data.text);
      const rpc = isObject(body) && isObject(body.error) ? body.error : undefined;
      if (rpc !== undefined && typeof rpc.code === 'number' && typeof rpc.message === 'string')
        return {
          outcome: 'error',
          errorCode: rpc.code,
          errorMessage: rpc.message,
          errorData: rpc.data ?? null,
        };
    } catch {
      // Not JSON: a plain HTTP failure.
    }
  }
  const reason = describeError(error, { timeoutMs }).reason;
  return {
    outcome: 'transport_error',
    errorCode: null,
    errorMessage: `upstream server unavailable: ${reason}`,
    errorData: null,
  };
}

/** Why a request failed when the server answered its HTTP request with an error status. */
export function httpFailureOf(status: number, text: string, timeoutMs: number): OutcomeDetails {
  const statusText = STATUS_CODES[status] ?? '';
  const error = new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, `HTTP ${status}`, {
    status,
    statusText,
    text,
  });
  return failureOf(error, timeoutMs);
}

export function clientInfoOf(request: JSONRPCRequest): ClientInfo | undefined {
  const info =
    request.method === 'initialize' ? request.params?.clientInfo : metaOf(request)?.[CLIENT_INFO_META_KEY];
  if (!isObject(info)) return undefined;
  return { name: stringField(info, 'name') ?? null, version: stringField(info, 'version') ?? null };
}

/** The version a request claims: the initialize offer, or its modern `_meta` envelope. */
export function claimedVersionOf(request: JSONRPCRequest): string | undefined {
  if (request.method === 'initialize') return stringField(request.params, 'protocolVersion');
  const claimed = metaOf(request)?.[PROTOCOL_VERSION_META_KEY];
  return typeof claimed === 'string' ? claimed : undefined;
}
