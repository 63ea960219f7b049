import { notFound } from '../shared/errors.js';
import type { Db } from '../store/tables.js';
import { groupDetail, type GroupDetail } from './read/detail.js';
import { listGroups } from './read/list.js';
import { errorTrend, type RequestCounts, type Trend } from './read/trend.js';
import { groupView, type GroupStatus, type GroupView } from './read/views.js';
import { planTrend, rangeFor } from './read/window.js';
import { errorsReadRepo as repo, type GroupFilter } from './store/read-repo.js';

export interface ErrorsServiceOptions {
  /** Read at each call, so that a store reopened after a failure is picked up. */
  store: { readonly db: Db };
  errorRetentionDays: number;
  /** `max_timeline_points`: no trend has more. */
  maxPoints: number;
  /** Requests per step, for the error rate (the metrics part's figures). */
  requests?: RequestCounts;
  now?: () => number;
}

export interface Window {
  from: number;
  to: number;
}

/**
 * What people do with errors (DESIGN §10): list the groups of a window by count, follow the
 * trend by kind, open a group (samples, breakdowns), and set its status and note. The API's
 * routes are thin adapters over this.
 */
export class ErrorsService {
  private readonly now: () => number;

  constructor(private readonly options: ErrorsServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  private get db(): Db {
    return this.options.store.db;
  }

  list(w: Window, filter: GroupFilter, limit: number): Promise<GroupView[]> {
    return listGroups(
      this.db,
      rangeFor(w.from, w.to, this.now(), this.options.errorRetentionDays),
      filter,
      limit,
    );
  }

  trend(w: Window, serverId: string | undefined): Promise<Trend> {
    const plan = planTrend(w.from, w.to, this.now(), this.options.errorRetentionDays, this.options.maxPoints);
    return errorTrend(this.db, plan, serverId, this.options.requests);
  }

  /** Errors of these groups in the window, by group id (groups without any are left out). */
  async counts(ids: number[], w: Window): Promise<Map<number, number>> {
    const range = rangeFor(w.from, w.to, this.now(), this.options.errorRetentionDays);
    const out = new Map<number, number>();
    for (const r of await repo.breakdown(this.db, ids, range, 'server_id'))
      out.set(r.groupId, (out.get(r.groupId) ?? 0) + r.count);
    return out;
  }

  /** These groups as they stand (count: since first seen), in the order given; pruned ones left out. */
  async groups(ids: number[]): Promise<GroupView[]> {
    const rows = new Map((await repo.groups(this.db, ids)).map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = rows.get(id);
      return row ? [groupView(row, row.count, [])] : [];
    });
  }

  /** A group; without a window, its whole life (first seen to last seen). Throws not_found. */
  async detail(id: number, w: Partial<Window>, samples: number): Promise<GroupDetail> {
    let window: Window;
    if (w.from === undefined && w.to === undefined) {
      const row = await repo.group(this.db, id);
      if (!row) throw notFound('error group', String(id));
      window = { from: row.first_seen, to: row.last_seen + 1 };
    } else {
      const to = w.to ?? this.now();
      window = { from: w.from ?? to - 24 * 3600_000, to };
    }
    const range = rangeFor(window.from, window.to, this.now(), this.options.errorRetentionDays);
    const detail = await groupDetail(this.db, id, range, window, samples);
    if (!detail) throw notFound('error group', String(id));
    return detail;
  }

  /**
   * Sets a group's status and/or resolution note. Resolving records when (a sample after that
   * makes it a regression); resolving or ignoring clears the regression mark.
   */
  async update(
    id: number,
    change: { status?: GroupStatus; resolution_note?: string | null },
  ): Promise<GroupView> {
    const row = await repo.setStatus(this.db, id, {
      ...(change.status !== undefined ? { status: change.status } : {}),
      ...(change.resolution_note !== undefined ? { note: change.resolution_note } : {}),
      now: this.now(),
    });
    if (!row) throw notFound('error group', String(id));
    return groupView(row, row.count, []);
  }
}
