import type { AlertCondition, AlertMetric, AlertRule } from '../../types.js';

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
};

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
  const what =
    r.metric === 'status_offline'
      ? 'Server is Offline'
      : `${m.label} ${conditionText[r.condition]} ${r.metric === 'memory' ? r.threshold / MB : r.threshold}${m.unit ? ` ${m.unit}` : ''}`;
  const when = r.evaluation_period === 0 ? 'at once' : `for ${duration(r.evaluation_period)}`;
  const where =
    r.servers === null
      ? 'all servers'
      : r.servers.length === 1
        ? `server ${r.servers[0] ?? ''}`
        : `${r.servers.length} servers`;
  return `${what}, ${when}, on ${where}`;
}
