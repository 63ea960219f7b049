/**
 * The one POST every HTTP channel makes (the webhook and each provider): a timeout per try,
 * retries with exponential backoff on what may pass (network errors, timeouts, 408, 429, 5xx),
 * `Retry-After` honoured on 429, and every try reported as it ends.
 */
import { z } from 'zod';
import type { AlertMessage, ChannelKind } from '../../model/notification.js';
import { errorText, type Channel, type DeliveryResult, type SendContext } from './channel.js';

/** An http(s) URL; `redirect: 'manual'` below, so a redirect is a failed try, never followed. */
export const httpUrl = z.url({ protocol: /^https?$/ });

/** A provider's endpoint: configurable (tests, EU regions, self-hosted), its public one by default. */
export const endpoint = (publicUrl: string) => httpUrl.default(publicUrl);

/** Every HTTP channel's delivery settings, spread into its config schema. */
export const deliveryFields = {
  /** Per try. */
  timeout_ms: z.number().int().min(100).max(60_000).default(5000),
  /** Tries after the first one (on network errors, timeouts, 408, 429 and 5xx). */
  retries: z.number().int().min(0).max(10).default(3),
};

export interface HttpRequest {
  url: string;
  body: string;
  /** Added to `content-type: application/json` and the user agent. */
  headers?: Record<string, string>;
}

export interface PostOptions {
  timeout_ms: number;
  retries: number;
  /**
   * Appends the start of an error answer's body to the error: providers say there what was
   * wrong (Slack's `invalid_blocks`, PagerDuty's `errors`). Recorded errors are scrubbed.
   */
  explain?: boolean;
}

/** How much of an error answer is kept in the error text. */
const EXPLAIN_CHARS = 200;

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** `Retry-After` in seconds (the only form providers send on 429), as ms; undefined if absent. */
function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  const seconds = value === null ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** The first characters of an answer's body, whitespace folded; never reads more than needed. */
async function answerStart(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXPLAIN_CHARS * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, EXPLAIN_CHARS);
}

/** POSTs `req` until it succeeds, fails for good, or the retries run out. Never throws. */
export async function postWithRetries(
  kind: ChannelKind,
  req: HttpRequest,
  opts: PostOptions,
  ctx: SendContext,
): Promise<DeliveryResult> {
  const now = ctx.deps.now ?? Date.now;
  const sleep = ctx.deps.sleep ?? defaultSleep;
  const { baseMs, maxMs } = ctx.deps.backoff ?? { baseMs: 1000, maxMs: 30_000 };
  const headers = { 'content-type': 'application/json', 'user-agent': 'mcp-health-alerts', ...req.headers };
  const maxTries = opts.retries + 1;
  let lastError: string | null = null;
  let wait = 0;
  for (let attempt = 1; attempt <= maxTries; attempt++) {
    if (attempt > 1) await sleep(Math.min(maxMs, wait || baseMs * 2 ** (attempt - 2)));
    wait = 0;
    const started = now();
    let status: number | undefined;
    let again = true;
    try {
      const res = await fetch(req.url, {
        method: 'POST',
        headers,
        body: req.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeout_ms),
      });
      status = res.status;
      if (res.ok) {
        await res.body?.cancel().catch(() => undefined);
        lastError = null;
      } else {
        const why = opts.explain ? await answerStart(res).catch(() => '') : '';
        if (!opts.explain) await res.body?.cancel().catch(() => undefined);
        lastError = `HTTP ${res.status}${why ? `: ${why}` : ''}`;
        again = retryable(res.status);
        if (res.status === 429) wait = retryAfterMs(res) ?? 0;
      }
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      lastError = name === 'TimeoutError' ? `timed out after ${opts.timeout_ms} ms` : errorText(e);
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      if (name !== 'TimeoutError') lastError += cause;
    }
    ctx.onAttempt?.({
      kind,
      try: attempt,
      outcome: lastError === null ? 'ok' : 'error',
      error: lastError,
      ...(status !== undefined ? { status } : {}),
      started_at: started,
      duration_ms: now() - started,
    });
    if (lastError === null) return { ok: true, tries: attempt, error: null };
    if (!again) return { ok: false, tries: attempt, error: lastError };
  }
  return { ok: false, tries: maxTries, error: lastError };
}

/** The settings of a provider whose webhook URL is its credential (Slack, Discord, Teams, …). */
export const secretUrlConfigSchema = z.object({ url: httpUrl, ...deliveryFields }).strict();
export type SecretUrlConfig = z.output<typeof secretUrlConfigSchema>;

/** A JSON request, as most providers take one. */
export const jsonRequest = (url: string, body: unknown, headers?: Record<string, string>): HttpRequest => ({
  url,
  body: JSON.stringify(body),
  ...(headers ? { headers } : {}),
});

/**
 * A channel that turns a message into one HTTP request to its provider: each provider file
 * supplies its config schema, its secret fields and `request`; the POST is the one above.
 */
export function httpChannel<C extends { timeout_ms: number; retries: number }>(def: {
  kind: ChannelKind;
  configSchema: z.ZodType<C>;
  secretFields: readonly string[];
  keyed?: boolean;
  request: (config: C, message: AlertMessage) => HttpRequest;
}): Channel<C> {
  return {
    kind: def.kind,
    configSchema: def.configSchema,
    secretFields: def.secretFields,
    ...(def.keyed ? { keyed: true } : {}),
    send: (config, message, ctx) =>
      postWithRetries(def.kind, def.request(config, message), { ...config, explain: true }, ctx),
  };
}
