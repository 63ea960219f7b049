import type { RequestEvent } from '../../model/request-event.js';

/** One stored error sample (a row of `error_events`), before its group's id is known. */
export interface ErrorSample {
  serverId: string;
  endpoint: string;
  type: string;
  code: number | null;
  message: string;
  /** The error's `data` as JSON text, or null. */
  data: string | null;
  stackTrace: string | null;
  requestId: string | null;
  sessionId: string | null;
  clientName: string | null;
  clientVersion: string | null;
  protocolVersion: string | null;
  timestamp: number;
}

const MAX_MESSAGE = 2000;
const MAX_DATA = 8000;

/** The message of a failure; a tool error's is the first line of its result text. */
export function errorMessage(e: RequestEvent): string {
  if (e.errorMessage) return e.errorMessage.slice(0, MAX_MESSAGE);
  if (typeof e.errorData === 'string' && e.errorData.trim() !== '')
    return (e.errorData.trim().split('\n')[0] ?? '').slice(0, MAX_MESSAGE);
  return e.outcome;
}

/** A stack trace in the error's data: its `stack`, or the data itself when it reads as one. */
export function stackOf(data: unknown): string | null {
  if (typeof data === 'string') return /\n\s+at /.test(data) ? data.slice(0, MAX_DATA) : null;
  if (typeof data === 'object' && data !== null && 'stack' in data && typeof data.stack === 'string')
    return data.stack.slice(0, MAX_DATA);
  return null;
}

/** The data as JSON text, cut to 8,000 characters (then kept as a string). */
function dataOf(data: unknown): string | null {
  if (data === null || data === undefined) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch {
    return null; // circular or BigInt: no data is better than a throw on the forwarding path
  }
  if (json === undefined) return null;
  return json.length <= MAX_DATA ? json : JSON.stringify(json.slice(0, MAX_DATA));
}

const cut = (s: string | null, n: number): string | null => (s === null ? null : s.slice(0, n));

export function requestSample(e: RequestEvent, type: string): ErrorSample {
  return {
    serverId: e.serverId,
    endpoint: e.endpoint,
    type,
    code: e.outcome === 'error' ? e.errorCode : null,
    message: errorMessage(e),
    data: dataOf(e.errorData),
    stackTrace: stackOf(e.errorData),
    requestId: cut(e.requestId, 100),
    sessionId: cut(e.sessionId, 200),
    clientName: cut(e.clientName, 200),
    clientVersion: cut(e.clientVersion, 100),
    protocolVersion: cut(e.protocolVersion, 50),
    timestamp: e.startedAt,
  };
}

/** A failed health check, as the checker saw it. */
export interface ProbeError {
  serverId: string;
  /** The request that failed: `initialize`, `ping` or `server/discover`. */
  method: string;
  /** The failure's stable code (`timeout`, `connection_refused`…). */
  failure: string;
  reason: string;
  at: number;
}

export function probeSample(p: ProbeError): ErrorSample {
  return {
    serverId: p.serverId,
    endpoint: p.method,
    type: p.failure,
    code: null,
    message: p.reason.slice(0, MAX_MESSAGE),
    data: null,
    stackTrace: null,
    requestId: null,
    sessionId: null,
    clientName: null,
    clientVersion: null,
    protocolVersion: null,
    timestamp: p.at,
  };
}
