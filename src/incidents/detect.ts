/**
 * Incidents open and close by themselves (DESIGN §10). Each evaluation compares, per server, the
 * last five complete minutes with the hour before: an incident opens when the error rate is at
 * least twice its baseline plus 5 points (and 5 errors), when an error group has at least three
 * times its usual count plus 5, or when an alert on the server fires. Closing has hysteresis: it
 * stays open while the rate is over its baseline plus 2.5 points, a group it involves still has 5
 * errors in the five minutes, or its alert still fires — and closes after two calm evaluations in a
 * row. While open it gathers its fingerprints, affected servers, endpoints and clients and its
 * error-rate shape.
 */
import type { GroupView, TrendPoint } from '../errors/index.js';
import type { AlertFiring, IncidentsDeps } from './deps.js';
import { incidentsRepo, type IncidentRow } from './repo.js';

const MIN = 60_000;
const RECENT_MS = 5 * MIN;
const BASELINE_MS = 60 * MIN;
/** Errors in the five minutes before anything counts as a spike. */
const MIN_ERRORS = 5;
/** The shape starts this long before the incident opened. */
const SHAPE_BEFORE_MS = 10 * MIN;
const CALM_TO_CLOSE = 2;
/** At most this many of each set are kept. */
const SET_LIMIT = 200;
/** Alerts still firing that fired at most this long ago open an incident. */
const ALERT_LOOKBACK_MS = 24 * 3_600_000;

export interface Evaluation {
  opened: number[];
  updated: number[];
  closed: number[];
}

interface Figures {
  errors: number;
  requests: number;
  rate: number | null;
}

function figures(points: TrendPoint[]): Figures {
  const errors = points.reduce((s, p) => s + p.errors, 0);
  const requests = points.reduce((s, p) => s + p.requests, 0);
  return { errors, requests, rate: requests > 0 ? (errors / requests) * 100 : null };
}

const union = <T>(a: T[], b: T[]): T[] => [...new Set([...a, ...b])].slice(0, SET_LIMIT);
const parsed = <T>(json: string): T[] => {
  const v = JSON.parse(json) as unknown;
  // safe because only this file writes the sets, as arrays of T
  return Array.isArray(v) ? (v as T[]) : [];
};
const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);

/** One evaluation at `now` (complete minutes only). */
export async function evaluateIncidents(deps: IncidentsDeps, now: number): Promise<Evaluation> {
  const db = deps.store.db;
  const to = Math.floor(now / MIN) * MIN;
  const recent = { from: to - RECENT_MS, to };
  const baseline = { from: recent.from - BASELINE_MS, to: recent.from };
  const groups = await deps.errors.list(recent, {}, 500);
  const usual = await deps.errors.counts(
    groups.map((g) => g.id),
    baseline,
  );
  const open = await incidentsRepo.open(db);
  const firing = (await deps.alertFirings({ from: to - ALERT_LOOKBACK_MS, to: now + 1, limit: 200 })).filter(
    (a) => a.resolved_at === null && a.server_id !== null,
  );
  const servers = new Set([
    ...groups.flatMap((g) => g.servers),
    ...open.map((i) => i.server_id),
    ...firing.flatMap((a) => (a.server_id === null ? [] : [a.server_id])),
  ]);
  const out: Evaluation = { opened: [], updated: [], closed: [] };
  for (const server of servers) {
    const mine = groups.filter((g) => g.servers.includes(server));
    const alert = firing.find((a) => a.server_id === server);
    const incident = open.find((i) => i.server_id === server);
    const trend = await deps.errors.trend({ from: baseline.from, to }, server);
    const now5 = figures(trend.points.filter((p) => p.t >= recent.from));
    const before = figures(trend.points.filter((p) => p.t < recent.from));
    // a group's usual count over five minutes: its hour's count / 12
    const spiking = mine.filter(
      (g) => g.count >= MIN_ERRORS && g.count >= (3 * (usual.get(g.id) ?? 0)) / 12 + MIN_ERRORS,
    );
    const rateSpike =
      now5.errors >= MIN_ERRORS && now5.rate !== null && now5.rate >= 2 * (before.rate ?? 0) + 5;
    if (!incident) {
      if (!rateSpike && spiking.length === 0 && !alert) continue;
      const row = await openIncident(deps, server, { rateSpike, spiking, alert, now5, before, to });
      out.opened.push(row.id);
      await gather(deps, row, mine, alert, to, now5);
      continue;
    }
    const stillBad =
      rateSpike ||
      spiking.length > 0 ||
      (alert !== undefined && alert.history_id === incident.alert_history_id) ||
      (now5.errors >= MIN_ERRORS && now5.rate !== null && now5.rate >= (incident.baseline_rate ?? 0) + 2.5) ||
      mine.some((g) => g.count >= MIN_ERRORS && parsed<number>(incident.group_ids).includes(g.id));
    const row = await gather(deps, incident, mine, alert, to, now5);
    const calm = stillBad ? 0 : row.calm_evaluations + 1;
    if (calm >= CALM_TO_CLOSE) {
      await incidentsRepo.update(db, row.id, {
        status: 'resolved',
        closed_at: to,
        calm_evaluations: calm,
        resolved_by: 'auto',
        updated_at: now,
      });
      out.closed.push(row.id);
    } else {
      await incidentsRepo.update(db, row.id, { calm_evaluations: calm });
      out.updated.push(row.id);
    }
  }
  return out;
}

async function openIncident(
  deps: IncidentsDeps,
  server: string,
  why: {
    rateSpike: boolean;
    spiking: GroupView[];
    alert: AlertFiring | undefined;
    now5: Figures;
    before: Figures;
    to: number;
  },
): Promise<IncidentRow> {
  const top = why.spiking[0];
  const cause = why.rateSpike ? 'error_rate' : top ? 'group' : 'alert';
  const title =
    cause === 'alert'
      ? `${why.alert?.rule_name ?? 'An alert'} fired on ${server}`
      : cause === 'error_rate'
        ? `Error rate ${(why.now5.rate ?? 0).toFixed(1)} % on ${server}${top ? `: ${top.title}` : ''}`
        : `${top?.title ?? 'Errors'} on ${server}`;
  const openedAt = cause === 'alert' && why.alert ? Date.parse(why.alert.triggered_at) : why.to - RECENT_MS;
  return incidentsRepo.insert(deps.store.db, {
    server_id: server,
    status: 'open',
    cause,
    title: title.slice(0, 500),
    opened_at: openedAt,
    updated_at: why.to,
    baseline_rate: round(why.before.rate ?? 0),
    peak_rate: round(why.now5.rate),
    shape_from: openedAt - SHAPE_BEFORE_MS,
    shape_step_ms: MIN,
    alert_history_id: why.alert?.history_id ?? null,
    closed_at: null,
    errors: 0,
    ...{ fingerprints: '[]', group_ids: '[]', servers: '[]', endpoints: '[]', clients: '[]', shape: '[]' },
    calm_evaluations: 0,
    resolution_note: null,
    resolved_by: null,
  });
}

/** Adds what is erroring now to the incident's sets, and redraws its shape up to `to`. */
async function gather(
  deps: IncidentsDeps,
  incident: IncidentRow,
  mine: GroupView[],
  alert: AlertFiring | undefined,
  to: number,
  now5: Figures,
): Promise<IncidentRow> {
  const shape = await deps.errors.trend({ from: incident.shape_from, to }, incident.server_id);
  const errors = shape.points.reduce((s, p) => s + p.errors + p.by_kind.probe.count, 0);
  const peaks = [incident.peak_rate, now5.rate].filter((v): v is number => v !== null);
  const row = await incidentsRepo.update(deps.store.db, incident.id, {
    fingerprints: JSON.stringify(
      union(
        parsed<string>(incident.fingerprints),
        mine.map((g) => g.fingerprint),
      ),
    ),
    group_ids: JSON.stringify(
      union(
        parsed<number>(incident.group_ids),
        mine.map((g) => g.id),
      ),
    ),
    servers: JSON.stringify(union(parsed<string>(incident.servers), [incident.server_id])),
    endpoints: JSON.stringify(
      union(
        parsed<string>(incident.endpoints),
        mine.flatMap((g) => g.endpoints),
      ),
    ),
    clients: JSON.stringify(
      union(
        parsed<string>(incident.clients),
        mine.flatMap((g) => g.clients),
      ),
    ),
    shape: JSON.stringify(shape.points.map((p) => round(p.rate))),
    shape_from: shape.from,
    shape_step_ms: shape.step_ms,
    peak_rate: peaks.length > 0 ? round(Math.max(...peaks)) : null,
    errors,
    alert_history_id: incident.alert_history_id ?? alert?.history_id ?? null,
    updated_at: to,
  });
  // safe because the row was just read and is only deleted by retention, 400 days after it closed
  return row as IncidentRow;
}
