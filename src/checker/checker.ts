import type { Logger } from 'pino';
import type { Bus } from '../shared/bus.js';
import type { Registry } from '../servers/index.js';
import { cleanText } from '../shared/text.js';
import { endpointOf, probeTargetOf } from '../mcp/transports/index.js';
import { isPaused, pausedUntil, type ServerRecord, type Status } from '../model/server.js';
import type { CheckRow } from '../model/check.js';
import type { NewCheck } from '../store/checks-repo.js';
import { checksRepo } from '../store/checks-repo.js';
import { eventsRepo } from '../store/events-repo.js';
import type { Store } from '../store/open-store.js';
import { uptimeSpan } from './uptime-span.js';
import { CheckWriter } from './check-writer.js';
import { LatencyWindow, stateAfterProbe, type TrafficStats } from './next-state.js';
import type { LogLine, ProbeResult, ProbeTarget, ServerSession, SessionHooks } from '../model/probe.js';
import { Scheduler } from './scheduler.js';
import { computeStatus, settingsFor, type StatusSettings } from './status.js';

export interface CheckerDeps {
  defaults: StatusSettings;
  concurrency: number;
  registry: Registry;
  store: Store;
  bus: Bus;
  log: Logger;
  openSession: (target: ProbeTarget, hooks: SessionHooks, serverId: string) => ServerSession;
  /** Traffic figures for a server, once the gateway sees some (DESIGN §3). */
  traffic?: (serverId: string, intervalS: number) => TrafficStats | undefined;
  /** Makes a server's own text safe to keep and show: its reasons, names and stderr lines. */
  clean?: (text: string) => string;
  /**
   * Several instances on PostgreSQL: whether this instance holds the server's lease (probes it).
   * Default: every server. The others are probed elsewhere; `hold` and `release` move them.
   */
  holds?: (id: string) => boolean;
  /** Recorded on every check row (`instance_id`): which instance made it. */
  instanceId?: string;
  /** Asks for a server's lease at once (a check asked for here, a server just added here). */
  claim?: (id: string) => Promise<void>;
}

interface Watched {
  session: ServerSession | undefined;
  specKey: string;
  window: LatencyWindow;
  enableTimer: NodeJS.Timeout | undefined;
  running: Promise<CheckRow | undefined> | undefined;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const CLOSE_BATCH = 100;

/** Probes every server on its interval, keeps its status, and tells the bus. */
export class Checker {
  private readonly watched = new Map<string, Watched>();
  private readonly writer: CheckWriter;
  private readonly scheduler: Scheduler;
  private stopped = false;

  private readonly clean: (text: string) => string;

  constructor(private readonly deps: CheckerDeps) {
    this.clean = deps.clean ?? cleanText;
    this.writer = new CheckWriter(deps.store, deps.log);
    this.scheduler = new Scheduler({ concurrency: deps.concurrency, run: (id) => this.runScheduled(id) });
  }

  start(): void {
    this.writer.start();
    for (const s of this.deps.registry.list()) if (this.holds(s.id)) this.watch(s);
    this.deps.bus.on('server.saved', this.onSaved);
    this.deps.bus.on('server.removed', this.onRemoved);
  }

  /**
   * Servers whose lease this instance took (several instances): probed from now on — at their
   * next slot when they come from a live instance (the slot is the same everywhere, so the
   * cadence goes on without a gap), at once (`soon`) when their owner died.
   */
  hold(ids: readonly string[], soon: boolean): void {
    if (this.stopped) return;
    for (const id of ids) {
      const server = this.deps.registry.find(id);
      if (server && !this.scheduler.has(id)) this.watch(server, soon);
    }
  }

  /** Servers another instance probes from now on: no check starts here; sessions close. */
  release(ids: readonly string[]): void {
    for (const id of ids) void this.unwatch(id);
  }

  /** Runs a check now (or joins the one under way) and returns it once stored. */
  async checkNow(id: string): Promise<CheckRow> {
    let server = this.deps.registry.get(id);
    if (!this.holds(id)) await this.deps.claim?.(id);
    server = this.deps.registry.get(id);
    if (!this.holds(id) && !this.watched.has(id)) {
      // Probed by another instance: this one checks it once, as asked, then lets it go.
      this.watched.set(id, this.newWatched(server));
      try {
        await this.check(server, true);
      } finally {
        if (!this.holds(id)) await this.unwatch(id);
      }
    } else await this.check(server, true);
    await this.writer.flush();
    const [row] = await checksRepo.recent(this.deps.store.db, id, 1);
    if (!row) throw new Error(`check of ${id} was not stored`);
    return row;
  }

  /** The server's latest checks, newest first, including those still waiting for the batched write. */
  async recentChecks(id: string, limit: number): Promise<CheckRow[]> {
    await this.writer.flush();
    return checksRepo.recent(this.deps.store.db, id, limit);
  }

  /** The stdio child's pid while it runs (for its CPU and memory). */
  pidOf(id: string): number | undefined {
    return this.watched.get(id)?.session?.pid();
  }

  recentLogs(id: string): LogLine[] {
    return this.watched.get(id)?.session?.recentLogs() ?? [];
  }

  takeScheduleLags(): number[] {
    return this.scheduler.takeLags();
  }

  get droppedChecks(): number {
    return this.writer.dropped;
  }

  /**
   * No check starts from now on, and none that is under way changes a status: the first step of
   * a shutdown, so that stopping (children going away, clients leaving) is never recorded as an outage.
   */
  stopChecks(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.deps.bus.off('server.saved', this.onSaved);
    this.deps.bus.off('server.removed', this.onRemoved);
    this.scheduler.stop();
  }

  async stop(): Promise<void> {
    this.stopChecks();
    // Sessions close a batch at a time: closing thousands at once (an HTTP DELETE each) is a
    // memory spike at the worst moment.
    const ids = [...this.watched.keys()];
    for (let i = 0; i < ids.length; i += CLOSE_BATCH)
      await Promise.allSettled(ids.slice(i, i + CLOSE_BATCH).map((id) => this.unwatch(id)));
    await this.writer.stop();
  }

  private holds(id: string): boolean {
    return this.deps.holds?.(id) ?? true;
  }

  private newWatched(server: ServerRecord): Watched {
    return {
      session: undefined,
      specKey: JSON.stringify(server.spec),
      window: new LatencyWindow(),
      enableTimer: undefined,
      running: undefined,
    };
  }

  private readonly onSaved = (server: ServerRecord): void => {
    if (!this.holds(server.id)) {
      // Paused or disabled is the definition's, not a probe's: shown at once whoever holds the lease.
      const now = Date.now();
      if (isPaused(server, now)) this.applyPausedStatus(server, now, settingsFor(server, this.deps.defaults));
      void this.deps.claim?.(server.id);
      return;
    }
    const w = this.watched.get(server.id);
    if (w && w.specKey !== JSON.stringify(server.spec)) {
      void w.session?.close();
      w.session = undefined;
      w.specKey = JSON.stringify(server.spec);
    }
    this.watch(server);
  };

  private readonly onRemoved = (id: string): void => {
    void this.unwatch(id);
    this.writer.forget(id);
  };

  private watch(server: ServerRecord, soonAnyway = false): void {
    let w = this.watched.get(server.id);
    if (!w) {
      w = this.newWatched(server);
      this.watched.set(server.id, w);
    }
    clearTimeout(w.enableTimer);
    const settings = settingsFor(server, this.deps.defaults);
    const now = Date.now();
    const paused = isPaused(server, now);
    if (paused) {
      this.scheduler.unschedule(server.id);
      void w.session?.close();
      w.session = undefined;
      this.applyPausedStatus(server, now, settings);
      if (server.enabled && server.disabledUntil !== null) {
        w.enableTimer = setTimeout(
          () => void this.reenable(server.id),
          Math.min(server.disabledUntil - now, MAX_TIMER_MS),
        );
        w.enableTimer.unref();
      }
      return;
    }
    const soon =
      soonAnyway || ['disabled', 'unknown'].includes(server.state.status) || this.scheduler.has(server.id);
    this.scheduler.schedule(server.id, settings.health_check_interval * 1000, soon);
  }

  private async unwatch(id: string): Promise<void> {
    const w = this.watched.get(id);
    this.watched.delete(id);
    this.scheduler.unschedule(id);
    if (!w) return;
    clearTimeout(w.enableTimer);
    await w.session?.close();
  }

  private async reenable(id: string): Promise<void> {
    const server = this.deps.registry.find(id);
    if (!server || this.stopped) return;
    if (pausedUntil(server, Date.now()) !== null) return this.watch(server);
    await this.deps.registry.enable(id, 'schedule');
  }

  private applyPausedStatus(server: ServerRecord, now: number, settings: StatusSettings): void {
    const { status, reason } = computeStatus(
      {
        now,
        enabled: server.enabled,
        disabledUntil: server.disabledUntil,
        checked: false,
        consecutiveFailures: 0,
        lastError: null,
        responseTimeMs: null,
        errorRatePercent: null,
      },
      settings,
    );
    const state = { ...server.state, status, statusReason: reason, consecutiveFailures: 0 };
    this.writer.saveState(server.id, state);
    this.publishState(server, state);
  }

  private async runScheduled(id: string): Promise<void> {
    const server = this.deps.registry.find(id);
    if (server) await this.check(server, false);
  }

  private check(server: ServerRecord, forced: boolean): Promise<CheckRow | undefined> {
    const w = this.watched.get(server.id);
    if (!w) return Promise.resolve(undefined);
    if (w.running) return w.running;
    w.running = this.probe(server, w, forced).finally(() => {
      w.running = undefined;
    });
    return w.running;
  }

  private async probe(server: ServerRecord, w: Watched, forced: boolean): Promise<CheckRow | undefined> {
    const settings = settingsFor(server, this.deps.defaults);
    w.session ??= this.deps.openSession(probeTargetOf(server.spec), this.hooksFor(server.id), server.id);
    const result = cleanResult(await w.session.check(settings.health_check_timeout * 1000), this.clean);
    const current = this.deps.registry.find(server.id);
    if (!current || this.stopped || this.watched.get(server.id) !== w) return undefined;
    const now = Date.now();
    const state = stateAfterProbe(
      current,
      result,
      now,
      w.window,
      settings,
      this.deps.traffic?.(server.id, settings.health_check_interval),
    );
    if (!result.ok) state.lastError = result.reason;
    const check: NewCheck = {
      server_id: current.id,
      server_name: current.name,
      endpoint_url: endpointOf(current.spec),
      status: state.status,
      ok: result.ok ? 1 : 0,
      last_check: now,
      response_time_ms: result.ok ? result.latencyMs : null,
      error_message: result.ok ? null : state.lastError,
      metadata: checkMetadata(result, forced),
      instance_id: this.deps.instanceId ?? null,
    };
    const capMs = (2 * settings.health_check_interval + settings.health_check_timeout) * 1000;
    this.writer.add(check, state, uptimeSpan(current.id, current.state, now, result.ok, capMs));
    await this.recordEvents(current, state.status, result);
    const saved = this.publishState(current, state);
    const row: CheckRow = {
      id: 0,
      server_id: check.server_id,
      status: state.status,
      ok: result.ok,
      checked_at: new Date(now).toISOString(),
      response_time_ms: check.response_time_ms ?? null,
      error: check.error_message ?? null,
      metadata: check.metadata,
    };
    if (saved) this.deps.bus.emit('server.checked', saved, row);
    return row;
  }

  /**
   * A session's hooks: they keep only the id (a closure made in `probe` would keep the whole
   * record of the server as of its first check for as long as the session lives), in a small
   * object rather than a closure and its context, since one lives per server.
   */
  private hooksFor(id: string): SessionHooks {
    return new ServerLogHooks(id, this.deps.bus, this.clean);
  }

  private publishState(server: ServerRecord, state: ServerRecord['state']): ServerRecord | undefined {
    const previous = server.state.status;
    const saved = this.deps.registry.setState(server.id, state);
    if (saved && previous !== state.status) {
      this.deps.log.info(
        { server: server.id, from: previous, to: state.status, reason: state.statusReason },
        'status changed',
      );
      this.deps.bus.emit('server.status', saved, previous);
    }
    return saved;
  }

  private async recordEvents(server: ServerRecord, status: Status, result: ProbeResult): Promise<void> {
    const db = this.deps.store.db;
    const before = server.state.serverInfo;
    if (result.ok && result.serverInfo && before && before.version !== result.serverInfo.version) {
      await eventsRepo.insert(db, {
        serverId: server.id,
        kind: 'deployment',
        message: `version ${before.version} → ${result.serverInfo.version}`,
        data: { from: before.version, to: result.serverInfo.version, name: result.serverInfo.name },
      });
    }
    if (status !== server.state.status)
      await eventsRepo.insert(db, {
        serverId: server.id,
        kind: 'status_change',
        message: `${server.state.status} → ${status}`,
        data: { from: server.state.status, to: status },
      });
  }
}

class ServerLogHooks implements SessionHooks {
  constructor(
    private readonly id: string,
    private readonly bus: Bus,
    readonly clean: (text: string) => string,
  ) {}

  onLog(line: LogLine): void {
    this.bus.emit('server.log', this.id, line);
  }
}

/** What a server said of itself, made safe to keep and show before it reaches any state or row. */
function cleanResult(result: ProbeResult, clean: (text: string) => string): ProbeResult {
  if (!result.ok) return { ...result, reason: clean(result.reason) };
  const info = result.serverInfo;
  if (info === undefined) return result;
  const name = clean(info.name);
  const version = clean(info.version);
  if (name === info.name && version === info.version) return result; // the same object: see McpConnection.sameServerInfo
  return { ...result, serverInfo: { name, version } };
}

function checkMetadata(result: ProbeResult, forced: boolean): Record<string, unknown> {
  if (!result.ok) return { kind: result.kind, method: result.method, elapsed_ms: result.elapsedMs, forced };
  return {
    method: result.method,
    era: result.era,
    protocol_version: result.protocolVersion,
    connected: result.connected,
    connect_ms: result.connectMs,
    server_info: result.serverInfo,
    tool_count: result.toolCount,
    forced,
  };
}
