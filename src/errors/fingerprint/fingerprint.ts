import { createHash } from 'node:crypto';
import type { RequestEvent } from '../../model/request-event.js';

/**
 * What failed (DESIGN §10): a request answered with a JSON-RPC error, a tool result with
 * `isError`, a transport error, a timeout — or a failed health check (`probe`).
 */
import { ERROR_KINDS, type ErrorKind } from '../../model/error.js';
export { ERROR_KINDS, type ErrorKind };

const JSONRPC_NAMES: Record<number, string> = {
  [-32700]: 'parse_error',
  [-32600]: 'invalid_request',
  [-32601]: 'method_not_found',
  [-32602]: 'invalid_params',
  [-32603]: 'internal_error',
  [-32002]: 'resource_not_found',
};

/**
 * The error type of a failed request: the outcome, or the JSON-RPC error by name or code; null
 * when it did not fail (a cancelled request is not a failure, DESIGN §3). The same word is the
 * `error_type` label in /metrics and the `type` of a group.
 */
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

/** The kind of a failed request's outcome. */
export const kindOf = (outcome: Exclude<RequestEvent['outcome'], 'ok' | 'cancelled'>): ErrorKind =>
  outcome === 'error' ? 'jsonrpc_error' : outcome;

/** What identifies a group: everything but the masked message is taken as it is. */
export interface GroupKey {
  serverId: string;
  endpoint: string;
  kind: ErrorKind;
  /** The JSON-RPC code, or for other kinds the type (`timeout`, `connection_refused`…). */
  code: number | null;
  type: string;
  /** The message with its variable parts masked (mask.ts). */
  message: string;
  /** The top stack frames, when the error came with a stack. */
  frames: readonly string[];
}

/** The group's fingerprint: a hash of server, endpoint, kind, code (or type), masked message and top frames. */
export const fingerprint = (k: GroupKey): string =>
  createHash('sha256')
    .update([k.serverId, k.endpoint, k.kind, k.code ?? k.type, k.message, ...k.frames].join('\u0000'))
    .digest('hex')
    .slice(0, 40);

/** A group's title: its masked message (one line already), at most 200 characters; the type when empty. */
export const titleOf = (masked: string, type: string): string => masked.slice(0, 200) || type;
