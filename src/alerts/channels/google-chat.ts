import type { AlertMessage } from '../../model/notification.js';
import { alertFacts, alertKey, alertLinks, alertTitle, clip, escapeMarkup } from './alert-text.js';
import { httpChannel, jsonRequest, secretUrlConfigSchema, type SecretUrlConfig } from './http-post.js';

/** Google Chat's documented limits (spaces.messages.create: 32,000 bytes; a card: 100 widgets). */
export const GOOGLE_CHAT_LIMITS = {
  messageBytes: 32_000,
  widgetsPerCard: 100,
  threadKey: 4000,
  /** Ours: the texts at these keep a message below 32,000 bytes even in 4-byte characters. */
  title: 500,
  factText: 500,
};

/**
 * A cardsV2 message in the alert instance's thread (`threadKey`), so the resolve lands under the
 * trigger; `fallbackText` is what notifications show.
 */
export function googleChatPayload(m: AlertMessage) {
  const widgets = [
    ...alertFacts(m).map((f) => ({
      decoratedText: { topLabel: f.label, text: escapeMarkup(clip(f.value, GOOGLE_CHAT_LIMITS.factText)) },
    })),
    {
      buttonList: {
        buttons: alertLinks(m).map((l) => ({ text: l.label, onClick: { openLink: { url: l.url } } })),
      },
    },
  ];
  return {
    fallbackText: clip(alertTitle(m), GOOGLE_CHAT_LIMITS.title),
    cardsV2: [
      {
        cardId: 'mcp-health-alert',
        card: {
          header: {
            title: clip(alertTitle(m), GOOGLE_CHAT_LIMITS.title),
            subtitle: clip(`${m.server.name} · ${m.severity}`, GOOGLE_CHAT_LIMITS.title),
          },
          sections: [{ widgets: widgets.slice(0, GOOGLE_CHAT_LIMITS.widgetsPerCard) }],
        },
      },
    ],
    thread: { threadKey: clip(alertKey(m), GOOGLE_CHAT_LIMITS.threadKey) },
  };
}

/** Replies in the thread when it exists, else starts it (the webhook URL has the space's key and token). */
export function threadedUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  return u.toString();
}

/** Google Chat space webhook (`https://chat.googleapis.com/v1/spaces/…?key=…&token=…`). */
export const googleChatChannel = httpChannel<SecretUrlConfig>({
  kind: 'google_chat',
  configSchema: secretUrlConfigSchema,
  secretFields: ['url'],
  request: (config, m) => jsonRequest(threadedUrl(config.url), googleChatPayload(m)),
});
