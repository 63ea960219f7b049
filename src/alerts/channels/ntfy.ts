import { z } from 'zod';
import type { AlertMessage } from '../../model/notification.js';
import { alertLinks, alertTitle, bySeverity, clip, clipBytes, factLines, mainLink } from './alert-text.js';
import { deliveryFields, endpoint, httpChannel, jsonRequest } from './http-post.js';

/** ntfy's documented limits (Publishing; server config `message-size-limit`, action buttons). */
export const NTFY_LIMITS = {
  /** Longer messages become an attachment on ntfy.sh, which a phone does not show inline. */
  messageBytes: 4096,
  actions: 3,
  title: 256,
};

export const ntfyConfigSchema = z
  .object({
    /** The server (ntfy.sh or your own); JSON is published to its root. */
    url: endpoint('https://ntfy.sh'),
    /** On ntfy.sh a topic is open to whoever guesses it: pick one that is hard to guess. */
    topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, '1 to 64 letters, digits, - or _'),
    /** An access token (`tk_…`) for a protected topic; sent as `Authorization: Bearer`. */
    token: z.string().trim().min(1).max(200).nullable().default(null),
    ...deliveryFields,
  })
  .strict();
export type NtfyConfig = z.output<typeof ntfyConfigSchema>;

/** A "publish as JSON" body: priority and tag (its emoji) by severity, a tap opens the alert. */
export function ntfyMessage(topic: string, m: AlertMessage) {
  return {
    topic,
    title: clip(alertTitle(m), NTFY_LIMITS.title),
    message: clipBytes(factLines(m), NTFY_LIMITS.messageBytes),
    priority: bySeverity(m, { critical: 5, warning: 4, info: 3, resolved: 3 }),
    tags: [
      bySeverity(m, {
        critical: 'rotating_light',
        warning: 'warning',
        info: 'information_source',
        resolved: 'white_check_mark',
      }),
    ],
    click: mainLink(m).url,
    actions: alertLinks(m)
      .slice(0, NTFY_LIMITS.actions)
      .map((l) => ({ action: 'view', label: l.label, url: l.url })),
  };
}

/** ntfy (ntfy.sh or self-hosted): JSON published to the server's root URL. */
export const ntfyChannel = httpChannel<NtfyConfig>({
  kind: 'ntfy',
  configSchema: ntfyConfigSchema,
  secretFields: ['token'],
  request: (config, m) =>
    jsonRequest(
      config.url,
      ntfyMessage(config.topic, m),
      config.token ? { authorization: `Bearer ${config.token}` } : undefined,
    ),
});
