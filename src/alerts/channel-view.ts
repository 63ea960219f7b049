import { REDACTED } from '../shared/scrubber.js';
import type { AlertMessage } from '../model/notification.js';
import { channelRegistry } from './channels/registry.js';
import type { ChannelKind } from '../model/notification.js';
import type { StoredChannel } from './config-repo.js';
import { iso } from '../shared/iso-time.js';

/** A channel as the API shows it: every secret field replaced by the marker. */
export function channelView(c: StoredChannel): StoredChannel {
  const config = { ...c.config };
  for (const f of channelRegistry[c.kind].secretFields)
    if (config[f] !== undefined && config[f] !== null && config[f] !== '') config[f] = REDACTED;
  return { ...c, config };
}

/** Shorter parts of a secret are left to the whole value: they would match ordinary words. */
const TOKEN_CHARS = 12;

/**
 * A secret webhook URL is also scrubbed as its path and query and as the parts that carry its
 * token (the last path segment: Slack, Discord, Mattermost; query values: Teams' `sig`, Google
 * Chat's `key` and `token`); a bot token as its secret half. An error quoting only the token is
 * then clean too.
 */
function secretParts(value: string): string[] {
  // A Telegram bot token is `<bot id>:<secret>`; the id is public, the rest is the secret.
  const botSecret = /^\d+:([A-Za-z0-9_-]+)$/.exec(value)?.[1];
  if (botSecret !== undefined) return botSecret.length >= TOKEN_CHARS ? [botSecret] : [];
  if (!/^https?:\/\//.test(value)) return [];
  try {
    const u = new URL(value);
    const tokens = [u.pathname.split('/').at(-1) ?? '', ...u.searchParams.values()];
    return [`${u.pathname}${u.search}`, ...tokens.filter((t) => t.length >= TOKEN_CHARS)];
  } catch {
    return [];
  }
}

/** The secret values of a channel's config, for the scrubber. */
export function channelSecrets(c: Pick<StoredChannel, 'kind' | 'config'>): string[] {
  return channelRegistry[c.kind].secretFields.flatMap((f) => {
    const value = c.config[f];
    return typeof value === 'string' ? [value, ...secretParts(value)] : [];
  });
}

/** A PATCH that sends the marker back keeps the stored secret. */
export function keepRedacted(
  kind: ChannelKind,
  next: Record<string, unknown>,
  previous: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...next };
  for (const f of channelRegistry[kind].secretFields)
    if (out[f] === REDACTED && previous[f] !== undefined) out[f] = previous[f];
  return out;
}

/** The message "send test notification" delivers. */
export function testMessage(channel: StoredChannel, baseUrl: string, now: number): AlertMessage {
  const at = iso(now);
  return {
    rule: { id: 0, name: 'Test notification' },
    server: { id: 'test', name: 'test' },
    state: 'firing',
    notification: 'firing',
    metric: 'status_offline',
    condition: 'eq',
    value: 1,
    threshold: 1,
    severity: 'info',
    triggered_at: at,
    resolved_at: null,
    sent_at: at,
    url: baseUrl,
    alert_url: null,
    summary: `[TEST] mcp-health test notification to "${channel.name}"`,
    test: true,
  };
}
