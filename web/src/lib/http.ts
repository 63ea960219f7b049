import { withBase } from './base.js';
import { Observable } from './observable.js';

const TOKEN_KEY = 'mcp-health.token';

export interface FieldProblem {
  field: string;
  message: string;
}

/** An error answer of the API: `{ error: { code, message, details } }`, kept whole for the UI to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }

  /** The message for one field, matched on its last path segment ("body.url" → "url"). */
  fieldMessage(name: string): string | undefined {
    return this.fields.find((f) => f.field === name || f.field.endsWith(`.${name}`))?.message;
  }
}

/** Set when the API asked for a token that we do not have (or that is wrong). */
export const authNeeded = new Observable(false);

export const token = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set(value: string | null): void {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

/** The signed-in session's CSRF value (from /auth/me): sent on every change made with the cookie. */
export const csrf = { value: null as string | null };

export async function request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const t = token.get();
  if (t) headers.authorization = `Bearer ${t}`;
  else if (csrf.value && (init.method ?? 'GET') !== 'GET') headers['x-csrf-token'] = csrf.value;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(withBase(path), {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? null : JSON.stringify(init.body),
    });
  } catch (err) {
    throw new ApiError(0, 'unreachable', `the monitor is unreachable: ${(err as Error).message}`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: the text itself is the message below.
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: { fields?: FieldProblem[] } } })
      ?.error;
    if (res.status === 401) authNeeded.set(true);
    throw new ApiError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? (text || `HTTP ${res.status}`),
      e?.details?.fields ?? [],
    );
  }
  return body as T;
}

/** Query string from an object, leaving out empty values. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
