/**
 * The events around a window of errors (DESIGN §10, "click a spike"): deployments (a server's
 * reported version changed), config changes and status changes from the store's events, alert
 * firings, traffic surges and CPU/memory jumps from the metrics, level shifts from the forecasts
 * part when it is wired — each scored by how near the window it is and how strong.
 */
import type { CorrelatedKind } from '../model/incident.js';
import { eventsRepo } from '../store/events-repo.js';
import type { IncidentsDeps } from './deps.js';

export interface CorrelatedEvent {
  kind: CorrelatedKind;
  time: string;
  server: string | null;
  detail: string;
  /** 0…1: nearness × strength. */
  score: number;
}

const MIN = 60_000;
const HOUR = 3_600_000;
/** Servers whose metrics are read for surges and jumps (the most affected first). */
const METRIC_SERVERS = 5;
const SHOWN = 30;

interface Found {
  kind: CorrelatedKind;
  at: number;
  server: string | null;
  detail: string;
  strength: number;
}

/** How far before the window events are looked for: twice its length, at least half an hour. */
export const lookbackMs = (w: { from: number; to: number }): number =>
  Math.max(2 * (w.to - w.from), 30 * MIN);

/** 1 inside the window, falling off with the distance (a window's length, at least 15 minutes, per e). */
function nearness(at: number, w: { from: number; to: number }): number {
  const d = at < w.from ? w.from - at : at > w.to ? at - w.to : 0;
  return Math.exp(-d / Math.max(w.to - w.from, 15 * MIN));
}

const STATUS_STRENGTH: Record<string, number> = { down: 0.7, degraded: 0.5, up: 0.3 };

async function storedEvents(deps: IncidentsDeps, span: Span, serverId: string | undefined): Promise<Found[]> {
  const rows = await eventsRepo.between(deps.store.db, {
    ...span,
    serverId,
    kinds: ['deployment', 'config_change', 'status_change'],
    limit: 200,
  });
  return rows.map((r) => {
    // safe because the query asked for these three kinds only
    const kind = r.kind as 'deployment' | 'config_change' | 'status_change';
    const to = typeof r.data.to === 'string' ? r.data.to : '';
    const strength =
      kind === 'deployment' ? 1 : kind === 'config_change' ? 0.8 : (STATUS_STRENGTH[to] ?? 0.4);
    return { kind, at: Date.parse(r.at), server: r.server_id, detail: r.message, strength };
  });
}

async function alertEvents(deps: IncidentsDeps, span: Span, serverId: string | undefined): Promise<Found[]> {
  const firings = await deps.alertFirings({ ...span, serverId, limit: 100 });
  return firings.map((a) => ({
    kind: 'alert' as const,
    at: Date.parse(a.triggered_at),
    server: a.server_id,
    detail: `${a.rule_name ?? 'alert'} fired${a.severity ? ` (${a.severity})` : ''}`,
    strength: a.severity === 'critical' ? 0.75 : 0.6,
  }));
}

interface Span {
  from: number;
  to: number;
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);

/** Requests per step in the window against the steps before it: a surge when at least 1.5 times. */
async function trafficSurge(deps: IncidentsDeps, w: Span, span: Span, serverId: string): Promise<Found[]> {
  const stepMs = w.to - w.from <= 6 * HOUR ? MIN : HOUR;
  const from = Math.floor(span.from / stepMs) * stepMs;
  const per = await deps.requests({ from, to: w.to, stepMs, serverId });
  const inside: [number, number][] = [];
  const before: number[] = [];
  for (let t = from; t < w.to; t += stepMs) {
    const n = per.get(t) ?? 0;
    if (t + stepMs <= w.from) before.push(n);
    else inside.push([t, n]);
  }
  const base = mean(before);
  const now = mean(inside.map(([, n]) => n));
  if (now < 10 || now < 1.5 * Math.max(base, 1)) return [];
  const [peakAt] = inside.reduce((a, b) => (b[1] > a[1] ? b : a));
  const ratio = now / Math.max(base, 1);
  return [
    {
      kind: 'traffic_surge',
      at: peakAt,
      server: serverId,
      detail: `${Math.round(now)} requests per ${stepMs === MIN ? 'minute' : 'hour'}, ${ratio.toFixed(1)}× the ${Math.round(base)} before`,
      strength: Math.min(1, (ratio - 1) / 3),
    },
  ];
}

/** CPU or memory in the window against before: a jump when its peak is at least 1.3 times the average before. */
async function gaugeJump(
  deps: IncidentsDeps,
  w: Span,
  span: Span,
  serverId: string,
  metric: 'cpu' | 'memory',
): Promise<Found[]> {
  const rows = await deps.gauges({ serverId, metric, from: span.from, to: w.to });
  const before = rows.filter((r) => r.t < w.from).map((r) => r.avg);
  const inside = rows.filter((r) => r.t >= w.from);
  if (before.length === 0 || inside.length === 0) return [];
  const base = mean(before);
  const peak = inside.reduce((a, b) => (b.max > a.max ? b : a));
  if (base <= 0 || peak.max < 1.3 * base) return [];
  const ratio = peak.max / base;
  const shown = (v: number) => (metric === 'cpu' ? `${v.toFixed(0)} %` : `${(v / 1048576).toFixed(0)} MB`);
  return [
    {
      kind: metric === 'cpu' ? 'cpu_jump' : 'memory_jump',
      at: peak.t,
      server: serverId,
      detail: `${metric === 'cpu' ? 'CPU' : 'memory'} up to ${shown(peak.max)} from ${shown(base)}`,
      strength: Math.min(0.9, (ratio - 1) / 2),
    },
  ];
}

async function levelShifts(deps: IncidentsDeps, span: Span, serverId: string | undefined): Promise<Found[]> {
  if (!deps.levelShifts) return [];
  return (await deps.levelShifts({ ...span, serverId })).map((s) => ({
    kind: 'level_shift' as const,
    at: s.at,
    server: s.serverId,
    detail: `${s.metric} moved from ${s.from} to ${s.to}`,
    strength: s.strength,
  }));
}

/**
 * The events of [from − lookback, to) for a server (or the fleet; surges and jumps then for the
 * `servers` given, most affected first), best first.
 */
export async function correlatedEvents(
  deps: IncidentsDeps,
  w: Span,
  serverId: string | undefined,
  servers: string[],
): Promise<CorrelatedEvent[]> {
  const span = { from: w.from - lookbackMs(w), to: w.to };
  const metricServers = serverId !== undefined ? [serverId] : servers.slice(0, METRIC_SERVERS);
  const found = (
    await Promise.all([
      storedEvents(deps, span, serverId),
      alertEvents(deps, span, serverId),
      levelShifts(deps, span, serverId),
      ...metricServers.flatMap((id) => [
        trafficSurge(deps, w, span, id),
        gaugeJump(deps, w, span, id, 'cpu'),
        gaugeJump(deps, w, span, id, 'memory'),
      ]),
    ])
  ).flat();
  return found
    .map((f) => ({
      kind: f.kind,
      time: new Date(f.at).toISOString(),
      server: f.server,
      detail: f.detail,
      score: Math.round(nearness(f.at, w) * f.strength * 1000) / 1000,
    }))
    .sort((a, b) => b.score - a.score || b.time.localeCompare(a.time))
    .slice(0, SHOWN);
}
