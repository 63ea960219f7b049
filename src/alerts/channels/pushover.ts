import { z } from 'zod';
import type { AlertMessage } from '../../model/notification.js';
import { alertTitle, bySeverity, clip, factLines, mainLink } from './alert-text.js';
import { deliveryFields, endpoint, httpChannel } from './http-post.js';

/** Pushover's documented limits (Message API: "Limitations"). */
export const PUSHOVER_LIMITS = { message: 1024, title: 250, url: 512, urlTitle: 100, key: 30 };

const key = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{30}$/, `the 30-character ${what}`);

export const pushoverConfigSchema = z
  .object({
    url: endpoint('https://api.pushover.net/1/messages.json'),
    /** Your application's API token. */
    app_token: key('application API token'),
    /** The user or group key to deliver to. */
    user_key: key('user or group key'),
    ...deliveryFields,
  })
  .strict();
export type PushoverConfig = z.output<typeof pushoverConfigSchema>;

/**
 * The Message API's form fields. Priority by severity; never 2 (emergency), which repeats until
 * acknowledged in Pushover and needs retry/expire.
 */
export function pushoverForm(config: PushoverConfig, m: AlertMessage): URLSearchParams {
  const link = mainLink(m);
  return new URLSearchParams({
    token: config.app_token,
    user: config.user_key,
    title: clip(alertTitle(m), PUSHOVER_LIMITS.title),
    message: clip(factLines(m), PUSHOVER_LIMITS.message),
    ...(link.url.length <= PUSHOVER_LIMITS.url
      ? { url: link.url, url_title: clip(link.label, PUSHOVER_LIMITS.urlTitle) }
      : {}),
    priority: String(bySeverity(m, { critical: 1, warning: 0, info: -1, resolved: -1 })),
    timestamp: String(Math.floor(Date.parse(m.sent_at) / 1000)),
  });
}

/** Pushover Message API: the app token and user key travel in the (form) body. */
export const pushoverChannel = httpChannel<PushoverConfig>({
  kind: 'pushover',
  configSchema: pushoverConfigSchema,
  secretFields: ['app_token', 'user_key'],
  request: (config, m) => ({
    url: config.url,
    body: pushoverForm(config, m).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  }),
});
