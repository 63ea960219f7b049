/**
 * What the channel form asks for each kind, and how a channel is described in the list. One entry
 * per kind (`satisfies Record<ChannelKind, …>`: a kind added on the server fails the dashboard's
 * build until it has its fields here). Keys are the server's config keys.
 */
import type { ChannelKind } from '../../lib/api.js';

export interface KindField {
  key: string;
  label: string;
  /** `password` for secrets: stored by the server, never shown again. */
  type?: 'text' | 'password' | 'url' | 'number' | 'checkbox' | 'list';
  placeholder?: string;
  /** Left out of the config when empty (the server's default applies). */
  optional?: boolean;
}

export interface KindForm {
  /** The option's text in the Kind list. */
  label: string;
  fields: KindField[];
  /** One line under the channel's name. */
  describe(config: Record<string, unknown>): string;
}

/** A config value as text (configs come back from the API untyped). */
const show = (v: unknown, otherwise = ''): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : otherwise;

const secret = (key: string, label: string, placeholder?: string): KindField => ({
  key,
  label: `${label} (stored, never shown again)`,
  type: 'password',
  ...(placeholder ? { placeholder } : {}),
});

/** A provider's endpoint: optional, the public one when empty. */
const endpoint = (placeholder: string): KindField => ({
  key: 'url',
  label: 'API URL (optional)',
  type: 'url',
  placeholder,
  optional: true,
});

/** A chat webhook whose URL is its credential. */
const hookForm = (label: string, placeholder: string, what: string): KindForm => ({
  label,
  fields: [secret('url', 'Webhook URL', placeholder)],
  describe: () => what,
});

export const KIND_FORMS = {
  webhook: {
    label: 'Webhook (JSON POST, HMAC-signed with a secret)',
    fields: [
      { key: 'url', label: 'URL', type: 'url', placeholder: 'https://example.com/hooks/mcp' },
      {
        ...secret('secret', 'Secret'),
        label: 'Secret (optional; stored, never shown again)',
        optional: true,
      },
    ],
    describe: (c) => `POST to ${show(c.url)}${c.secret ? ', signed' : ''}`,
  },
  email: {
    label: 'Email (SMTP)',
    fields: [
      { key: 'host', label: 'SMTP host' },
      { key: 'port', label: 'Port', type: 'number', placeholder: '587', optional: true },
      { key: 'secure', label: 'TLS from the start (port 465)', type: 'checkbox' },
      { key: 'user', label: 'User (optional)', optional: true },
      { ...secret('password', 'Password'), optional: true },
      { key: 'from', label: 'From', placeholder: 'mcp-health@example.com' },
      { key: 'to', label: 'To (comma-separated)', type: 'list', placeholder: 'oncall@example.com' },
    ],
    describe: (c) =>
      `to ${Array.isArray(c.to) ? c.to.join(', ') : show(c.to)} via ${show(c.host)}:${show(c.port, '587')}`,
  },
  dashboard: {
    label: 'Dashboard (the bell)',
    fields: [],
    describe: () => 'a live notification in this dashboard (the bell)',
  },
  log: {
    label: 'Log (log line and audit row)',
    fields: [],
    describe: () => 'a structured log line and an audit_log row',
  },
  slack: hookForm(
    'Slack (incoming webhook)',
    'https://hooks.slack.com/services/…',
    'a Slack message (Block Kit)',
  ),
  discord: hookForm(
    'Discord (channel webhook)',
    'https://discord.com/api/webhooks/…',
    'a Discord message (embed)',
  ),
  msteams: hookForm(
    'Microsoft Teams (Workflows webhook)',
    'https://…/workflows/…/triggers/manual/paths/invoke?…',
    'a Teams message (Adaptive Card)',
  ),
  pagerduty: {
    label: 'PagerDuty (Events API v2)',
    fields: [
      secret('routing_key', 'Integration (routing) key', '32 characters'),
      endpoint('https://events.pagerduty.com/v2/enqueue'),
    ],
    describe: () => 'a PagerDuty alert, resolved with the alert',
  },
  opsgenie: {
    label: 'Opsgenie (Alert API)',
    fields: [
      secret('api_key', 'API integration key'),
      endpoint('https://api.opsgenie.com (EU: https://api.eu.opsgenie.com)'),
    ],
    describe: (c) => `an Opsgenie alert, closed with the alert${c.url ? ` (${show(c.url)})` : ''}`,
  },
  telegram: {
    label: 'Telegram (bot)',
    fields: [
      secret('bot_token', 'Bot token', '123456789:AA…'),
      { key: 'chat_id', label: 'Chat id or @channel', placeholder: '-1001234567890' },
      endpoint('https://api.telegram.org'),
    ],
    describe: (c) => `a Telegram message to ${show(c.chat_id)}`,
  },
  ntfy: {
    label: 'ntfy (push)',
    fields: [
      { key: 'topic', label: 'Topic (hard to guess on ntfy.sh)', placeholder: 'mcp-health-x7q2' },
      {
        ...secret('token', 'Access token'),
        label: 'Access token (optional; stored, never shown again)',
        optional: true,
      },
      { ...endpoint('https://ntfy.sh'), label: 'Server URL (optional)' },
    ],
    describe: (c) => `a push to ${show(c.url, 'https://ntfy.sh')}/${show(c.topic)}`,
  },
  mattermost: hookForm(
    'Mattermost (incoming webhook)',
    'https://chat.example.com/hooks/…',
    'a Mattermost post',
  ),
  google_chat: hookForm(
    'Google Chat (space webhook)',
    'https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…',
    'a Google Chat card, threaded per alert',
  ),
  pushover: {
    label: 'Pushover',
    fields: [
      secret('app_token', 'Application API token', '30 characters'),
      secret('user_key', 'User or group key', '30 characters'),
      endpoint('https://api.pushover.net/1/messages.json'),
    ],
    describe: () => 'a Pushover notification',
  },
} satisfies Record<ChannelKind, KindForm>;

/** The config a filled form gives for a kind; empty optional fields are left to the server. */
export function configFrom(kind: ChannelKind, form: FormData): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const fields: readonly KindField[] = KIND_FORMS[kind].fields;
  for (const f of fields) {
    const raw = form.get(f.key);
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (f.type === 'checkbox') config[f.key] = raw === 'on';
    else if (text === '' && f.optional) continue;
    else if (f.type === 'number') config[f.key] = Number(text);
    else if (f.type === 'list')
      config[f.key] = text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
    else config[f.key] = text;
  }
  return config;
}
