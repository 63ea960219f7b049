import type { Outcome } from '../../model/request-event.js';

/** The endpoint of a request: the method, plus the tool, prompt or resource it names. */
export function endpointOf(method: string, params: unknown): string {
  const p = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  const name =
    method === 'tools/call' || method === 'prompts/get'
      ? p.name
      : method === 'resources/read'
        ? p.uri
        : undefined;
  return typeof name === 'string' && name !== '' ? `${method}:${name.slice(0, 200)}` : method;
}

export interface ResponseOutcome {
  outcome: Outcome;
  errorCode: number | null;
  errorMessage: string | null;
  errorData: unknown;
}

/** What a JSON-RPC response says about its request: ok, a JSON-RPC error, or a tool result with `isError`. */
export function outcomeOf(response: unknown): ResponseOutcome {
  const r = (typeof response === 'object' && response !== null ? response : {}) as Record<string, unknown>;
  if (typeof r.error === 'object' && r.error !== null) {
    const e = r.error as Record<string, unknown>;
    return {
      outcome: 'error',
      errorCode: typeof e.code === 'number' ? e.code : null,
      errorMessage: typeof e.message === 'string' ? e.message.slice(0, 2000) : null,
      errorData: e.data ?? null,
    };
  }
  const result = (typeof r.result === 'object' && r.result !== null ? r.result : {}) as Record<
    string,
    unknown
  >;
  if (result.isError === true) {
    const content = Array.isArray(result.content) ? (result.content as unknown[]) : [];
    const text = content
      .map((c) => (typeof c === 'object' && c !== null ? (c as Record<string, unknown>).text : undefined))
      .find((t): t is string => typeof t === 'string');
    return {
      outcome: 'tool_error',
      errorCode: null,
      errorMessage: text?.slice(0, 1024) ?? 'tool returned isError',
      errorData: null,
    };
  }
  return { outcome: 'ok', errorCode: null, errorMessage: null, errorData: null };
}
