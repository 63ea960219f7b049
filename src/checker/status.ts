import { pausedUntil, type ServerRecord, type Status } from '../model/server.js';

/** Thresholds and counts that decide a status; per-server overrides already applied. */
export interface StatusSettings {
  health_check_interval: number;
  health_check_timeout: number;
  health_check_retries: number;
  response_time_warning_ms: number;
  response_time_critical_ms: number;
  error_rate_warning_percent: number;
  error_rate_critical_percent: number;
}

export function settingsFor(server: ServerRecord, defaults: StatusSettings): StatusSettings {
  // The SLO is kept with the overrides but is no status setting.
  const overrides: Partial<StatusSettings> & { slo?: unknown } = { ...server.overrides };
  delete overrides.slo;
  return { ...defaults, ...overrides };
}

export interface StatusInput {
  now: number;
  enabled: boolean;
  disabledUntil: number | null;
  checked: boolean;
  consecutiveFailures: number;
  lastError: string | null;
  /** 1-minute average response time, from traffic where there is some, else from probes. */
  responseTimeMs: number | null;
  /** 5-minute error rate of traffic, %; null without traffic. */
  errorRatePercent: number | null;
}

/** DESIGN §3: the status of a server, and why, in words. */
export function computeStatus(i: StatusInput, s: StatusSettings): { status: Status; reason: string } {
  if (!i.enabled) return { status: 'disabled', reason: 'disabled in the configuration' };
  const until = pausedUntil(i, i.now);
  if (until !== null)
    return { status: 'disabled', reason: `disabled until ${new Date(until).toISOString()}` };
  if (!i.checked) return { status: 'unknown', reason: 'not checked yet' };
  const failures = i.consecutiveFailures;
  const plural = failures === 1 ? 'check' : 'checks';
  if (failures >= s.health_check_retries)
    return {
      status: 'offline',
      reason: `${failures} consecutive failed ${plural}: ${i.lastError ?? 'unknown error'}`,
    };
  if (failures > 0)
    return {
      status: 'critical',
      reason: `${failures} failed ${plural} in a row: ${i.lastError ?? 'unknown error'}`,
    };
  const rt = i.responseTimeMs;
  const er = i.errorRatePercent;
  if (rt !== null && rt >= s.response_time_critical_ms)
    return {
      status: 'critical',
      reason: `response time ${Math.round(rt)} ms ≥ ${s.response_time_critical_ms} ms`,
    };
  if (er !== null && er >= s.error_rate_critical_percent)
    return { status: 'critical', reason: `error rate ${er.toFixed(1)}% ≥ ${s.error_rate_critical_percent}%` };
  if (rt !== null && rt >= s.response_time_warning_ms)
    return {
      status: 'warning',
      reason: `response time ${Math.round(rt)} ms ≥ ${s.response_time_warning_ms} ms`,
    };
  if (er !== null && er >= s.error_rate_warning_percent)
    return { status: 'warning', reason: `error rate ${er.toFixed(1)}% ≥ ${s.error_rate_warning_percent}%` };
  return { status: 'healthy', reason: 'answering within thresholds' };
}
