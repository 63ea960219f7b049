/**
 * The one place where errors from the MCP SDK, fetch/undici, child processes and our own
 * deadline become a stable failure kind and a human-readable reason.
 */
import { STATUS_CODES } from 'node:http';
import {
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SseError,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { ANSWER_TOO_LARGE, AnswerTooLargeError } from '../../shared/answer-limit.js';
import type { ProbeFailureKind } from '../../model/probe.js';
import { CheckTimeoutError } from './deadline.js';

export interface FailureDescription {
  kind: ProbeFailureKind;
  reason: string;
}

/** A stdio child that is gone (or never started); `kind` is process_exited or spawn_failed. */
export class ProcessGoneError extends Error {
  constructor(
    readonly kind: 'process_exited' | 'spawn_failed',
    reason: string,
  ) {
    super(reason);
    this.name = 'ProcessGoneError';
  }
}

/** A line from a stdio server that is not a JSON-RPC message. */
export class InvalidMessageError extends Error {
  constructor(detail: string) {
    super(`invalid JSON-RPC from server: ${detail}`);
    this.name = 'InvalidMessageError';
  }
}

export interface DescribeContext {
  /** The check budget, for the timeout reason. */
  timeoutMs: number;
  /** host:port of an HTTP target, used when the error itself does not name the address. */
  address?: string | undefined;
}

const CLOSED_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The error, its `cause` chain and AggregateError members, breadth-first, bounded. */
function chainOf(error: unknown): unknown[] {
  const out: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < 12) {
    const next = queue.shift();
    if (next === undefined || next === null || out.includes(next)) continue;
    out.push(next);
    if (next instanceof AggregateError) queue.push(...(next.errors as unknown[]));
    if (next instanceof Error && next.cause !== undefined) queue.push(next.cause);
  }
  return out;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function messageOf(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}

/** The message of a JSON-RPC error body (what the gateway and SDK servers answer with). */
function rpcErrorMessage(body: string): string | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const message = field(field(JSON.parse(body) as unknown, 'error'), 'message');
    return typeof message === 'string' && message.trim() !== '' ? message : undefined;
  } catch {
    return undefined;
  }
}

function describeStatus(status: number, statusText?: string, body?: unknown): FailureDescription {
  if (status === 401)
    return {
      kind: 'unauthorised',
      reason: 'HTTP 401: unauthorised (server reachable, credentials missing or rejected)',
    };
  if (status === 403)
    return { kind: 'unauthorised', reason: 'HTTP 403: forbidden (server reachable, access denied)' };
  const text = statusText !== undefined && statusText !== '' ? statusText : (STATUS_CODES[status] ?? 'error');
  const rpc = typeof body === 'string' ? rpcErrorMessage(body) : undefined;
  const said = rpc ?? (typeof body === 'string' ? body : '');
  const bodyText = said.trim() !== '' ? ` — ${excerpt(said, rpc === undefined ? 160 : 300)}` : '';
  return { kind: 'http_error', reason: `HTTP ${status}: ${text}${bodyText}` };
}

/** An HTTP status carried by an SDK error, an SSE error, or the SSE transport's plain POST error. */
function httpStatusOf(error: unknown): FailureDescription | undefined {
  if (error instanceof SdkHttpError) return describeStatus(error.status, error.statusText, error.data.text);
  if (error instanceof UnauthorizedError) return describeStatus(401);
  if (error instanceof SseError && typeof error.code === 'number' && error.code >= 300)
    return describeStatus(error.code);
  const status = field(field(error, 'data'), 'status');
  if (error instanceof SdkError && typeof status === 'number') return describeStatus(status);
  const posted = /Error POSTing to endpoint \(HTTP (\d{3})\):\s*(.*)$/s.exec(messageOf(error));
  if (posted?.[1] !== undefined) return describeStatus(Number(posted[1]), undefined, posted[2]);
  return undefined;
}

function networkOf(error: unknown, ctx: DescribeContext): FailureDescription | undefined {
  const code = field(error, 'code');
  const text = messageOf(error);
  const address = field(error, 'address');
  const port = field(error, 'port');
  const dialed = typeof address === 'string' && typeof port === 'number' ? `${address}:${port}` : undefined;
  if (code === 'ECONNREFUSED' || text.includes('ECONNREFUSED')) {
    const fromText = /ECONNREFUSED\s+(\S+)/.exec(text)?.[1];
    return {
      kind: 'connection_refused',
      reason: `connection refused (${dialed ?? fromText ?? ctx.address ?? 'unknown address'})`,
    };
  }
  if (
    (typeof code === 'string' && CLOSED_CODES.has(code)) ||
    /other side closed|socket hang up/i.test(text)
  ) {
    return { kind: 'connection_closed', reason: 'connection closed by server' };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const host = field(error, 'hostname');
    return {
      kind: 'connection_refused',
      reason: `host not found (${typeof host === 'string' ? host : (ctx.address ?? 'unknown host')})`,
    };
  }
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
    return {
      kind: 'connection_refused',
      reason: `host unreachable (${dialed ?? ctx.address ?? 'unknown address'})`,
    };
  }
  return undefined;
}

function isTimeoutError(error: unknown): boolean {
  return (
    error instanceof CheckTimeoutError ||
    (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout)
  );
}

/** An answer left unread because it was larger than the limit (read by the monitor, or in its stead). */
function isTooLarge(error: unknown): boolean {
  return (
    error instanceof AnswerTooLargeError ||
    (error instanceof ProtocolError && error.code === ANSWER_TOO_LARGE)
  );
}

/** Whether the failure is an answer too large to read: the session itself is fine. */
export function isAnswerTooLarge(error: unknown): boolean {
  return chainOf(error).some(isTooLarge);
}

function protocolOf(error: unknown): FailureDescription | undefined {
  if (error instanceof InvalidMessageError || isTooLarge(error))
    return { kind: 'protocol_error', reason: excerpt(messageOf(error), 300) };
  const invalid = (detail: string): FailureDescription => ({
    kind: 'protocol_error',
    reason: `invalid JSON-RPC from server: ${excerpt(detail)}`,
  });
  if (error instanceof SyntaxError) return invalid(error.message);
  if (error instanceof SdkError) {
    if (error.code === SdkErrorCode.ClientHttpUnexpectedContent || error.code === SdkErrorCode.InvalidResult)
      return invalid(error.message);
    if (error.message.includes('unusable reply'))
      return invalid(error.cause instanceof Error ? error.cause.message : error.message);
  }
  if (error instanceof SseError && /content type/i.test(error.message))
    return invalid(error.message.replace(/^SSE error:\s*/, ''));
  if (error instanceof Error && (error.name === 'ZodError' || error.name === '$ZodError'))
    return invalid('message does not match the JSON-RPC schema');
  if (error instanceof ProtocolError)
    return {
      kind: 'protocol_error',
      reason: `server returned JSON-RPC error ${error.code}: ${excerpt(error.message)}`,
    };
  return undefined;
}

/** Map any thrown value to a failure kind and reason. */
export function describeError(error: unknown, ctx: DescribeContext): FailureDescription {
  const chain = chainOf(error);
  if (chain.some(isTimeoutError)) return { kind: 'timeout', reason: `timed out after ${ctx.timeoutMs} ms` };
  for (const item of chain) {
    if (item instanceof ProcessGoneError) return { kind: item.kind, reason: item.message };
  }
  for (const item of chain) {
    const found = httpStatusOf(item) ?? networkOf(item, ctx) ?? protocolOf(item);
    if (found !== undefined) return found;
  }
  if (
    chain.some(
      (item) =>
        item instanceof SdkError &&
        (item.code === SdkErrorCode.ConnectionClosed || item.code === SdkErrorCode.NotConnected),
    )
  ) {
    return { kind: 'connection_closed', reason: 'connection closed by server' };
  }
  if (chain.some((item) => messageOf(item).includes('connection closed during the server/discover probe'))) {
    return { kind: 'connection_closed', reason: 'connection closed by server' };
  }
  const root = chain.at(-1) ?? error;
  return { kind: 'unknown', reason: excerpt(messageOf(root), 200) || 'unknown error' };
}

/** A spawn error (ENOENT, EACCES) as a failure, naming the command. */
export function describeSpawnError(error: unknown, command: string, cwdMissing = false): ProcessGoneError {
  const code = field(error, 'code');
  if (code === 'ENOENT' && cwdMissing)
    return new ProcessGoneError('spawn_failed', `working directory not found for ${command}`);
  if (code === 'ENOENT') return new ProcessGoneError('spawn_failed', `command not found: ${command}`);
  if (code === 'EACCES') return new ProcessGoneError('spawn_failed', `permission denied: ${command}`);
  return new ProcessGoneError('spawn_failed', `could not start ${command}: ${messageOf(error)}`);
}

/** How a child process ended, in words. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): ProcessGoneError {
  if (signal !== null) return new ProcessGoneError('process_exited', `process killed by ${signal}`);
  return new ProcessGoneError('process_exited', `process exited with code ${code ?? 'unknown'}`);
}
