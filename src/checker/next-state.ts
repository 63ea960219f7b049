import type { ServerRecord, ServerState } from '../model/server.js';
import type { ProbeResult } from '../model/probe.js';
import { computeStatus, type StatusSettings } from './status.js';

/** Probe latencies of the last minute, for the 1-minute average response time. */
export class LatencyWindow {
  // Two number arrays rather than an object per sample: nothing per check outlives the window.
  private readonly at: number[] = [];
  private readonly ms: number[] = [];

  add(at: number, ms: number): void {
    this.at.push(at);
    this.ms.push(ms);
  }

  average(now: number, spanMs = 60_000): number | null {
    while ((this.at[0] ?? Infinity) <= now - spanMs) {
      this.at.shift();
      this.ms.shift();
    }
    if (this.ms.length === 0) return null;
    let sum = 0;
    for (const ms of this.ms) sum += ms;
    return sum / this.ms.length;
  }
}

/** What traffic through the gateway says about a server, when there is some. */
export interface TrafficStats {
  responseTimeMs: number | null;
  /** Over the last 5 minutes. */
  errorRatePercent: number | null;
  /** Requests, and failed ones, over the last check interval. */
  recentRequests: number;
  recentFailures: number;
}

/**
 * The error rate a status is judged on: the last 5 minutes' (DESIGN §3), unless the traffic of the
 * last check interval was clean (requests, none failed) — then the server has recovered, and the
 * errors of an outage that is over do not keep it Critical for five more minutes.
 */
export function statusErrorRate(traffic: TrafficStats | undefined): number | null {
  if (traffic === undefined) return null;
  if (traffic.recentRequests > 0 && traffic.recentFailures === 0) return 0;
  return traffic.errorRatePercent;
}

/** The server's state after one probe. */
export function stateAfterProbe(
  server: ServerRecord,
  result: ProbeResult,
  now: number,
  window: LatencyWindow,
  settings: StatusSettings,
  traffic?: TrafficStats,
): ServerState {
  const prev = server.state;
  const next: ServerState = { ...prev, lastCheck: now };
  if (result.ok) {
    window.add(now, result.latencyMs);
    next.consecutiveFailures = 0;
    next.lastError = null;
    next.era = result.era;
    next.protocolVersion = result.protocolVersion ?? next.protocolVersion;
    next.serverInfo = result.serverInfo ?? next.serverInfo;
    next.capabilities = result.capabilities ?? next.capabilities;
    next.toolCount = result.toolCount ?? next.toolCount;
  } else {
    next.consecutiveFailures = prev.consecutiveFailures + 1;
    next.lastError = result.reason;
  }
  const fromTraffic = traffic?.responseTimeMs ?? null;
  next.responseTimeMs = fromTraffic ?? window.average(now);
  next.responseTimeSource = fromTraffic === null ? 'probe' : 'traffic';
  const { status, reason } = computeStatus(
    {
      now,
      enabled: server.enabled,
      disabledUntil: server.disabledUntil,
      checked: true,
      consecutiveFailures: next.consecutiveFailures,
      lastError: next.lastError,
      responseTimeMs: next.responseTimeMs,
      errorRatePercent: statusErrorRate(traffic),
    },
    settings,
  );
  next.status = status;
  next.statusReason = reason;
  return next;
}
