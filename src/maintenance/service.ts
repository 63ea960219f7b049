/**
 * The maintenance part's service: windows through the API and the config file, and the two
 * questions the rest asks — is this server in maintenance now (alerts hold notifications back,
 * cards say Maintenance), and which windows touch these servers in a range (status pages). The
 * windows are kept in memory (a handful), read again after each change and every 15 s (another
 * monitor on the same PostgreSQL may have changed them), so both questions are synchronous.
 */
import { AppError, notFound, validationError, type FieldProblem } from '../shared/errors.js';
import { iso } from '../shared/iso-time.js';
import type { Db } from '../store/tables.js';
import type {
  MaintenanceInput,
  MaintenancePatch,
  MaintenanceSource,
  MaintenanceWindow,
} from '../model/maintenance.js';
import { currentOrNext, occurrenceAt, occurrences, recurrenceProblem } from './recurrence.js';
import { windowsRepo } from './repo.js';
import { toInstant } from './zone.js';

export interface MaintenanceDeps {
  db: Db;
  /** A server's tags (undefined: no such server). */
  tagsOf: (serverId: string) => readonly string[] | undefined;
  /** The config file's `maintenance:`, synced at start (matched by title). */
  configWindows?: readonly MaintenanceInput[];
  now?: () => number;
}

/** A window as the API shows it. */
export interface MaintenanceView {
  id: number;
  title: string;
  servers: string[] | null;
  tags: string[] | null;
  starts_at: string;
  /** The end of the first occurrence. */
  ends_at: string;
  duration_minutes: number;
  recurrence: MaintenanceWindow['recurrence'];
  time_zone: string;
  source: MaintenanceSource;
  by: string;
  created_at: string;
  updated_at: string;
  /** Whether an occurrence is in force now. */
  active: boolean;
  /** The occurrence in force now, else the next one within a year. */
  occurrence: { starts_at: string; ends_at: string } | null;
}

/** What a server's card and status page say while it is in maintenance. */
export interface ActiveMaintenance {
  id: number;
  title: string;
  until: string;
}

/** A window's occurrence touching some servers, for a status page. */
export interface MaintenanceNote {
  id: number;
  title: string;
  server_ids: string[];
  starts_at: string;
  ends_at: string;
}

const REFRESH_MS = 15_000;

const schedule = (w: MaintenanceWindow) => ({
  startsAt: w.startsAt,
  durationMs: w.durationMs,
  recurrence: w.recurrence,
  timeZone: w.timeZone,
});

/** An ISO time with an offset as it says; without one, as a local time in `zone`. */
function instantOf(text: string, zone: string): number {
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return Date.parse(text);
  return toInstant(Date.parse(`${text}Z`), zone);
}

export class MaintenanceService {
  private windows: MaintenanceWindow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: MaintenanceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async start(): Promise<void> {
    await this.syncFromConfig(this.deps.configWindows ?? []);
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  list(): MaintenanceView[] {
    const now = this.now();
    return this.windows.map((w) => this.view(w, now));
  }

  get(id: number): MaintenanceView {
    return this.view(this.find(id), this.now());
  }

  async create(
    input: MaintenanceInput,
    actor: string,
    source: MaintenanceSource = 'api',
  ): Promise<MaintenanceView> {
    const now = this.now();
    const created = await windowsRepo.insert(this.deps.db, {
      ...resolve(input),
      source,
      by: actor,
      createdAt: now,
      updatedAt: now,
    });
    await this.reload();
    return this.view(created, now);
  }

  async update(id: number, patch: MaintenancePatch): Promise<MaintenanceView> {
    const current = editable(this.find(id));
    const next: MaintenanceWindow = { ...current, ...resolvePatch(current, patch), updatedAt: this.now() };
    await windowsRepo.update(this.deps.db, next);
    await this.reload();
    return this.view(next, this.now());
  }

  async delete(id: number): Promise<void> {
    editable(this.find(id));
    await windowsRepo.delete(this.deps.db, id);
    await this.reload();
  }

  /** The window a server is in at `at`, if any (the one lasting longest when several are). */
  activeMaintenance(serverId: string, at: number = this.now()): ActiveMaintenance | null {
    const tags = this.deps.tagsOf(serverId) ?? [];
    let best: ActiveMaintenance | null = null;
    let bestEnd = -Infinity;
    for (const w of this.windows) {
      if (!covers(w, serverId, tags)) continue;
      const occ = occurrenceAt(schedule(w), at);
      if (occ && occ[1] > bestEnd) {
        bestEnd = occ[1];
        best = { id: w.id, title: w.title, until: iso(occ[1]) };
      }
    }
    return best;
  }

  /** The occurrences in [from, to) of the windows covering any of `serverIds`, by start. */
  maintenanceNotes(serverIds: readonly string[], from: number, to: number): MaintenanceNote[] {
    const notes: MaintenanceNote[] = [];
    for (const w of this.windows) {
      const ids = serverIds.filter((id) => covers(w, id, this.deps.tagsOf(id) ?? []));
      if (ids.length === 0) continue;
      for (const start of occurrences(schedule(w), from, to))
        notes.push({
          id: w.id,
          title: w.title,
          server_ids: ids,
          starts_at: iso(start),
          ends_at: iso(start + w.durationMs),
        });
    }
    return notes.sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.id - b.id);
  }

  private find(id: number): MaintenanceWindow {
    const w = this.windows.find((x) => x.id === id);
    if (!w) throw notFound('maintenance window', String(id));
    return w;
  }

  private async reload(): Promise<void> {
    this.windows = await windowsRepo.list(this.deps.db);
  }

  /** Makes the config-declared windows exactly those of the file, matched by title. */
  private async syncFromConfig(declared: readonly MaintenanceInput[]): Promise<void> {
    const now = this.now();
    const existing = (await windowsRepo.list(this.deps.db)).filter((w) => w.source === 'config');
    const byTitle = new Map(existing.map((w) => [w.title, w]));
    for (const [i, input] of declared.entries()) {
      let fields: ReturnType<typeof resolve>;
      try {
        fields = resolve(input);
      } catch (e) {
        throw new Error(
          `maintenance[${i}] (${input.title}): ${e instanceof AppError ? JSON.stringify(e.details) : String(e)}`,
        );
      }
      const current = byTitle.get(input.title);
      byTitle.delete(input.title);
      if (!current)
        await windowsRepo.insert(this.deps.db, {
          ...fields,
          source: 'config',
          by: 'config',
          createdAt: now,
          updatedAt: now,
        });
      else await windowsRepo.update(this.deps.db, { ...current, ...fields, updatedAt: now });
    }
    for (const gone of byTitle.values()) await windowsRepo.delete(this.deps.db, gone.id);
  }

  private view(w: MaintenanceWindow, now: number): MaintenanceView {
    const occ = currentOrNext(schedule(w), now);
    return {
      id: w.id,
      title: w.title,
      servers: w.servers,
      tags: w.tags,
      starts_at: iso(w.startsAt),
      ends_at: iso(w.startsAt + w.durationMs),
      duration_minutes: Math.round(w.durationMs / 60_000),
      recurrence: w.recurrence,
      time_zone: w.timeZone,
      source: w.source,
      by: w.by,
      created_at: iso(w.createdAt),
      updated_at: iso(w.updatedAt),
      active: occ !== null && occ[0] <= now && now < occ[1],
      occurrence: occ && { starts_at: iso(occ[0]), ends_at: iso(occ[1]) },
    };
  }
}

const covers = (w: MaintenanceWindow, serverId: string, tags: readonly string[]): boolean =>
  (w.servers?.includes(serverId) ?? false) || (w.tags?.some((t) => tags.includes(t)) ?? false);

type Resolved = Pick<
  MaintenanceWindow,
  'title' | 'servers' | 'tags' | 'startsAt' | 'durationMs' | 'recurrence' | 'timeZone'
>;

/** An input's fields as stored: instants and a duration; a bad recurrence or end is a 400. */
function resolve(input: MaintenanceInput): Resolved {
  const startsAt = instantOf(input.starts_at, input.time_zone);
  const durationMs =
    input.duration_minutes !== undefined
      ? input.duration_minutes * 60_000
      : instantOf(input.ends_at ?? input.starts_at, input.time_zone) - startsAt;
  const problems: FieldProblem[] = [];
  if (durationMs <= 0) problems.push({ field: 'ends_at', message: 'must be after starts_at' });
  if (durationMs > 366 * 86_400_000)
    problems.push({ field: 'ends_at', message: 'a window lasts at most 366 days' });
  const problem = recurrenceProblem(input.recurrence);
  if (problem !== null && input.recurrence)
    problems.push({
      field: 'rrule' in input.recurrence ? 'recurrence.rrule' : 'recurrence.cron',
      message: problem,
    });
  if (problems.length > 0) throw validationError(problems);
  return {
    title: input.title,
    servers: input.servers ?? null,
    tags: input.servers ? null : (input.tags ?? null),
    startsAt,
    durationMs,
    recurrence: input.recurrence,
    timeZone: input.time_zone,
  };
}

/** A patch applied to a stored window: the result is checked as a whole, as a new one would be. */
function resolvePatch(w: MaintenanceWindow, p: MaintenancePatch): Resolved {
  const zone = p.time_zone ?? w.timeZone;
  const servers = p.servers ?? (p.tags ? undefined : (w.servers ?? undefined));
  const tags = p.tags ?? (p.servers ? undefined : (w.tags ?? undefined));
  return resolve({
    title: p.title ?? w.title,
    ...(servers ? { servers } : {}),
    ...(tags ? { tags } : {}),
    starts_at: p.starts_at ?? iso(w.startsAt),
    ...(p.ends_at !== undefined
      ? { ends_at: p.ends_at }
      : { duration_minutes: p.duration_minutes ?? Math.round(w.durationMs / 60_000) }),
    recurrence: p.recurrence === undefined ? w.recurrence : p.recurrence,
    time_zone: zone,
  });
}

/** Windows from the config file's `maintenance:` change there, not through the API. */
function editable(w: MaintenanceWindow): MaintenanceWindow {
  if (w.source === 'config')
    throw new AppError(
      'conflict',
      `maintenance window "${w.title}" is declared in the config file (maintenance); change it there`,
    );
  return w;
}
