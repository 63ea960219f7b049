import type { AlertMessage, GroupedAlert } from '../model/notification.js';

/**
 * One message for several alerts of one rule (grouping, issue 17). The top-level fields are the
 * first alert's (a receiver reading only them still gets a true alert), `alerts` lists them all,
 * firing ones first, and the summary names the group: "[FIRING] Server offline on 3 servers".
 * A single alert is its own message, as without grouping.
 */
export function groupMessage(messages: readonly AlertMessage[]): AlertMessage {
  const ordered = [...messages].sort((a, b) => stateRank(a) - stateRank(b));
  const [first] = ordered;
  if (!first) throw new Error('a group message needs at least one alert');
  if (ordered.length === 1) return first;
  const alerts: GroupedAlert[] = ordered.map((m) => ({
    server: m.server,
    state: m.state,
    notification: m.notification,
    value: m.value,
    triggered_at: m.triggered_at,
    resolved_at: m.resolved_at,
    url: m.url,
    alert_url: m.alert_url,
  }));
  const firing = alerts.filter((a) => a.state === 'firing').length;
  const resolved = alerts.length - firing;
  const tag = firing === 0 ? 'RESOLVED' : 'FIRING';
  const counts =
    firing > 0 && resolved > 0 ? `${servers(firing)} firing, ${resolved} resolved` : servers(alerts.length);
  return { ...first, alerts, summary: `[${tag}] ${first.rule.name} on ${counts}` };
}

const servers = (n: number): string => `${n} server${n === 1 ? '' : 's'}`;

const stateRank = (m: AlertMessage): number => (m.state === 'firing' ? 0 : 1);
