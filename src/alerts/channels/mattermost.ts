import type { AlertMessage } from '../../model/notification.js';
import { alertFacts, alertLinks, alertTitle, clip, hexColor, mainLink, stateColor } from './alert-text.js';
import { httpChannel, jsonRequest, secretUrlConfigSchema, type SecretUrlConfig } from './http-post.js';

/** Mattermost's documented limits (a post's message: 16383 characters; message attachments). */
export const MATTERMOST_LIMITS = { text: 16_383, attachmentText: 7000 };

/** An incoming-webhook post: the title as text, a coloured message attachment with the facts. */
export function mattermostPayload(m: AlertMessage) {
  const title = alertTitle(m);
  return {
    text: clip(title, MATTERMOST_LIMITS.text),
    attachments: [
      {
        fallback: clip(`${title} ${mainLink(m).url}`, MATTERMOST_LIMITS.attachmentText),
        color: hexColor(stateColor(m)),
        title: clip(title, MATTERMOST_LIMITS.attachmentText),
        title_link: mainLink(m).url,
        text: alertLinks(m)
          .map((l) => `[${l.label}](${l.url})`)
          .join(' · '),
        fields: alertFacts(m).map((f) => ({
          short: true,
          title: f.label,
          value: clip(f.value, MATTERMOST_LIMITS.attachmentText),
        })),
        footer: 'mcp-health',
      },
    ],
  };
}

/** Mattermost incoming webhook (`https://<server>/hooks/<key>`, the URL is the credential). */
export const mattermostChannel = httpChannel<SecretUrlConfig>({
  kind: 'mattermost',
  configSchema: secretUrlConfigSchema,
  secretFields: ['url'],
  request: (config, m) => jsonRequest(config.url, mattermostPayload(m)),
});
