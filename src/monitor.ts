import type { Logger } from 'pino';
import { AlertEvaluator } from './alerts/evaluator.js';
import { Checker } from './checker/checker.js';
import { Gateway } from './gateway/gateway.js';
import { openSession } from './checker/open-session.js';
import type { ProbeTarget, ServerSession, SessionHooks } from './checker/probe-types.js';
import type { Config } from './config/schema.js';
import { Bus } from './live/bus.js';
import { Aggregator } from './metrics/aggregator.js';
import { FanoutSink } from './metrics/fanout-sink.js';
import { GaugeSampler } from './metrics/gauges.js';
import { startRollups } from './metrics/rollup.js';
import { PrometheusMetrics } from './metrics/prometheus.js';
import type { RequestEventSink } from './metrics/request-event.js';
import { openSecrets } from './secrets/at-rest.js';
import type { SecretBox } from './secrets/secret-box.js';
import { Registry } from './servers/registry.js';
import { openStore, type Store } from './store/open-store.js';
import { ensurePrivateDir } from './store/private-files.js';
import { startRetention } from './store/retention.js';

export interface MonitorOptions {
  config: Config;
  log: Logger;
  /** PostgreSQL schema to use (tests isolate themselves with it). */
  schema?: string;
  /** Replaces how sessions are opened (benchmarks count probes with it). */
  openSession?: (target: ProbeTarget, hooks: SessionHooks) => ServerSession;
  /** Alert evaluation tick; overrides `alert_evaluation_interval` (benchmarks). */
  alertIntervalMs?: number;
}

/** The running parts of one instance, wired together: store, registry, checker, bus. */
export interface Monitor {
  config: Config;
  log: Logger;
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
  /** The transparent MCP proxy at /mcp/<server-id>. */
  gateway: Gateway;
  gauges: GaugeSampler;
  /** Evaluates alert rules, persists instance states and notifies. */
  alerts: AlertEvaluator;
  /** Open client sessions and streams through the gateway, per server. */
  activeConnections(serverId: string): number;
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
  const store = await openStore({
    databaseUrl: config.database_url,
    dataDir: config.data_dir,
    schema: options.schema,
  });
  log.info({ store: store.dialect, location: store.location }, 'store open');
  const secrets = await openSecrets(config, store, log).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const bus = new Bus();
  const registry = new Registry(store, secrets, bus, log);
  await registry.load();
  await registry.syncFromConfig(config.servers);
  const aggregator = new Aggregator({ store, intervalS: config.metrics_collection_interval, log });
  aggregator.start();
  const stopRollups = startRollups(store, log, {
    metricsRetentionDays: config.metrics_retention_days,
    errorRetentionDays: config.error_retention_days,
  });
  const checker = new Checker({
    defaults: config,
    concurrency: config.check_concurrency,
    registry,
    store,
    bus,
    log,
    openSession: options.openSession ?? openSession,
    traffic: (id) => {
      const { last60s, last5m } = aggregator.live(id);
      return { responseTimeMs: last60s.avgLatencyMs, errorRatePercent: last5m.errorRatePercent };
    },
  });
  checker.start();
  const activeConnections = (id: string): number => gateway.activeConnections(id);
  const gauges = new GaugeSampler({
    store,
    servers: () => registry.list(),
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
  const sink = new FanoutSink([aggregator, prometheus]);
  const gateway = new Gateway({
    servers: registry,
    sink,
    log: log.child({ part: 'gateway' }),
    maxBodyBytes: config.gateway_max_body_bytes,
    requestTimeoutMs: config.gateway_request_timeout * 1000,
  });
  const stopRetention = startRetention(store, config.metrics_retention_days, log);
  const alerts = new AlertEvaluator({
    db: store.db,
    secrets,
    bus,
    log: log.child({ part: 'alerts' }),
    servers: () => registry.list(),
    live: (id) => aggregator.live(id),
    activeConnections,
    baseUrl: `http://localhost:${config.port}`,
    intervalMs: options.alertIntervalMs ?? config.alert_evaluation_interval * 1000,
    configRules: config.alert_rules,
  });
  await alerts.start();
  log.info({ servers: registry.list().length }, 'checking servers');
  return {
    config,
    log,
    store,
    secrets,
    bus,
    registry,
    checker,
    sink,
    prometheus,
    aggregator,
    gateway,
    gauges,
    alerts,
    activeConnections,
    async stop() {
      await gateway.close();
      // Waits (at most 10 s) for webhook/email retries in flight, before the store closes.
      await alerts.stop();
      stopRetention();
      stopRollups();
      gauges.stop();
      await checker.stop();
      await aggregator.stop();
      await store.close();
    },
  };
}
