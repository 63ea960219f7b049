import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { errorText, type Channel, type DeliveryResult, type SendContext } from './channel.js';
import { type AlertMessage } from '../../model/notification.js';

export const SIGNATURE_HEADER = 'X-MCP-Health-Signature';

export const webhookConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    /** When set, the body is signed: `X-MCP-Health-Signature: sha256=<hex HMAC-SHA256>`. */
    secret: z.string().min(1).max(1000).nullable().default(null),
    /** Per try. */
    timeout_ms: z.number().int().min(100).max(60_000).default(5000),
    /** Tries after the first one (on network errors, timeouts, 408, 429 and 5xx). */
    retries: z.number().int().min(0).max(10).default(3),
  })
  .strict();
export type WebhookConfig = z.output<typeof webhookConfigSchema>;

/** `sha256=<hex>` of the exact body bytes; receivers recompute it over the raw body. */
export const signBody = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** JSON POST with an optional HMAC signature, a timeout per try and exponential backoff. */
export const webhookChannel: Channel<WebhookConfig> = {
  kind: 'webhook',
  configSchema: webhookConfigSchema,
  secretFields: ['secret'],
  async send(config: WebhookConfig, message: AlertMessage, ctx: SendContext): Promise<DeliveryResult> {
    const now = ctx.deps.now ?? Date.now;
    const sleep = ctx.deps.sleep ?? defaultSleep;
    const { baseMs, maxMs } = ctx.deps.backoff ?? { baseMs: 1000, maxMs: 30_000 };
    const body = JSON.stringify(message);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'mcp-health-alerts',
    };
    if (config.secret) headers[SIGNATURE_HEADER] = signBody(config.secret, body);

    const maxTries = config.retries + 1;
    let lastError: string | null = null;
    for (let attempt = 1; attempt <= maxTries; attempt++) {
      if (attempt > 1) await sleep(Math.min(maxMs, baseMs * 2 ** (attempt - 2)));
      const started = now();
      let status: number | undefined;
      let again = true;
      try {
        const res = await fetch(config.url, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(config.timeout_ms),
        });
        status = res.status;
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) lastError = null;
        else {
          lastError = `HTTP ${res.status}`;
          again = retryable(res.status);
        }
      } catch (e) {
        const name = e instanceof Error ? e.name : '';
        lastError = name === 'TimeoutError' ? `timed out after ${config.timeout_ms} ms` : errorText(e);
        const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
        if (name !== 'TimeoutError') lastError += cause;
      }
      ctx.onAttempt?.({
        kind: 'webhook',
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
  },
};
