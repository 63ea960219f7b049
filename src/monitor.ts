import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AlertsService } from './alerts/service.js';
import { MaintenanceService } from './maintenance/index.js';
import { Checker } from './checker/checker.js';
import { Forecasts, liveScore } from './forecasts/index.js';
import { Gateway } from './gateway/gateway.js';
import { openSession } from './mcp/open-session.js';
import type { ProbeTarget, ServerSession, SessionHooks } from './model/probe.js';
import { stdioFromApiAllowed, type Config } from './config/schema.js';
import { Bus } from './shared/bus.js';
import { Aggregator } from './metrics/aggregate/aggregator.js';
import { MetricsReader } from './metrics/read/reader.js';
import { CleanSink } from './metrics/ingest/clean-sink.js';
import { FanoutSink } from './metrics/ingest/fanout-sink.js';
import { Journal } from './metrics/ingest/journal.js';
import { JournalSink } from './metrics/ingest/journal-sink.js';
import { GaugeSampler } from './metrics/gauges/gauges.js';
import { startRollups } from './metrics/aggregate/rollup.js';
import { PrometheusMetrics } from './metrics/prometheus.js';
import type { RequestEventSink } from './model/request-event.js';
import type { CheckRow } from './model/check.js';
import { ErrorsService, type ProbeError } from './errors/index.js';
import { IncidentsService, type LevelShift as IncidentLevelShift } from './incidents/index.js';
import { Federation } from './federation/index.js';
import { requestsPerStep } from './metrics/index.js';
import { openSecrets } from './secrets/at-rest.js';
import type { SecretBox } from './shared/secrets/secret-box.js';
import { Registry } from './servers/registry.js';
import { configSecrets } from './config/secrets.js';
import { LoopGuard } from './shared/loop-guard.js';
import { Scrubber } from './shared/scrubber.js';
import { cleanText } from './shared/text.js';
import { lockDataDir } from './store/instance-lock.js';
import { openStore, type Store } from './store/open-store.js';
import { ensurePrivateDir } from './shared/private-files.js';
import { startRetention } from './store/retention.js';
import { UptimeService } from './uptime/index.js';
import { StatusPages } from './status-pages/index.js';
import { redactWith, UsersService } from './users/index.js';
import { LiveSync, SharedCluster, SingleInstance, type Cluster } from './cluster/index.js';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface MonitorOptions {
  config: Config;
  log: Logger;
  /** PostgreSQL schema to use (tests isolate themselves with it). */
  schema?: string;
  /** Replaces how sessions are opened (benchmarks count probes with it). */
  openSession?: (target: ProbeTarget, hooks: SessionHooks) => ServerSession;
  /** Alert evaluation tick; overrides `alert_evaluation_interval` (benchmarks). */
  alertIntervalMs?: number;
  /** The scrubber the logger uses too (`createLogger`), told every secret as it is configured. */
  scrubber?: Scrubber;
}

/** The running parts of one instance, wired together: store, registry, checker, bus. */
export interface Monitor {
  config: Config;
  log: Logger;
  /** Takes every known secret out of text leaving the monitor. */
  scrubber: Scrubber;
  store: Store;
  /** Seals the secrets the store keeps (header values, secret env values, channel passwords). */
  secrets: SecretBox;
  bus: Bus;
  registry: Registry;
  checker: Checker;
  /** Where request events go: the gateway and the ingest API write here. */
  sink: RequestEventSink;
  prometheus: PrometheusMetrics;
  aggregator: Aggregator;
  /** The metrics' reads for the API: series, endpoints, overview, usage. */
  metrics: MetricsReader;
  /** The transparent MCP proxy at /mcp/<server-id>. */
  gateway: Gateway;
  gauges: GaugeSampler;
  /** Alert rules, channels, history, silences and the bell; evaluates the rules and notifies. */
  alerts: AlertsService;
  /** Maintenance windows: which servers are in maintenance now (alerts hold back, cards say so). */
  maintenance: MaintenanceService;
  /** Error groups: the list, the trend, a group, status changes (DESIGN §10). */
  errors: ErrorsService;
  /** Incidents (open and close by themselves) and the window analysis of "click a spike" (DESIGN §10). */
  incidents: IncidentsService;
  /** Metric forecasts, fitted in a worker thread and kept for the hour. */
  forecasts: Forecasts;
  /** Users, sessions, API tokens and the audit log (DESIGN §12). */
  users: UsersService;
  /** Peers, their poller, this instance's summary and the federated view (DESIGN §6). */
  federation: Federation;
  /** Uptime from checks, request success, SLOs, heartbeats and daily bars (issue 17). */
  uptime: UptimeService;
  /** Status pages: their definitions and what a page shows (issue 17). */
  statusPages: StatusPages;
  /** Where servers are probed and the leader's jobs run: this instance alone, or several on PostgreSQL. */
  cluster: Cluster;
  /** Open client sessions and streams through the gateway, per server. */
  activeConnections(serverId: string): number;
  /** Where people reach the dashboard, for links in alerts: `public_url`, else the listening address. */
  publicUrl(): string;
  /** Tells the monitor the address its HTTP face listens on (links use it when `public_url` is unset). */
  listeningAt(url: string): void;
  /**
   * The first step of a shutdown: no check, evaluation or sample from now on (so no status change
   * is recorded while stopping), and the gateway's sessions and streams ended. Idempotent.
   */
  quiesce(): Promise<void>;
  /** Quiesces, then flushes what is buffered, stops stdio children and closes the store. */
  stop(): Promise<void>;
}

export async function startMonitor(options: MonitorOptions): Promise<Monitor> {
  const { config, log } = options;
  const dataDir = ensurePrivateDir(config.data_dir);
  if (dataDir === 'tightened') log.info({ data_dir: config.data_dir }, 'data_dir made private (0700)');
  if (dataDir === 'loose')
    log.warn(
      { data_dir: config.data_dir },
      'data_dir is readable by others and cannot be made private (0700)',
    );
  const lock = config.database_url ? null : lockDataDir(config.data_dir);
  const store = await openStore({
    databaseUrl: config.database_url,
    dataDir: config.data_dir,
    schema: options.schema,
  }).catch((err: unknown) => {
    lock?.release();
    throw err;
  });
  log.info({ store: store.dialect, location: store.location }, 'store open');
  const secrets = await openSecrets(config, store, log).catch(async (err: unknown) => {
    await store.close();
    lock?.release();
    throw err;
  });
  const bus = new Bus();
  // Until the HTTP face listens, the configured address; then the one it got (port 0 in tests).
  let listeningUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const publicUrl = () => config.public_url ?? listeningUrl;
  const scrubber = options.scrubber ?? new Scrubber();
  scrubber.set('config', configSecrets(config));
  const registry = new Registry(store, secrets, bus, log, {
    stdioFromApi: stdioFromApiAllowed(config),
    scrubber,
  });
  await registry.load();
  await registry.syncFromConfig(config.servers);
  const journal = new Journal(join(config.data_dir, 'journal'), {
    onError: (err) => log.error({ err: err.message }, 'the request-event journal cannot be written'),
  });
  const retention = {
    metricsRetentionDays: config.metrics_retention_days,
    errorRetentionDays: config.error_retention_days,
  };
  const aggregator = new Aggregator({
    store,
    intervalS: config.metrics_collection_interval,
    log,
    journal,
    retention,
  });
  // One per monitor: what it sends upstream (checks, forwarding) is known if it comes back.
  const loopGuard = new LoopGuard();
  const answerLimit = { bytes: config.max_probe_response_bytes, setting: 'max_probe_response_bytes' };
  aggregator.start();
  const cluster: Cluster = config.database_url
    ? new SharedCluster({
        db: store.db,
        log: log.child({ part: 'cluster' }),
        version: packageVersion,
        name: config.instance_name,
        heartbeatMs: config.cluster_heartbeat_interval * 1000,
        serverIds: () => registry.list().map((s) => s.id),
        onLeases: {
          // Called from heartbeats, which start after the checker (cluster.start below).
          hold: (ids, soon) => checker.hold(ids, soon),
          release: (ids) => checker.release(ids),
        },
        afterBeat: () => liveSync?.refresh() ?? Promise.resolve(),
      })
    : new SingleInstance({
        log,
        version: packageVersion,
        name: config.instance_name,
        serverIds: () => registry.list().map((s) => s.id),
      });
  const liveSync =
    cluster.shared && config.database_url
      ? new LiveSync({
          db: store.db,
          log: log.child({ part: 'cluster' }),
          bus,
          registry,
          databaseUrl: config.database_url,
          schema: options.schema,
          instanceId: cluster.id,
          holds: (id) => cluster.holds(id),
        })
      : undefined;
  // Roll-ups and retention: the leader's jobs (one instance: this one, always).
  cluster.whileLeader('rollups', () => startRollups(store, log, retention));
  const errors = new ErrorsService({
    store,
    errorRetentionDays: config.error_retention_days,
    maxPoints: config.max_timeline_points,
    requests: (q) => requestsPerStep(store.db, q, retention),
  });
  const checker = new Checker({
    defaults: config,
    concurrency: config.check_concurrency,
    registry,
    store,
    bus,
    log,
    holds: (id) => cluster.holds(id),
    ...(cluster.shared ? { instanceId: cluster.id, claim: (id: string) => cluster.claimSoon(id) } : {}),
    openSession:
      options.openSession ??
      ((target, hooks, serverId) =>
        openSession(target, hooks, { answerLimit, via: loopGuard.entryFor(serverId) })),
    clean: (text) => scrubber.scrub(cleanText(text)),
    traffic: (id, intervalS) => {
      const { last60s, last5m } = aggregator.live(id);
      const recent = aggregator.liveOver(id, intervalS);
      return {
        responseTimeMs: last60s.avgLatencyMs,
        errorRatePercent: last5m.errorRatePercent,
        recentRequests: recent.requests,
        recentFailures: Math.round(((recent.errorRatePercent ?? 0) * recent.requests) / 100),
      };
    },
  });
  // A failed check is an error of kind `probe` (DESIGN §10), grouped with the request errors.
  bus.on('server.checked', (server, check) => {
    if (!check.ok) aggregator.recordProbe(probeErrorOf(server.id, check));
  });
  checker.start();
  const activeConnections = (id: string): number => gateway.activeConnections(id);
  const gauges = new GaugeSampler({
    store,
    // Each instance samples the servers it probes (their children run here).
    servers: () => (cluster.shared ? registry.list().filter((s) => cluster.holds(s.id)) : registry.list()),
    pidOf: (id) => checker.pidOf(id),
    activeConnections: (id) => activeConnections(id),
    intervalMs: config.metrics_collection_interval * 1000,
    log,
  });
  gauges.start();
  const prometheus = new PrometheusMetrics(
    () => registry.list(),
    (id) => activeConnections(id),
    () => aggregator.stats(),
  );
  const journaled = new JournalSink(journal, new FanoutSink([aggregator, prometheus]));
  const sink = new CleanSink(journaled, scrubber);
  await journaled.replay(store.db, log);
  const gateway = new Gateway({
    servers: registry,
    sink,
    log: log.child({ part: 'gateway' }),
    maxBodyBytes: config.gateway_max_body_bytes,
    maxMessageBytes: config.gateway_max_message_bytes,
    loopGuard,
    requestTimeoutMs: config.gateway_request_timeout * 1000,
    maxStdioSessionsPerServer: config.gateway_max_stdio_sessions,
  });
  cluster.whileLeader('retention', () => startRetention(store, config.metrics_retention_days, log));
  const forecasts = new Forecasts({
    db: () => store.db,
    servers: () =>
      registry.list().map((s) => ({
        id: s.id,
        name: s.name,
        capacity: s.overrides.capacity,
        p95WarningMs: s.overrides.response_time_warning_ms ?? config.response_time_warning_ms,
      })),
  });
  const maintenance = new MaintenanceService({
    db: store.db,
    tagsOf: (id) => registry.find(id)?.tags,
    configWindows: config.maintenance,
  });
  await maintenance.start();
  const uptime = new UptimeService({
    db: () => store.db,
    retention,
    servers: () => registry.list(),
    server: (id) => registry.get(id),
  });
  const statusPages = new StatusPages({
    db: () => store.db,
    registry,
    uptime,
    openIncidents: async (ids) => {
      const wanted = new Set(ids);
      const now = Date.now();
      return (await incidents.list({ from: 0, to: now + 1, status: 'open', limit: 500 }))
        .filter((i) => wanted.has(i.server))
        .map((i) => ({ serverId: i.server, cause: i.cause, openedAt: i.opened_at }));
    },
    maintenanceNotes: (ids, from, to) => maintenance.maintenanceNotes(ids, from, to),
  });
  const alerts: AlertsService = new AlertsService({
    db: store.db,
    retention,
    secrets,
    bus,
    log: log.child({ part: 'alerts' }),
    servers: () => registry.list(),
    live: (id) => aggregator.live(id),
    activeConnections,
    anomalyScore: (id, series, value) => {
      const band = forecasts.liveBand(id, series);
      return band && liveScore(band, value);
    },
    baseUrl: () => publicUrl(),
    intervalMs: options.alertIntervalMs ?? config.alert_evaluation_interval * 1000,
    configRules: config.alert_rules,
    // A shutdown is done within 5 s whatever clients hold open; retries still pending then are given up.
    shutdownGraceMs: 2000,
    channelDeps: { scrub: (text) => scrubber.scrub(text) },
    scrubber,
    // During a window the servers' notifications are held back (recorded as suppressed).
    maintenanceAt: (server, at) => Promise.resolve(maintenance.activeMaintenance(server.id, at) ?? undefined),
    peers: () => federation.peerLinks(),
    ...(cluster.shared ? { fence: () => cluster.fence() } : {}),
  });
  const federation: Federation = new Federation({
    db: store.db,
    secrets,
    scrubber,
    bus,
    log: log.child({ part: 'federation' }),
    version: packageVersion,
    settings: config,
    servers: () => registry.list(),
    activeAlerts: () => alerts.active(),
    errors,
    publicUrl: () => publicUrl(),
  });
  await federation.start();
  // Alert evaluation is the leader's: a new leader takes over from the states in the store.
  await alerts.start({ evaluate: false });
  cluster.whileLeader('alerts', async () => {
    await alerts.startEvaluating();
    return () => alerts.stop();
  });
  await liveSync?.start();
  await cluster.start();
  const metrics = new MetricsReader(store.db, { retention, maxPoints: config.max_timeline_points });
  const incidents = new IncidentsService({
    store,
    errors,
    requests: (q) => requestsPerStep(store.db, q, retention),
    gauges: async (q) => (await metrics.gaugeSeries(q)).points,
    // A server's changepoints (the forecasts part's bands), bounded in time: a band not fitted
    // yet is fitted in the background and shows from the next analysis on.
    levelShifts: async (q) =>
      q.serverId === undefined ? [] : levelShiftsOf(forecasts, { ...q, serverId: q.serverId }),
    alertFirings: async (q) =>
      (
        await alerts.history.list({
          from: new Date(q.from).toISOString(),
          to: new Date(q.to).toISOString(),
          server: q.serverId,
          limit: q.limit,
        })
      ).map((h) => ({
        history_id: h.id,
        rule_name: h.rule_name,
        server_id: h.server_id,
        severity: h.severity,
        triggered_at: h.triggered_at,
        resolved_at: h.resolved_at,
        comments: h.actions.flatMap((a) => (a.comment ? [{ by: a.by, at: a.at, text: a.comment }] : [])),
      })),
  });
  // Incidents open and close on the leader only (several instances would open each twice).
  if (config.incident_evaluation_interval > 0)
    cluster.whileLeader('incidents', () => {
      incidents.start(config.incident_evaluation_interval * 1000, (err) =>
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'incident evaluation failed'),
      );
      return () => incidents.stop();
    });
  const users = new UsersService({
    db: store.db,
    log: log.child({ part: 'users' }),
    sessionLifetimeMs: config.session_lifetime_hours * 3_600_000,
    sessionIdleMs: config.session_idle_minutes * 60_000,
    redact: redactWith((text) => scrubber.scrub(text)),
  });
  log.info({ servers: registry.list().length }, 'checking servers');
  let quiet: Promise<void> | undefined;
  /** Nothing new from here on: no checks, no alert evaluation, no gauges; gateway clients let go. */
  const quiesce = (): Promise<void> =>
    (quiet ??= (async () => {
      checker.stopChecks();
      gauges.stop();
      maintenance.stop();
      // Leader jobs stop (roll-ups, retention, alerts: deliveries still retrying get a short
      // grace) and, with several instances, this one's servers go to the others at once; the
      // gateway's sessions and streams end meanwhile.
      await Promise.all([cluster.stop(), gateway.close(), incidents.stop(), federation.stop()]);
      await liveSync?.stop();
    })());
  return {
    config,
    log,
    scrubber,
    store,
    secrets,
    bus,
    registry,
    checker,
    sink,
    prometheus,
    aggregator,
    metrics,
    gateway,
    gauges,
    errors,
    incidents,
    alerts,
    maintenance,
    forecasts,
    users,
    federation,
    uptime,
    statusPages,
    cluster,
    activeConnections,
    publicUrl,
    listeningAt(url) {
      listeningUrl = url.replace(/\/+$/, '');
      cluster.listeningAt(listeningUrl);
    },
    quiesce,
    async stop() {
      await quiesce();
      await checker.stop(); // its sessions' children, and the checks still buffered
      await aggregator.stop();
      await forecasts.close();
      journal.close();
      await store.close();
      lock?.release();
    },
  };
}

/** How long the window analysis waits for a server's level shifts before going on without them. */
const LEVEL_SHIFT_WAIT_MS = 2_000;

/** The level shifts of a server's requests, p95 and error rate in [from, to), for incident correlation. */
async function levelShiftsOf(
  forecasts: Forecasts,
  q: { serverId: string; from: number; to: number },
): Promise<IncidentLevelShift[]> {
  const series = ['requests', 'p95', 'error_rate'] as const;
  const found = Promise.all(
    series.map(async (metric) =>
      (await forecasts.levelShifts({ ...q, metric })).map((s) => ({
        serverId: q.serverId,
        metric,
        at: s.t,
        from: Math.round(s.before * 100) / 100,
        to: Math.round(s.after * 100) / 100,
        strength: Math.min(1, Math.abs(s.score) / 10),
      })),
    ),
  ).then((all) => all.flat());
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<IncidentLevelShift[]>((resolve) => {
    timer = setTimeout(() => resolve([]), LEVEL_SHIFT_WAIT_MS);
  });
  try {
    return await Promise.race([found.catch(() => []), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A failed check as an error: its method (`initialize` when the session could not be opened), its failure kind, its reason. */
function probeErrorOf(serverId: string, check: CheckRow): ProbeError {
  const { method, kind } = check.metadata;
  return {
    serverId,
    method: typeof method === 'string' ? method : 'initialize',
    failure: typeof kind === 'string' ? kind : 'unknown',
    reason: check.error ?? 'check failed',
    at: Date.parse(check.checked_at),
  };
}
