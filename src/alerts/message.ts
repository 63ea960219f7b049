import type { AlertMessage } from '../model/notification.js';
import type { AlertRule } from '../model/alert-rule.js';
import type { PendingNotification } from './state-machine.js';
import { iso } from '../shared/iso-time.js';

const trimmed = (baseUrl: string): string => baseUrl.replace(/\/+$/, '');

/** The dashboard page of a server. */
export const serverUrl = (baseUrl: string, serverId: string): string =>
  `${trimmed(baseUrl)}/servers/${encodeURIComponent(serverId)}`;

/** The dashboard's alert history, opened at one entry. */
export const alertUrl = (baseUrl: string, historyId: number): string =>
  `${trimmed(baseUrl)}/alerts?id=${historyId}`;

/** Turns a state-machine notification into the message every channel sends. */
export function buildAlertMessage(
  rule: Pick<AlertRule, 'id' | 'name' | 'metric' | 'condition' | 'threshold' | 'severity'>,
  server: { id: string; name: string },
  n: PendingNotification,
  baseUrl: string,
  historyId: number | null = null,
): AlertMessage {
  const state = n.kind === 'resolved' ? 'resolved' : 'firing';
  const tag = n.kind === 'resolved' ? 'RESOLVED' : n.kind === 'repeat' ? 'STILL FIRING' : 'FIRING';
  return {
    rule: { id: rule.id, name: rule.name },
    server: { id: server.id, name: server.name },
    state,
    notification: n.kind,
    metric: rule.metric,
    condition: rule.condition,
    value: n.value,
    threshold: rule.threshold,
    severity: rule.severity,
    triggered_at: iso(n.triggeredAt),
    resolved_at: n.kind === 'resolved' ? iso(n.at) : null,
    sent_at: iso(n.at),
    url: serverUrl(baseUrl, server.id),
    alert_url: historyId === null ? null : alertUrl(baseUrl, historyId),
    summary: `[${tag}] ${rule.name} on ${server.name}`,
  };
}

/** Plain-text details, shared by email and logs. */
export function messageText(m: AlertMessage): string {
  if (m.alerts)
    return [
      m.summary,
      '',
      `Rule:      ${m.rule.name} (#${m.rule.id})`,
      `Severity:  ${m.severity}`,
      `Metric:    ${m.metric} ${m.condition} ${m.threshold}`,
      '',
      ...m.alerts.map(
        (a) =>
          `${a.state === 'resolved' ? 'RESOLVED' : 'FIRING  '}  ${a.server.name} (${a.server.id})  value ${a.value ?? 'n/a'}  since ${a.triggered_at}  ${a.alert_url ?? a.url}`,
      ),
    ].join('\n');
  return [
    m.summary,
    '',
    `Rule:      ${m.rule.name} (#${m.rule.id})`,
    `Server:    ${m.server.name} (${m.server.id})`,
    `State:     ${m.state}${m.notification === 'repeat' ? ' (reminder)' : ''}`,
    `Severity:  ${m.severity}`,
    `Metric:    ${m.metric} ${m.condition} ${m.threshold}`,
    `Value:     ${m.value ?? 'n/a'}`,
    `Triggered: ${m.triggered_at}`,
    ...(m.resolved_at ? [`Resolved:  ${m.resolved_at}`] : []),
    '',
    `Server:    ${m.url}`,
    ...(m.alert_url ? [`Alert:     ${m.alert_url}`] : []),
  ].join('\n');
}
