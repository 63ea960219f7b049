import { ms, percent, rate } from '../../lib/format.js';
import type { AlertCondition, AlertMetric, AlertRule } from '../../lib/api.js';

/** Metric names in plain words, with the unit a threshold is given in. */
export const metricInfo: Record<AlertMetric, { label: string; unit: string }> = {
  response_time_avg: { label: 'Response time (average)', unit: 'ms' },
  response_time_p95: { label: 'Response time (p95)', unit: 'ms' },
  response_time_p99: { label: 'Response time (p99)', unit: 'ms' },
  error_rate: { label: 'Error rate', unit: '%' },
  rps: { label: 'Requests per second', unit: 'req/s' },
  active_connections: { label: 'Active connections', unit: '' },
  cpu: { label: 'CPU', unit: '% of a core' },
  memory: { label: 'Memory', unit: 'MB' },
  status_offline: { label: 'Server is Offline', unit: '' },
  anomaly_score: { label: 'Anomaly score', unit: 'band widths' },
  peer_unreachable: { label: 'Federation peer is unreachable', unit: '' },
  slo_burn_rate: { label: 'SLO burn rate', unit: '×' },
};

/** Metrics that are a state (1 or 0): no condition or threshold to give. */
export const isStateMetric = (m: AlertMetric): boolean => m === 'status_offline' || m === 'peer_unreachable';

export const conditionText: Record<AlertCondition, string> = {
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  eq: '=',
};

/** Memory thresholds are bytes in the API and MB in the form. */
export const MB = 1024 * 1024;

export function duration(seconds: number): string {
  if (seconds === 0) return 'at once';
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}

/** "Response time (average) > 500 ms for 5 minutes, on all servers". */
export function ruleSentence(r: AlertRule): string {
  const m = metricInfo[r.metric];
  const what = isStateMetric(r.metric)
    ? m.label
    : `${m.label}${r.metric === 'anomaly_score' ? ` of ${r.series ?? 'requests'}` : ''} ${conditionText[r.condition]} ${r.metric === 'memory' ? r.threshold / MB : r.threshold}${m.unit ? ` ${m.unit}` : ''}`;
  const when = r.evaluation_period === 0 ? 'at once' : `for ${duration(r.evaluation_period)}`;
  const where =
    r.metric === 'peer_unreachable'
      ? 'all peers'
      : r.servers === null
        ? 'all servers'
        : r.servers.length === 1
          ? `server ${r.servers[0] ?? ''}`
          : `${r.servers.length} servers`;
  return `${what}, ${when}, on ${where}`;
}

/** An alert's value as a person reads it: "812 ms", "50.5%", "3.2 req/s", "offline". */
export function alertValue(metric: AlertMetric | null | undefined, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (metric) {
    case 'response_time_avg':
    case 'response_time_p95':
    case 'response_time_p99':
      return ms(v);
    case 'error_rate':
      return percent(v);
    case 'cpu':
      return `${percent(v)} of a core`;
    case 'rps':
      return rate(v).replace('/s', ' req/s');
    case 'active_connections':
      return `${Math.round(v)} connection${Math.round(v) === 1 ? '' : 's'}`;
    case 'memory':
      return `${(v / MB).toFixed(v >= 100 * MB ? 0 : 1)} MB`;
    case 'status_offline':
      return v >= 1 ? 'offline' : 'online';
    case 'peer_unreachable':
      return v >= 1 ? 'unreachable' : 'reachable';
    case 'slo_burn_rate':
      return `${Math.round(v * 10) / 10}×`;
    default:
      // A rule deleted since: its unit is unknown, the value is at least rounded.
      return String(Math.round(v * 100) / 100);
  }
}
