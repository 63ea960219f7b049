/**
 * What the provider channels say about an alert, made once: the title, the facts, the links, a
 * colour and a priority by severity, the key that ties a resolve to its trigger, and cutting
 * text to a provider's documented limit.
 */
import { createHash } from 'node:crypto';
import { METRIC_UNITS, type Severity } from '../../model/alert-rule.js';
import type { AlertMessage } from '../../model/notification.js';

export interface Fact {
  label: string;
  value: string;
}

export interface Link {
  label: string;
  url: string;
}

const CONDITION_SIGNS = { gt: '>', lt: '<', eq: '=', gte: '≥', lte: '≤' } as const;

/** "[FIRING] Error rate above 5% on chaos" (with "[TEST] …" for a test notification). */
export const alertTitle = (m: AlertMessage): string => m.summary;

const withUnit = (v: number, m: AlertMessage): string => {
  const unit = METRIC_UNITS[m.metric];
  return unit ? `${v} ${unit}` : String(v);
};

/** How many servers a grouped message names one by one; the rest are counted. */
export const GROUP_LISTED = 50;

/** "chaos (firing, 12 %)" — one line per server of a group, the rest counted. */
export function groupLines(m: AlertMessage): string[] {
  const alerts = m.alerts ?? [];
  const lines = alerts
    .slice(0, GROUP_LISTED)
    .map((a) => `${a.server.name} (${a.state}${a.value === null ? '' : `, ${withUnit(a.value, m)}`})`);
  if (alerts.length > GROUP_LISTED) lines.push(`and ${alerts.length - GROUP_LISTED} more`);
  return lines;
}

/** The alert's details as label/value pairs, in the order people read them (a group: its servers). */
export function alertFacts(m: AlertMessage): Fact[] {
  if (m.alerts)
    return [
      { label: `Servers (${m.alerts.length})`, value: groupLines(m).join('\n') },
      { label: 'Rule', value: m.rule.name },
      { label: 'Severity', value: m.severity },
      {
        label: 'Condition',
        value: `${m.metric} ${CONDITION_SIGNS[m.condition]} ${withUnit(m.threshold, m)}`,
      },
    ];
  return [
    { label: 'Server', value: `${m.server.name} (${m.server.id})` },
    { label: 'Rule', value: m.rule.name },
    { label: 'Severity', value: m.severity },
    {
      label: 'Condition',
      value: `${m.metric} ${CONDITION_SIGNS[m.condition]} ${withUnit(m.threshold, m)}`,
    },
    { label: 'Value', value: m.value === null ? 'n/a' : withUnit(m.value, m) },
    { label: 'Triggered', value: m.triggered_at },
    ...(m.resolved_at ? [{ label: 'Resolved', value: m.resolved_at }] : []),
  ];
}

/** The facts as "Label: value" lines, for the channels that take plain text. */
export const factLines = (m: AlertMessage): string =>
  alertFacts(m)
    .map((f) => `${f.label}: ${f.value}`)
    .join('\n');

/** The dashboard links (at `public_url`): the alert's history entry when there is one, the server. */
export function alertLinks(m: AlertMessage): Link[] {
  return [
    ...(m.alert_url ? [{ label: 'Open alert', url: m.alert_url }] : []),
    { label: 'Open server', url: m.url },
  ];
}

/** The one link for channels that take one: the alert, else the server. */
export const mainLink = (m: AlertMessage): Link => alertLinks(m)[0] ?? { label: 'Open', url: m.url };

/**
 * `&`, `<` and `>` as entities: what Slack's mrkdwn, Telegram's HTML mode and Google Chat's
 * card text each need escaped in text that comes from users (rule and server names).
 */
export const escapeMarkup = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A provider's value for each severity, and for a resolve. */
export type BySeverity<T> = Record<Severity | 'resolved', T>;

export const bySeverity = <T>(m: AlertMessage, values: BySeverity<T>): T =>
  m.state === 'resolved' ? values.resolved : values[m.severity];

/** Red, orange, blue by severity; green once resolved. */
export const stateColor = (m: AlertMessage): number =>
  bySeverity(m, { critical: 0xd32f2f, warning: 0xf57c00, info: 0x1976d2, resolved: 0x2e7d32 });

export const hexColor = (rgb: number): string => `#${rgb.toString(16).padStart(6, '0')}`;

/** The most a deduplication key may be: PagerDuty's `dedup_key` is 255 characters. */
const KEY_CHARS = 255;

/**
 * The same for every notification of one alert instance (a rule on a server since it fired),
 * so a provider ties the resolve to the trigger: PagerDuty's `dedup_key`, Opsgenie's `alias`.
 */
export function alertKey(m: AlertMessage): string {
  const key = `mcp-health/${m.rule.id}/${m.server.id}/${m.triggered_at}`;
  if (key.length <= KEY_CHARS) return key;
  // A server id may be 255 characters: its hash keeps the key unique and within the limit.
  const hash = createHash('sha256').update(m.server.id).digest('hex').slice(0, 32);
  return `mcp-health/${m.rule.id}/${hash}/${m.triggered_at}`;
}

/**
 * `text` cut to at most `max` characters, "…" marking a cut. Counted in UTF-16 units, never fewer
 * than a provider counting code points sees; a cut never splits a surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** `text` cut to at most `max` UTF-8 bytes, for limits given in bytes. */
export function clipBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let bytes = Buffer.byteLength('…');
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > max) break;
    out += ch;
    bytes += size;
  }
  return `${out}…`;
}
