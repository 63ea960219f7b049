/**
 * Counts a server's tools without the SDK's `listTools`: each `tools/list` page is a raw request
 * on the session's transport, and only `result.tools.length` is read of its answer.
 *
 * Why: `listTools` validates every tool with zod (on the modern era the wire codec does it once
 * more) and compiles every tool's output schema; a server listing 100,000 tools stalled the
 * monitor's event loop for seconds. Here a page costs its JSON parse, bounded like every answer by
 * max_probe_response_bytes. The count follows `nextCursor` and stops at MAX_COUNTED_TOOLS (then
 * reported as that number) or after MAX_PAGES pages.
 */
import {
  ProtocolError,
  SdkError,
  SdkErrorCode,
  type JSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/client';
import type { Deadline } from './deadline.js';

/** A server with more tools is shown with this many. */
export const MAX_COUNTED_TOOLS = 10_000;
export const MAX_PAGES = 100;

export interface ToolCount {
  count: number;
  /** False when the count stopped at MAX_COUNTED_TOOLS or MAX_PAGES. */
  complete: boolean;
}

interface Waiting {
  id: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

let nextId = 0;

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Lists the tools page by page on `transport`, whose SDK client keeps every other message: the
 * answers to these requests (string ids the client never uses) are taken out before it sees them.
 * `meta` is the modern era's request envelope, when the session has one.
 */
export async function countTools(
  transport: Transport,
  meta: Record<string, unknown> | undefined,
  deadline: Deadline,
): Promise<ToolCount> {
  let waiting: Waiting | undefined;
  const inner = transport.onmessage;
  transport.onmessage = (message: JSONRPCMessage, extra) => {
    const m = message as { id?: unknown; result?: unknown; error?: unknown };
    const w = waiting;
    if (w === undefined || m.id !== w.id || (m.result === undefined && m.error === undefined)) {
      inner?.call(transport, message, extra);
      return;
    }
    waiting = undefined;
    const error = field(m.error, 'message');
    if (m.error !== undefined)
      w.reject(
        ProtocolError.fromError(Number(field(m.error, 'code')), String(error), field(m.error, 'data')),
      );
    else w.resolve(m.result);
  };
  const page = (cursor: string | undefined): Promise<unknown> => {
    const id = `mcp-health-tools-${++nextId}`;
    const answered = new Promise<unknown>((resolve, reject) => (waiting = { id, resolve, reject }));
    const params = {
      ...(cursor === undefined ? {} : { cursor }),
      ...(meta === undefined ? {} : { _meta: meta }),
    };
    const sent = transport.send({ jsonrpc: '2.0', id, method: 'tools/list', params });
    return deadline.race(Promise.all([sent, answered]).then(([, result]) => result));
  };
  try {
    let count = 0;
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const result = await page(cursor);
      const tools = field(result, 'tools');
      if (!Array.isArray(tools))
        throw new SdkError(SdkErrorCode.InvalidResult, 'Invalid result for tools/list: no tools list');
      count += tools.length;
      if (count >= MAX_COUNTED_TOOLS) return { count: MAX_COUNTED_TOOLS, complete: false };
      const next = field(result, 'nextCursor');
      if (typeof next !== 'string' || next === '') return { count, complete: true };
      cursor = next;
    }
    return { count, complete: false };
  } finally {
    waiting = undefined;
    transport.onmessage = inner;
  }
}
