import type { Logger } from 'pino';
import type { Bus } from '../live/bus.js';
import type { LiveStats } from '../metrics/aggregator.js';
import type { ServerRecord } from '../servers/server-types.js';
import { auditRepo } from '../store/events-repo.js';
import type { Db } from '../store/tables.js';
import type { ChannelDeps } from './channels/channel.js';
import { dispatch, type ChannelTarget, type TargetResult } from './channels/registry.js';
import { channelsRepo, rulesRepo } from './config-repo.js';
import { historyRepo, notificationsRepo, statesRepo, type MetricSnapshot } from './history-repo.js';
import { buildAlertMessage } from './message.js';
import { compare, ruleAppliesTo, type AlertRule } from './rule.js';
import { step, type ConditionResult, type InstanceState, type PendingNotification } from './state-machine.js';

export interface EvaluatorDeps {
  db: Db;
  bus: Bus;
  log: Logger;
  servers: () => ServerRecord[];
  live: (serverId: string) => LiveStats;
  activeConnections: (serverId: string) => number;
  /** Dashboard base URL for links in messages. */
  baseUrl: string;
  /** Tick period; default 10 s. */
  intervalMs?: number;
  channelDeps?: Partial<ChannelDeps>;
  now?: () => number;
}

interface Instance {
  state: InstanceState;
  historyId: number | null;
}

/** What channels get from the monitor: the logger, the log channel's audit row, the live hub for the dashboard channel. */
export const alertChannelDeps = (db: Db, logger: Logger, bus?: Bus): ChannelDeps => ({
  logger,
  audit: (row) => auditRepo.insert(db, { actor: 'alerts', ...row }),
  ...(bus ? { notify: (n) => void bus.emit('notification', n) } : {}),
});

const key = (ruleId: number, serverId: string): string => `${ruleId}\u0000${serverId}`;

/** Comparable form of a state without its last value (a value change alone is not persisted). */
const shape = (s: InstanceState): string => JSON.stringify({ ...s, value: null });

/**
 * Evaluates every enabled rule against every applicable server on a fixed cadence and at once
 * when a server's status changes; persists instance states, writes history and notifies.
 */
export class AlertEvaluator {
  private readonly instances = new Map<string, Instance>();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly deliveries = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly onStatus = (server: ServerRecord): void => {
    void this.evaluateNow(server.id);
  };

  constructor(private readonly deps: EvaluatorDeps) {
    this.now = deps.now ?? Date.now;
  }

  async start(): Promise<void> {
    await rulesRepo.seedDefaults(this.deps.db, this.now());
    for (const s of await statesRepo.list(this.deps.db))
      this.instances.set(key(s.ruleId, s.serverId), { state: s.state, historyId: s.historyId });
    this.deps.bus.on('server.status', this.onStatus);
    this.timer = setInterval(() => void this.evaluateNow(), this.deps.intervalMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.deps.bus.off('server.status', this.onStatus);
    await this.chain;
    await Promise.all([...this.deliveries]);
  }

  /** Evaluates all servers (or one); runs after any evaluation in progress. */
  evaluateNow(serverId?: string): Promise<void> {
    const run = this.chain.then(() => this.evaluate(serverId));
    this.chain = run.catch((err: unknown) => this.deps.log.error({ err }, 'alert evaluation failed'));
    return this.chain;
  }

  private async evaluate(only?: string): Promise<void> {
    const rules = (await rulesRepo.list(this.deps.db)).filter((r) => r.enabled);
    const servers = this.deps.servers().filter((s) => s.enabled && s.state.status !== 'disabled');
    for (const server of servers) {
      if (only !== undefined && server.id !== only) continue;
      for (const rule of rules) if (ruleAppliesTo(rule, server.id)) await this.evaluateOne(rule, server);
    }
  }

  private metricValue(rule: AlertRule, server: ServerRecord): number | null {
    switch (rule.metric) {
      case 'status_offline':
        return server.state.status === 'unknown' ? null : server.state.status === 'offline' ? 1 : 0;
      case 'response_time_avg':
        return server.state.responseTimeMs;
      case 'error_rate':
        return this.deps.live(server.id).last5m.errorRatePercent;
      case 'rps':
        return this.deps.live(server.id).last60s.rps;
      case 'active_connections':
        return this.deps.activeConnections(server.id);
      // No cheap live source yet: p95/p99 need the sketches, cpu/memory the gauges' last sample.
      case 'response_time_p95':
      case 'response_time_p99':
      case 'cpu':
      case 'memory':
        return null;
    }
  }

  private snapshot(server: ServerRecord): MetricSnapshot {
    const live = this.deps.live(server.id);
    return {
      status: server.state.status,
      response_time_ms: server.state.responseTimeMs,
      error_rate: live.last5m.errorRatePercent,
      rps: live.last60s.rps,
    };
  }

  private async evaluateOne(rule: AlertRule, server: ServerRecord): Promise<void> {
    const k = key(rule.id, server.id);
    const prev = this.instances.get(k);
    const value = this.metricValue(rule, server);
    const condition: ConditionResult =
      value === null ? 'no_data' : compare(rule.condition, value, rule.threshold);
    const now = this.now();
    const { state, notifications } = step(prev?.state, { condition, now, value }, rule);
    let historyId = prev?.historyId ?? null;
    const db = this.deps.db;
    for (const n of notifications) {
      if (n.kind === 'firing')
        historyId = await historyRepo.insertFiring(db, {
          ruleId: rule.id,
          serverId: server.id,
          triggeredAt: n.triggeredAt,
          value: n.value,
          severity: rule.severity,
          snapshot: this.snapshot(server),
        });
      else if (n.kind === 'resolved' && historyId !== null) await historyRepo.resolve(db, historyId, n.at);
    }
    const changed = prev === undefined ? state.state !== 'normal' : shape(prev.state) !== shape(state);
    this.instances.set(k, { state, historyId });
    if (changed) await statesRepo.save(db, { ruleId: rule.id, serverId: server.id, state, historyId }, now);
    for (const n of notifications) this.deliver(rule, server, n, historyId);
  }

  /** Sends in the background (a slow webhook never delays the next evaluation). */
  private deliver(
    rule: AlertRule,
    server: ServerRecord,
    n: PendingNotification,
    historyId: number | null,
  ): void {
    const p = this.send(rule, server, n, historyId)
      .catch((err: unknown) =>
        this.deps.log.error({ err, rule: rule.id, server: server.id }, 'alert delivery failed'),
      )
      .finally(() => this.deliveries.delete(p));
    this.deliveries.add(p);
  }

  private async send(
    rule: AlertRule,
    server: ServerRecord,
    n: PendingNotification,
    historyId: number | null,
  ): Promise<void> {
    const db = this.deps.db;
    const channels = (await channelsRepo.list(db)).filter((c) => c.enabled && rule.channels.includes(c.id));
    if (channels.length === 0) return;
    const targets: ChannelTarget[] = channels.map((c) => ({ id: c.id, kind: c.kind, config: c.config }));
    const message = buildAlertMessage(rule, server, n, this.deps.baseUrl);
    const writes: Promise<void>[] = [];
    const results: TargetResult[] = await dispatch(
      targets,
      message,
      { ...alertChannelDeps(db, this.deps.log, this.deps.bus), ...this.deps.channelDeps },
      (channelId, attempt) =>
        writes.push(notificationsRepo.record(db, { historyId, channelId, notification: n.kind, attempt })),
    );
    await Promise.all(writes);
    if (historyId !== null && n.kind === 'firing') await historyRepo.markSent(db, historyId, results);
  }
}
