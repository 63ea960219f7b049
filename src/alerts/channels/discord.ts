import type { AlertMessage } from '../../model/notification.js';
import { alertFacts, alertLinks, alertTitle, clip, mainLink, stateColor } from './alert-text.js';
import { httpChannel, jsonRequest, secretUrlConfigSchema, type SecretUrlConfig } from './http-post.js';

/** Discord's documented limits (Execute Webhook; Embed Limits). */
export const DISCORD_LIMITS = {
  embedsPerMessage: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Title, description, field names and values, footer and author of all embeds together. */
  embedTotal: 6000,
};

const FOOTER = 'mcp-health';

/** An Execute Webhook body: one embed, coloured by severity, the facts as inline fields. */
export function discordPayload(m: AlertMessage) {
  const title = clip(alertTitle(m), DISCORD_LIMITS.title);
  const description = clip(
    alertLinks(m)
      .map((l) => `[${l.label}](${l.url})`)
      .join(' · '),
    DISCORD_LIMITS.description,
  );
  const facts = alertFacts(m).slice(0, DISCORD_LIMITS.fields);
  // What is left of the 6000 for the field values, shared out evenly.
  const fixed = [title, description, FOOTER, ...facts.map((f) => f.label)].join('').length;
  const perValue = Math.min(
    DISCORD_LIMITS.fieldValue,
    Math.floor((DISCORD_LIMITS.embedTotal - fixed) / facts.length),
  );
  const embed = {
    title,
    url: mainLink(m).url,
    description,
    color: stateColor(m),
    fields: facts.map((f) => ({
      name: clip(f.label, DISCORD_LIMITS.fieldName),
      value: clip(f.value, perValue),
      inline: true,
    })),
    footer: { text: FOOTER },
    timestamp: m.sent_at,
  };
  // Names of rules and servers come from users: never let them ping @everyone or a role.
  return { embeds: [embed].slice(0, DISCORD_LIMITS.embedsPerMessage), allowed_mentions: { parse: [] } };
}

/** Discord channel webhook (`https://discord.com/api/webhooks/…`, the URL is the credential). */
export const discordChannel = httpChannel<SecretUrlConfig>({
  kind: 'discord',
  configSchema: secretUrlConfigSchema,
  secretFields: ['url'],
  request: (config, m) => jsonRequest(config.url, discordPayload(m)),
});
