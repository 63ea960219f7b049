import type { ErrorsService, RequestCounts } from '../errors/index.js';
import type { Db } from '../store/tables.js';

/** An alert that fired, with the comments people left on it (the alerts part's history). */
export interface AlertFiring {
  history_id: number;
  rule_name: string | null;
  server_id: string | null;
  severity: string | null;
  triggered_at: string;
  resolved_at: string | null;
  comments: { by: string; at: string; text: string }[];
}

/** A change of level in one of a server's metrics (a changepoint). */
export interface LevelShift {
  serverId: string | null;
  metric: string;
  at: number;
  from: number;
  to: number;
  /** 0…1. */
  strength: number;
}

/** What the incidents part reads, each through another part's front door (wired in monitor.ts). */
export interface IncidentsDeps {
  /** Read at each call, so that a store reopened after a failure is picked up. */
  store: { readonly db: Db };
  errors: ErrorsService;
  /** Requests per step (the metrics part's figures). */
  requests: RequestCounts;
  /** A server's CPU or memory per step: average and maximum of its samples. */
  gauges(q: {
    serverId: string;
    metric: 'cpu' | 'memory';
    from: number;
    to: number;
  }): Promise<{ t: number; avg: number; max: number }[]>;
  /** Alerts that fired in [from, to) (newest first), a server's or every server's. */
  alertFirings(q: {
    from: number;
    to: number;
    serverId?: string | undefined;
    limit: number;
  }): Promise<AlertFiring[]>;
  /**
   * Level shifts (changepoints) in [from, to): the forecasts part will find them; until it is
   * wired, none — the `level_shift` events of a window come only from here.
   */
  levelShifts?: (q: { from: number; to: number; serverId: string | undefined }) => Promise<LevelShift[]>;
  now?: () => number;
}
