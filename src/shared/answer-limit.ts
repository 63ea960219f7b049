/**
 * How much of one answer from an MCP server the monitor reads, and what it says when an answer
 * is larger: a hostile or broken server must not be able to fill the monitor's memory.
 */
import type { JSONRPCErrorResponse, RequestId } from '@modelcontextprotocol/client';

export interface AnswerLimit {
  /** The most bytes read of one answer (an HTTP body, an SSE event, a stdio line). */
  bytes: number;
  /** The setting that sets it, named in the error. */
  setting: string;
}

/** The JSON-RPC code of the error that stands in for an answer too large to read. */
export const ANSWER_TOO_LARGE = -32099;

/** 1048576 → "1 MiB", 1536 → "1.5 KiB", 100 → "100 bytes". */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB'] as const;
  let value = bytes;
  let unit = 'bytes';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${unit}`;
}

export function tooLargeMessage(limit: AnswerLimit): string {
  return `the server's answer exceeded ${limit.setting} (${formatBytes(limit.bytes)})`;
}

/** An answer that was not read because it is larger than the limit. */
export class AnswerTooLargeError extends Error {
  constructor(readonly limit: AnswerLimit) {
    super(tooLargeMessage(limit));
    this.name = 'AnswerTooLargeError';
  }
}

/** The error response that replaces an answer too large to read, so its request fails at once. */
export function tooLargeResponse(id: RequestId, limit: AnswerLimit): JSONRPCErrorResponse {
  return {
    jsonrpc: '2.0',
    id,
    error: { code: ANSWER_TOO_LARGE, message: tooLargeMessage(limit), data: { limit_bytes: limit.bytes } },
  };
}
