import { notFound } from '../shared/errors.js';
import { eventsRepo } from '../store/events-repo.js';
import { inBatches } from '../store/in-batches.js';
import { periodic } from '../shared/periodic.js';
import type { GroupView } from '../errors/index.js';
import type { AlertFiring, IncidentsDeps } from './deps.js';
import { evaluateIncidents, type Evaluation } from './detect.js';
import { correlatedEvents, type CorrelatedEvent } from './events.js';
import { incidentsRepo } from './repo.js';
import { MIN_SIMILARITY, similarity, type Signature } from './similar.js';
import { incidentView, signatureOf, type IncidentView, type SimilarIncident } from './views.js';
import { analyzeWindow, type WindowAnalysis } from './window.js';

const DAY_MS = 86_400_000;

/** A deployment or config change, as a chart marks it. */
export interface Change {
  kind: 'deployment' | 'config_change';
  time: string;
  server: string | null;
  detail: string;
}
/** Incidents are kept this long after they close (issue 12). */
export const INCIDENT_RETENTION_DAYS = 400;
/** Past incidents compared in a similar search: the latest closed ones. */
const COMPARED = 500;
const SIMILAR_SHOWN = 5;

export interface IncidentFilter {
  from: number;
  to: number;
  serverId?: string | undefined;
  status?: 'open' | 'resolved' | undefined;
  limit: number;
}

/** An incident with its groups, the events around it, its alerts (with their comments) and its look-alikes. */
export interface IncidentDetail extends IncidentView {
  groups: GroupView[];
  events: CorrelatedEvent[];
  alerts: AlertFiring[];
  similar: SimilarIncident[];
}

/**
 * Incidents (DESIGN §10): evaluated on a timer (detect.ts), listed, opened with their similar past
 * incidents, annotated with how they were fixed; and the window analysis behind "click a spike".
 */
export class IncidentsService {
  private readonly now: () => number;
  private stopTimer: (() => void) | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private lastPrune = 0;

  constructor(private readonly deps: IncidentsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Evaluates every `intervalMs` (first after a minute), prunes hourly; failures are logged and retried. */
  start(intervalMs: number, onError: (err: unknown) => void): void {
    this.stopTimer = periodic(
      () => {
        this.running = this.running
          .then(async () => {
            await this.evaluate();
            if (this.now() - this.lastPrune >= 3_600_000) {
              this.lastPrune = this.now();
              await this.prune();
            }
          })
          .catch(onError);
      },
      intervalMs,
      Math.min(intervalMs, 60_000),
    );
  }

  async stop(): Promise<void> {
    this.stopTimer?.();
    await this.running;
  }

  /** One evaluation: opens, updates and closes incidents as of `now` (tests walk time with it). */
  evaluate(now = this.now()): Promise<Evaluation> {
    return evaluateIncidents(this.deps, now);
  }

  async list(f: IncidentFilter): Promise<IncidentView[]> {
    return (await incidentsRepo.list(this.deps.store.db, f)).map(incidentView);
  }

  async detail(id: number): Promise<IncidentDetail> {
    const row = await incidentsRepo.get(this.deps.store.db, id);
    if (!row) throw notFound('incident', String(id));
    const view = incidentView(row);
    const w = { from: row.opened_at, to: row.closed_at ?? Math.max(this.now(), row.updated_at) };
    const [groups, events, alerts, similar] = await Promise.all([
      this.deps.errors.groups(view.group_ids.slice(0, 50)),
      correlatedEvents(this.deps, w, row.server_id, [row.server_id]),
      this.deps.alertFirings({ from: w.from - 3_600_000, to: w.to + 1, serverId: row.server_id, limit: 20 }),
      this.similarTo(signatureOf(view), id),
    ]);
    const related = alerts.filter(
      (a) =>
        a.history_id === row.alert_history_id ||
        a.resolved_at === null ||
        Date.parse(a.resolved_at) >= w.from,
    );
    return { ...view, groups, events, alerts: related, similar };
  }

  /** Sets the resolution note and/or resolves by hand. Throws not_found. */
  async update(
    id: number,
    change: { resolution_note?: string | null; status?: 'resolved' },
  ): Promise<IncidentView> {
    const db = this.deps.store.db;
    const row = await incidentsRepo.get(db, id);
    if (!row) throw notFound('incident', String(id));
    const now = this.now();
    const updated = await incidentsRepo.update(db, id, {
      ...(change.resolution_note !== undefined ? { resolution_note: change.resolution_note } : {}),
      ...(change.status === 'resolved' && row.status === 'open'
        ? { status: 'resolved', closed_at: now, resolved_by: 'hand', updated_at: now }
        : {}),
    });
    if (!updated) throw notFound('incident', String(id));
    return incidentView(updated);
  }

  async window(w: { from: number; to: number }, serverId: string | undefined): Promise<WindowAnalysis> {
    return { ...w, ...(await analyzeWindow(this.deps, w, serverId, (s) => this.similarTo(s, undefined))) };
  }

  /** Deployments and config changes in [from, to) (a server's, or every server's), oldest first: the charts' markers. */
  async changes(w: { from: number; to: number }, serverId: string | undefined): Promise<Change[]> {
    const rows = await eventsRepo.between(this.deps.store.db, {
      ...w,
      serverId,
      kinds: ['deployment', 'config_change'],
      limit: 500,
    });
    return rows.reverse().map((r) => ({
      // safe because the query asked for these two kinds only
      kind: r.kind as Change['kind'],
      time: r.at,
      server: r.server_id,
      detail: r.message,
    }));
  }

  /** The closed incidents most like `s`, best first. */
  private async similarTo(s: Signature, exceptId: number | undefined): Promise<SimilarIncident[]> {
    const past = (await incidentsRepo.closed(this.deps.store.db, exceptId, COMPARED)).map(incidentView);
    return past
      .map((incident) => ({ incident, score: similarity(s, signatureOf(incident)) }))
      .filter((x) => x.score >= MIN_SIMILARITY)
      .sort((a, b) => b.score - a.score || b.incident.id - a.incident.id)
      .slice(0, SIMILAR_SHOWN)
      .map((x) => ({ ...x, resolution_note: x.incident.resolution_note }));
  }

  /** Deletes, in batches, incidents closed more than 400 days ago. */
  prune(now = this.now()): Promise<number> {
    const before = now - INCIDENT_RETENTION_DAYS * DAY_MS;
    return inBatches((n) => incidentsRepo.closedBefore(this.deps.store.db, before, n));
  }
}
