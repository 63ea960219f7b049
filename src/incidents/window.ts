/**
 * "Click a spike" (DESIGN §10): the errors of a window against their baseline (the four windows
 * before it, averaged), the events in and before it ranked, what was affected, and the past
 * incidents that looked like it.
 */
import type { GroupView } from '../errors/index.js';
import type { IncidentsDeps } from './deps.js';
import { correlatedEvents, type CorrelatedEvent } from './events.js';
import type { SimilarIncident } from './views.js';
import type { Signature } from './similar.js';

export interface WindowGroup extends GroupView {
  /** Errors of the group in an average window of the same length before this one (the four before). */
  baseline_count: number;
}

export interface WindowAnalysis {
  from: number;
  to: number;
  server: string | null;
  errors: WindowGroup[];
  events: CorrelatedEvent[];
  affected: { servers: string[]; endpoints: string[]; clients: string[] };
  similar: SimilarIncident[];
}

const GROUPS_SHOWN = 20;
const BASELINE_WINDOWS = 4;

const ranked = (values: string[]): string[] => {
  const n = new Map<string, number>();
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v]) => v);
};

export async function analyzeWindow(
  deps: IncidentsDeps,
  w: { from: number; to: number },
  serverId: string | undefined,
  similarTo: (s: Signature) => Promise<SimilarIncident[]>,
): Promise<Omit<WindowAnalysis, 'from' | 'to'>> {
  const len = w.to - w.from;
  const groups = await deps.errors.list(w, { serverId }, GROUPS_SHOWN);
  const [usual, trend] = await Promise.all([
    deps.errors.counts(
      groups.map((g) => g.id),
      { from: w.from - BASELINE_WINDOWS * len, to: w.from },
    ),
    deps.errors.trend(w, serverId),
  ]);
  const errors = groups.map((g) => ({
    ...g,
    baseline_count: Math.round(((usual.get(g.id) ?? 0) / BASELINE_WINDOWS) * 10) / 10,
  }));
  const affected = {
    servers: ranked(groups.flatMap((g) => g.servers)),
    endpoints: ranked(groups.flatMap((g) => g.endpoints)),
    clients: ranked(groups.flatMap((g) => g.clients)),
  };
  const [events, similar] = await Promise.all([
    correlatedEvents(deps, w, serverId, affected.servers),
    groups.length === 0
      ? Promise.resolve([])
      : similarTo({
          fingerprints: groups.map((g) => g.fingerprint),
          servers: affected.servers,
          endpoints: affected.endpoints,
          shape: trend.points.map((p) => p.rate),
        }),
  ]);
  return { server: serverId ?? null, errors, events, affected, similar };
}
