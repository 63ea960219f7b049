import { createHash } from 'node:crypto';
import type { RequestEvent } from '../../model/request-event.js';

/** One stored error sample (a row of `error_events`). */
export interface ErrorSample {
  serverId: string;
  endpoint: string;
  errorType: string;
  message: string;
  stackTrace: string | null;
  requestId: string | null;
  clientInfo: string | null;
  timestamp: number;
}

/** What a flush adds to one `error_groups` row. */
export interface ErrorGroupDelta {
  serverId: string;
  endpoint: string;
  errorType: string;
  /** The normalised message: what the fingerprint is computed from and what the group shows. */
  message: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
}

const JSONRPC_NAMES: Record<number, string> = {
  [-32700]: 'parse_error',
  [-32600]: 'invalid_request',
  [-32601]: 'method_not_found',
  [-32602]: 'invalid_params',
  [-32603]: 'internal_error',
  [-32002]: 'resource_not_found',
};

/** The error type of a failed request: the outcome, or the JSON-RPC error by name or code; null when it did not fail. */
export function errorType(e: Pick<RequestEvent, 'outcome' | 'errorCode'>): string | null {
  switch (e.outcome) {
    case 'ok':
    case 'cancelled':
      return null;
    case 'error':
      return e.errorCode === null
        ? 'jsonrpc_error'
        : (JSONRPC_NAMES[e.errorCode] ?? `jsonrpc_${e.errorCode}`);
    default:
      return e.outcome;
  }
}

const MAX_MESSAGE = 2000;
const MAX_STACK = 8000;

/** The message of a failure; a tool error's is the first line of its result text. */
export function errorMessage(e: RequestEvent): string {
  if (e.errorMessage) return e.errorMessage.slice(0, MAX_MESSAGE);
  if (typeof e.errorData === 'string' && e.errorData.trim() !== '')
    return (e.errorData.trim().split('\n')[0] ?? '').slice(0, MAX_MESSAGE);
  return e.outcome;
}

/**
 * The message with what varies between occurrences of the same error replaced, so that
 * "timeout after 5012 ms on id 7f3a…" and "timeout after 4999 ms on id 09bc…" group together.
 */
export function normaliseMessage(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '<str>')
    .replace(/\b(0x)?[0-9a-f]*[0-9][0-9a-f]*\b/gi, (m) => (/^(0x)?[0-9]+$/i.test(m) ? '<n>' : '<hex>'))
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/** The `error_groups` key: a hash of server, endpoint, type and normalised message. */
export const fingerprint = (
  g: Pick<ErrorGroupDelta, 'serverId' | 'endpoint' | 'errorType' | 'message'>,
): string =>
  createHash('sha256')
    .update([g.serverId, g.endpoint, g.errorType, g.message].join('\u0000'))
    .digest('hex')
    .slice(0, 40);

export function toSample(e: RequestEvent, type: string): ErrorSample {
  return {
    serverId: e.serverId,
    endpoint: e.endpoint,
    errorType: type,
    message: errorMessage(e),
    stackTrace: stackOf(e.errorData),
    requestId: e.requestId === null ? null : e.requestId.slice(0, 100),
    clientInfo: clientInfo(e),
    timestamp: e.startedAt,
  };
}

function stackOf(data: unknown): string | null {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string') return data.slice(0, MAX_STACK);
  if (typeof data === 'object' && 'stack' in data && typeof data.stack === 'string')
    return data.stack.slice(0, MAX_STACK);
  try {
    return (JSON.stringify(data) ?? null)?.slice(0, MAX_STACK) ?? null;
  } catch {
    return null; // circular or BigInt: no stack is better than a throw on the forwarding path
  }
}

function clientInfo(e: RequestEvent): string | null {
  if (e.clientName === null && e.clientVersion === null && e.protocolVersion === null && e.sessionId === null)
    return null;
  return JSON.stringify({
    name: e.clientName,
    version: e.clientVersion,
    protocol_version: e.protocolVersion,
    session_id: e.sessionId,
  });
}
