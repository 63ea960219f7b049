import type { AlertMessage } from '../../model/notification.js';
import { alertFacts, alertLinks, alertTitle, bySeverity, clip } from './alert-text.js';
import { httpChannel, jsonRequest, secretUrlConfigSchema, type SecretUrlConfig } from './http-post.js';

/** Teams' documented limits (messages through webhooks; Adaptive Card schema). */
export const MSTEAMS_LIMITS = {
  /** A message's size, card included (Teams: "message size limit is 28 KB"). */
  messageBytes: 28 * 1024,
  /** Teams renders Adaptive Cards up to 1.5; 1.4 is what every Teams client shows. */
  cardVersion: '1.4',
  /** Ours: the title and seven facts at these stay far below 28 KB even in 4-byte characters. */
  title: 500,
  factValue: 500,
};

/**
 * What a Workflows webhook ("When a Teams webhook request is received") takes: a message with one
 * Adaptive Card attachment; the older MessageCard format is refused there.
 */
export function msteamsPayload(m: AlertMessage) {
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: MSTEAMS_LIMITS.cardVersion,
    msteams: { width: 'Full' },
    body: [
      {
        type: 'TextBlock',
        text: clip(alertTitle(m), MSTEAMS_LIMITS.title),
        weight: 'Bolder',
        size: 'Medium',
        wrap: true,
        color: bySeverity(m, { critical: 'Attention', warning: 'Warning', info: 'Accent', resolved: 'Good' }),
      },
      {
        type: 'FactSet',
        facts: alertFacts(m).map((f) => ({ title: f.label, value: clip(f.value, MSTEAMS_LIMITS.factValue) })),
      },
    ],
    actions: alertLinks(m).map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url })),
  };
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}

/** Microsoft Teams through a Workflows webhook (the URL, with its `sig`, is the credential). */
export const msteamsChannel = httpChannel<SecretUrlConfig>({
  kind: 'msteams',
  configSchema: secretUrlConfigSchema,
  secretFields: ['url'],
  request: (config, m) => jsonRequest(config.url, msteamsPayload(m)),
});
