import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { type Channel, type DeliveryResult, type SendContext } from './channel.js';
import { deliveryFields, httpUrl, postWithRetries } from './http-post.js';
import { type AlertMessage } from '../../model/notification.js';

export const SIGNATURE_HEADER = 'X-MCP-Health-Signature';

export const webhookConfigSchema = z
  .object({
    url: httpUrl,
    /** When set, the body is signed: `X-MCP-Health-Signature: sha256=<hex HMAC-SHA256>`. */
    secret: z.string().min(1).max(1000).nullable().default(null),
    ...deliveryFields,
  })
  .strict();
export type WebhookConfig = z.output<typeof webhookConfigSchema>;

/** `sha256=<hex>` of the exact body bytes; receivers recompute it over the raw body. */
export const signBody = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/** The alert message itself as JSON, with an optional HMAC signature. */
export const webhookChannel: Channel<WebhookConfig> = {
  kind: 'webhook',
  configSchema: webhookConfigSchema,
  secretFields: ['secret'],
  send(config: WebhookConfig, message: AlertMessage, ctx: SendContext): Promise<DeliveryResult> {
    const body = JSON.stringify(message);
    const headers: Record<string, string> = config.secret
      ? { [SIGNATURE_HEADER]: signBody(config.secret, body) }
      : {};
    // Several instances: a copy sent again after a failover carries the same key.
    if (message.key) headers['Idempotency-Key'] = message.key;
    return postWithRetries('webhook', { url: config.url, body, headers }, config, ctx);
  },
};
