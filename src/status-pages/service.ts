import type { ServerRecord, Status } from '../model/server.js';
import {
  pageShows,
  statusPageInput,
  statusPageOneOf,
  type StatusPage,
  type StatusPageInput,
  type StatusPagePatch,
} from '../model/status-page.js';
import { AppError, notFound, validationError } from '../shared/errors.js';
import type { Db } from '../store/tables.js';
import type { UptimeService } from '../uptime/index.js';
import { statusPagesRepo } from './repo.js';

export interface StatusPagesDeps {
  db: () => Db;
  registry: { list(): ServerRecord[] };
  uptime: UptimeService;
  /** Open incidents of these servers (the incidents part): when each opened and what opened it. */
  openIncidents?: (serverIds: string[]) => Promise<{ serverId: string; cause: string; openedAt: string }[]>;
  /** Maintenance windows of these servers in [from, to) (the maintenance part). */
  maintenanceNotes?: (
    serverIds: string[],
    from: number,
    to: number,
  ) => { title: string; server_ids: string[]; starts_at: string; ends_at: string }[];
}

/** What a status page says of an incident: public words only, never an error's own text. */
const INCIDENT_WORDS: Record<string, string> = {
  error_rate: 'Elevated error rate',
  group: 'Errors under investigation',
  alert: 'Degraded service',
};

/** How far ahead a status page lists planned maintenance. */
const MAINTENANCE_AHEAD_MS = 7 * 86_400_000;

/** A note of planned maintenance on a status page. */
export interface MaintenanceNote {
  server: string;
  title: string;
  from: string;
  to: string;
}

/**
 * What a status page shows, and nothing else: the page's title, each server's name and status
 * (no id, URL, command or error text), 90 daily uptime bars, open incidents and maintenance.
 */
export interface PublicStatusPage {
  title: string;
  generated_at: string;
  servers: {
    name: string;
    status: Status;
    uptime_90d_percent: number | null;
    days: { date: string; uptime_percent: number | null }[];
  }[];
  /**
   * Open incidents of the page's servers. INCIDENTS: empty until an incidents API exists
   * (DESIGN §10); fill it here, with public words only (title, since, servers by name).
   */
  incidents: { title: string; started_at: string; servers: string[] }[];
  /**
   * MAINTENANCE: planned maintenance of the page's servers, `{ server, title, from, to }` (server
   * by name). Empty until the maintenance windows (issue 17 point 5) give their front door; a
   * server in maintenance then shows the status `maintenance` too.
   */
  maintenance: MaintenanceNote[];
}

export const STATUS_DAYS = 90;
const DAY = 86_400_000;

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Status pages: their definitions (the API) and what each shows (the open routes). */
export class StatusPages {
  constructor(private readonly deps: StatusPagesDeps) {}

  private get db() {
    return this.deps.db();
  }

  list(): Promise<StatusPage[]> {
    return statusPagesRepo.list(this.db);
  }

  async get(id: number): Promise<StatusPage> {
    const page = await statusPagesRepo.byId(this.db, id);
    if (!page) throw notFound('status page', String(id));
    return page;
  }

  async create(input: StatusPageInput, now = Date.now()): Promise<StatusPage> {
    await this.check(input, undefined);
    return this.get(await statusPagesRepo.insert(this.db, input, now));
  }

  async update(id: number, patch: StatusPagePatch, now = Date.now()): Promise<StatusPage> {
    const page = await this.get(id);
    // One of servers/tags given: the other is cleared, so a page switches from ids to tags in one PATCH.
    const base = {
      slug: page.slug,
      title: page.title,
      servers: page.servers,
      tags: page.tags,
      public: page.public,
    };
    if (patch.servers != null && patch.tags === undefined) base.tags = null;
    if (patch.tags != null && patch.servers === undefined) base.servers = null;
    const merged = { ...base, ...patch };
    if (!statusPageOneOf(merged))
      throw validationError([{ field: 'body.servers', message: 'give either servers or tags' }]);
    const next = statusPageInput.parse(merged);
    await this.check(next, id);
    await statusPagesRepo.update(this.db, id, next, now);
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    if (!(await statusPagesRepo.remove(this.db, id))) throw notFound('status page', String(id));
  }

  private async check(p: StatusPageInput, id: number | undefined): Promise<void> {
    const same = await statusPagesRepo.bySlug(this.db, p.slug);
    if (same && same.id !== id) throw new AppError('conflict', `a status page with slug "${p.slug}" exists`);
    const known = new Set(this.deps.registry.list().map((s) => s.id));
    const unknown = (p.servers ?? []).filter((s) => !known.has(s));
    if (unknown.length > 0)
      throw validationError([{ field: 'body.servers', message: `no server ${unknown.join(', ')}` }]);
  }

  /** The page of a slug, or undefined. */
  bySlug(slug: string): Promise<StatusPage | undefined> {
    return statusPagesRepo.bySlug(this.db, slug);
  }

  /** The servers a page shows, in its order (by id) or by name (by tag). */
  serversOf(page: StatusPage): ServerRecord[] {
    const all = this.deps.registry.list();
    if (page.servers) {
      const byId = new Map(all.map((s) => [s.id, s]));
      return page.servers.flatMap((id) => byId.get(id) ?? []);
    }
    return all.filter((s) => pageShows(page, s)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** What the page shows (`GET /status/<slug>.json` and the HTML page). */
  async view(page: StatusPage, now = Date.now()): Promise<PublicStatusPage> {
    const servers = this.serversOf(page);
    const ids = servers.map((s) => s.id);
    const daily = await this.deps.uptime.daily(ids, STATUS_DAYS, now);
    const over90 = await this.deps.uptime.percentFor(ids, '90d', now);
    return {
      title: page.title,
      generated_at: new Date(now).toISOString(),
      servers: servers.map((s) => ({
        name: s.name,
        status: s.state.status,
        uptime_90d_percent: over90.get(s.id) ?? null,
        days: (daily.get(s.id) ?? []).map((d) => ({ date: day(d.day), uptime_percent: d.uptimePercent })),
      })),
      incidents: await this.incidentsOf(servers),
      maintenance: this.maintenanceOf(servers, now),
    };
  }

  /** The page's servers' open incidents, one line per incident, servers by name. */
  private async incidentsOf(servers: ServerRecord[]): Promise<PublicStatusPage['incidents']> {
    if (!this.deps.openIncidents || servers.length === 0) return [];
    const names = new Map(servers.map((s) => [s.id, s.name]));
    return (await this.deps.openIncidents([...names.keys()])).map((i) => ({
      title: INCIDENT_WORDS[i.cause] ?? 'Degraded service',
      started_at: i.openedAt,
      servers: [names.get(i.serverId) ?? ''].filter(Boolean),
    }));
  }

  /** Maintenance now or in the coming week, one line per server and window. */
  private maintenanceOf(servers: ServerRecord[], now: number): PublicStatusPage['maintenance'] {
    if (!this.deps.maintenanceNotes || servers.length === 0) return [];
    const names = new Map(servers.map((s) => [s.id, s.name]));
    return this.deps
      .maintenanceNotes([...names.keys()], now, now + MAINTENANCE_AHEAD_MS)
      .flatMap((n) =>
        n.server_ids.map((id) => ({
          server: names.get(id) ?? '',
          title: n.title,
          from: n.starts_at,
          to: n.ends_at,
        })),
      )
      .filter((m) => m.server !== '');
  }

  /**
   * A server for a badge, by id or name, when some public page shows it; else undefined (the
   * route answers 404, so a badge says nothing of servers nobody chose to show).
   */
  async badgeServer(ref: string): Promise<ServerRecord | undefined> {
    const all = this.deps.registry.list();
    const server = all.find((s) => s.id === ref) ?? all.find((s) => s.name === ref);
    if (!server) return undefined;
    const pages = (await this.list()).filter((p) => p.public);
    return pages.some((p) => pageShows(p, server)) ? server : undefined;
  }

  /** A server's uptime over 30 days, for its badge. */
  async uptime30d(serverId: string, now = Date.now()): Promise<number | null> {
    return (await this.deps.uptime.percentFor([serverId], '30d', now)).get(serverId) ?? null;
  }
}

export { DAY as STATUS_DAY_MS };
