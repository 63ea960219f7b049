import type { AlertMessage } from '../../model/notification.js';
import { alertFacts, alertLinks, alertTitle, clip, escapeMarkup, mainLink } from './alert-text.js';
import { httpChannel, jsonRequest, secretUrlConfigSchema, type SecretUrlConfig } from './http-post.js';

/** Slack's documented limits (Block Kit reference: blocks, header, section, button). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionFields: 10,
  fieldText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  /** A message's top-level `text` is cut by Slack past this. */
  text: 40_000,
};

/** An incoming-webhook message: Block Kit, with `text` as the plain fallback notifications show. */
export function slackPayload(m: AlertMessage) {
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: clip(alertTitle(m), SLACK_LIMITS.headerText) } },
    {
      type: 'section',
      fields: alertFacts(m)
        .slice(0, SLACK_LIMITS.sectionFields)
        .map((f) => ({
          type: 'mrkdwn',
          text: clip(`*${escapeMarkup(f.label)}*\n${escapeMarkup(f.value)}`, SLACK_LIMITS.fieldText),
        })),
    },
    {
      type: 'actions',
      elements: alertLinks(m)
        .filter((l) => l.url.length <= SLACK_LIMITS.buttonUrl)
        .slice(0, SLACK_LIMITS.actionsElements)
        .map((l) => ({
          type: 'button',
          text: { type: 'plain_text', text: clip(l.label, SLACK_LIMITS.buttonText) },
          url: l.url,
        })),
    },
  ];
  return {
    text: clip(`${alertTitle(m)} ${mainLink(m).url}`, SLACK_LIMITS.text),
    blocks: blocks.slice(0, SLACK_LIMITS.blocksPerMessage),
  };
}

/** Slack incoming webhook (`https://hooks.slack.com/services/…`, the URL is the credential). */
export const slackChannel = httpChannel<SecretUrlConfig>({
  kind: 'slack',
  configSchema: secretUrlConfigSchema,
  secretFields: ['url'],
  request: (config, m) => jsonRequest(config.url, slackPayload(m)),
});
