import type { Logger } from 'pino';
import type { Bus } from '../shared/bus.js';
import type { LiveStats } from '../metrics/index.js';
import type { ServerRecord } from '../model/server.js';
import type { Db } from '../store/tables.js';
import type { ChannelDeps } from './channels/channel.js';
import { rulesRepo } from './config-repo.js';
import {
  historyRepo,
  notificationsRepo,
  statesRepo,
  type ResolveReason,
  type StoredState,
} from './history-repo.js';
import type { SecretBox } from '../shared/secrets/secret-box.js';
import { escalateDue, type FiringAlert } from './escalation.js';
import { Notifier, type ServerRef } from './notifier.js';
import { compare, ruleAppliesTo } from './rule.js';
import { type AlertRule, type RuleInput } from '../model/alert-rule.js';
import { step, type ConditionResult, type InstanceState, type PendingNotification } from './state-machine.js';
import { TickMetrics, type AlertSubject, type MetricDeps } from './tick-metrics.js';
import { initialState } from '../model/server.js';
import type { MetricsRetention } from '../metrics/index.js';
import { FencedOut, notificationKeysRepo, type Fence } from './notification-keys.js';

export interface EvaluatorDeps {
  db: Db;
  /** Opens the channels' secret fields, sealed in the store. */
  secrets: SecretBox;
  bus: Bus;
  log: Logger;
  servers: () => ServerRecord[];
  /** The federation peers, for rules of metric `peer_unreachable` (null: not polled yet). */
  peers?: () => { id: string; name: string; unreachable: boolean | null }[];
  live: (serverId: string) => LiveStats;
  activeConnections: (serverId: string) => number;
  /** Rule metric `anomaly_score` (tick-metrics.ts `MetricDeps`); without it such rules have no data. */
  anomalyScore?: MetricDeps['anomalyScore'];
  /** How long the metrics' tiers are kept (the burn rates read the uptime roll-ups with it); default 30 days. */
  retention?: MetricsRetention;
  /** Where people reach the dashboard (`public_url`, else the listening address), for links. */
  baseUrl: string | (() => string);
  /** Tick period (`alert_evaluation_interval`); default 15 s. */
  intervalMs?: number;
  /** Rules of the config file's `alert_rules`, synced at start. */
  configRules?: readonly RuleInput[];
  /** How long `stop()` waits for deliveries still retrying; default 10 s. */
  shutdownGraceMs?: number;
  channelDeps?: Partial<ChannelDeps>;
  /** The maintenance window covering a server at a time, if any: it holds notifications back. */
  maintenanceAt?: (server: ServerRef, at: number) => Promise<{ id: number } | undefined>;
  now?: () => number;
  /**
   * Several instances on PostgreSQL: the leader lease this evaluator's writes must still hold
   * (null once lost). When set, each notification is written under its unique key with the
   * alert's state, in one transaction fenced on the lease, and the pending ones of earlier
   * leaders are sent again at start (src/alerts/notification-keys.ts).
   */
  fence?: () => Fence | null;
}

interface Instance {
  state: InstanceState;
  historyId: number | null;
  /** The rule as last evaluated (a deleted rule's resolve notification needs it). */
  rule?: AlertRule;
}

/** Re-exported for the API's "send test notification". */
export { alertChannelDeps } from './notifier.js';

/** Whether two states differ in more than their last value (a value change alone is not persisted). */
const sameShape = (a: InstanceState, b: InstanceState): boolean =>
  a.state === b.state &&
  a.activeSince === b.activeSince &&
  a.firedAt === b.firedAt &&
  a.lastNotifiedAt === b.lastNotifiedAt &&
  a.resolvedAt === b.resolvedAt;

/** A disabled server raises no alerts. */
const watched = (s: AlertSubject): boolean => s.enabled && s.state.status !== 'disabled';

const refOf = (s: AlertSubject): ServerRef => ({ id: s.id, name: s.name, tags: s.tags });

/** A peer as a rule's subject: id `peer:<id>`, `offline` while unreachable. */
const peerSubject = (p: { id: string; name: string; unreachable: boolean | null }): AlertSubject => ({
  id: `peer:${p.id}`,
  name: `peer ${p.name}`,
  tags: [],
  enabled: true,
  state: {
    ...initialState(),
    status: p.unreachable === null ? 'unknown' : p.unreachable ? 'offline' : 'healthy',
  },
});

/**
 * Evaluates every enabled rule against every applicable server on a fixed cadence and at once
 * when a server's status changes; persists instance states, writes history and notifies. An
 * instance a rule no longer covers (rule disabled, narrowed or deleted; server disabled or
 * removed) is dropped, and resolved with a resolve notification when it was firing.
 */
export class AlertEvaluator {
  /** Instances that left Normal at least once, by rule id then server id (no key strings to build per tick). */
  private readonly instances = new Map<number, Map<string, Instance>>();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private ticking = false;
  /** States changed by the evaluation in progress without a notification, saved together at its end. */
  private dirty: StoredState[] = [];
  private readonly now: () => number;
  private readonly notifier: Notifier;
  /** Servers whose status changed since their evaluation was queued (one evaluation for them all). */
  private readonly changed = new Map<string, ServerRecord>();
  private readonly onStatus = (server: ServerRecord): void => {
    const queued = this.changed.size > 0;
    this.changed.set(server.id, server);
    // A fleet's status changes come in bursts (an upstream down takes many servers with it): one
    // evaluation per burst, not one per server each reading the rules and walking the fleet.
    if (!queued)
      void this.enqueue(() => {
        const servers = [...this.changed.values()];
        this.changed.clear();
        return this.evaluate(servers);
      });
  };

  constructor(private readonly deps: EvaluatorDeps) {
    this.now = deps.now ?? Date.now;
    this.notifier = new Notifier(deps);
  }

  async start(): Promise<void> {
    const now = this.now();
    await rulesRepo.seedDefaults(this.deps.db, now);
    await rulesRepo.syncFromConfig(this.deps.db, this.deps.configRules ?? [], now);
    for (const s of await statesRepo.list(this.deps.db))
      this.put(s.ruleId, s.serverId, { state: s.state, historyId: s.historyId });
    await this.restoreHeld(now);
    await this.resendPending();
    this.deps.bus.on('server.status', this.onStatus);
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs ?? 15_000);
    this.timer.unref();
  }

  /**
   * Firing alerts whose latest firing notification a silence held back: held again, so that they
   * still go out when the silence ends, across a restart.
   */
  private async restoreHeld(now: number): Promise<void> {
    const servers = new Map(this.deps.servers().map((s) => [s.id, s]));
    for (const [ruleId, byServer] of this.instances)
      for (const [serverId, inst] of byServer) {
        if (inst.state.state !== 'firing' || inst.historyId === null) continue;
        const tries = await notificationsRepo.listFor(this.deps.db, inst.historyId);
        const last = tries.filter((t) => t.notification !== 'resolved').at(-1);
        const rule = last?.outcome === 'suppressed' ? await rulesRepo.get(this.deps.db, ruleId) : undefined;
        const server = servers.get(serverId);
        if (!rule || !server) continue;
        const triggeredAt = inst.state.firedAt ?? now;
        this.notifier.hold(inst.historyId, rule, refOf(server), {
          kind: 'firing',
          at: now,
          triggeredAt,
          value: inst.state.value,
        });
      }
  }

  /**
   * A new leader sends again what an earlier one wrote but did not mark sent (it died or lost its
   * lease in the middle): never skipped; at worst sent twice, under the same key.
   */
  private async resendPending(): Promise<void> {
    const fence = this.deps.fence?.();
    if (!fence) return;
    for (const p of await notificationKeysRepo.pendingBefore(this.deps.db, fence.epoch)) {
      const rule = await rulesRepo.get(this.deps.db, p.ruleId);
      if (!rule) {
        await notificationKeysRepo.markSent(this.deps.db, p.key, this.now());
        continue;
      }
      this.deps.log.info({ key: p.key }, 'sending a notification an earlier leader left pending');
      this.notifier.deliver(rule, p.server, p.n, p.historyId, p.key);
    }
  }

  /** The lease to fence writes on; undefined on a single instance; throws once it is lost. */
  private fenceNow(): Fence | undefined {
    if (!this.deps.fence) return undefined;
    const fence = this.deps.fence();
    if (!fence) throw new FencedOut();
    return fence;
  }

  /** Stops evaluating, then waits (at most `shutdownGraceMs`) for deliveries still retrying. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.deps.bus.off('server.status', this.onStatus);
    await this.chain;
    await this.notifier.drain(this.deps.shutdownGraceMs ?? 10_000);
  }

  /** Notifications being delivered (tries and retries in progress). */
  get inFlight(): number {
    return this.notifier.inFlight;
  }

  /** A timer tick: skipped while the previous one still runs (ticks never queue up behind a slow one). */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.evaluateNow();
    } finally {
      this.ticking = false;
    }
  }

  /** History ids of the instances firing now. */
  private firingHistory(): Set<number> {
    const ids = new Set<number>();
    for (const byServer of this.instances.values())
      for (const inst of byServer.values())
        if (inst.state.state === 'firing' && inst.historyId !== null) ids.add(inst.historyId);
    return ids;
  }

  private put(ruleId: number, serverId: string, inst: Instance): void {
    let byServer = this.instances.get(ruleId);
    if (!byServer) this.instances.set(ruleId, (byServer = new Map<string, Instance>()));
    byServer.set(serverId, inst);
  }

  /** Evaluates all servers (or one); runs after any evaluation in progress. */
  evaluateNow(serverId?: string): Promise<void> {
    return this.enqueue(() =>
      this.evaluate(
        serverId === undefined ? undefined : this.deps.servers().filter((s) => s.id === serverId),
      ),
    );
  }

  private enqueue(run: () => Promise<void>): Promise<void> {
    this.chain = this.chain
      .then(run)
      .catch((err: unknown) => this.deps.log.error({ err }, 'alert evaluation failed'));
    return this.chain;
  }

  /**
   * Every rule on every server; or (`only`) the servers whose status changed, on the rules whose
   * metric is in memory (status, response time, error rate…): the store-read ones wait for the tick.
   */
  private async evaluate(only?: ServerRecord[]): Promise<void> {
    if (this.deps.fence && !this.deps.fence()) return; // no longer the leader
    const now = this.now();
    const allRules = await rulesRepo.list(this.deps.db);
    const rules = allRules.filter((r) => r.enabled && (only === undefined || !TickMetrics.readsStore(r)));
    // the changed servers are taken as the bus gave them: never a walk of the fleet per change
    const allServers = only ?? this.deps.servers();
    const servers = allServers.filter(watched);
    // Peers are read on the tick only (their links change on the poller's cadence, not on a status change).
    const peers = only === undefined ? (this.deps.peers?.() ?? []).map(peerSubject) : [];
    const metrics = await TickMetrics.load(this.deps, rules, now);
    this.dirty = [];
    for (const rule of rules) {
      const byServer = this.instances.get(rule.id);
      for (const server of rule.metric === 'peer_unreachable' ? peers : servers) {
        if (rule.servers !== null && !ruleAppliesTo(rule, server.id)) continue;
        const pending = this.evaluateOne(rule, server, byServer?.get(server.id), metrics, now);
        if (pending) await pending;
      }
    }
    if (this.dirty.length > 0 && this.fenceNow() !== null)
      await statesRepo.saveMany(this.deps.db, this.dirty, now);
    this.dirty = [];
    if (only !== undefined) return;
    await this.dropUncovered(allRules, [...allServers, ...peers], now);
    let firing: Set<number> | undefined;
    await this.notifier.release(now, (historyId) => (firing ??= this.firingHistory()).has(historyId));
    await escalateDue(this.deps.db, this.notifier, this.escalating(rules, servers), now);
  }

  /** The firing instances of the rules that escalate. */
  private escalating(rules: AlertRule[], servers: ServerRecord[]): FiringAlert[] {
    const out: FiringAlert[] = [];
    let byId: Map<string, ServerRecord> | undefined;
    for (const rule of rules) {
      if (rule.escalation.length === 0) continue;
      byId ??= new Map(servers.map((s) => [s.id, s]));
      for (const [serverId, inst] of this.instances.get(rule.id) ?? []) {
        const server = byId.get(serverId);
        if (inst.state.state === 'firing' && inst.historyId !== null && server)
          out.push({ rule, server: refOf(server), historyId: inst.historyId, state: inst.state });
      }
    }
    return out;
  }

  /** Synchronous unless something is to be written or sent (the common case at scale is neither). */
  private evaluateOne(
    rule: AlertRule,
    server: AlertSubject,
    prev: Instance | undefined,
    metrics: TickMetrics,
    now: number,
  ): Promise<void> | undefined {
    const value = metrics.value(rule, server);
    const condition: ConditionResult =
      value === null ? 'no_data' : compare(rule.condition, value, rule.threshold);
    // Never left Normal and nothing holds (or no data): stays Normal, nothing to keep.
    if (prev === undefined && condition !== true) return undefined;
    const { state, notifications } = step(prev?.state, { condition, now, value }, rule);
    const changed = prev === undefined ? state.state !== 'normal' : !sameShape(prev.state, state);
    if (notifications.length === 0) {
      if (prev) Object.assign(prev, { state, rule });
      else if (changed) this.put(rule.id, server.id, { state, historyId: null, rule });
      if (changed)
        this.dirty.push({ ruleId: rule.id, serverId: server.id, state, historyId: prev?.historyId ?? null });
      return undefined;
    }
    return this.apply(
      rule,
      server,
      metrics,
      { state, historyId: prev?.historyId ?? null, rule },
      notifications,
      now,
    );
  }

  private async apply(
    rule: AlertRule,
    server: AlertSubject,
    metrics: TickMetrics,
    next: Instance,
    notifications: PendingNotification[],
    now: number,
  ): Promise<void> {
    const fence = this.fenceNow();
    const ref = refOf(server);
    const write = async (db: Db): Promise<(string | undefined)[]> => {
      for (const n of notifications) {
        if (n.kind === 'firing')
          next.historyId = await historyRepo.insertFiring(db, {
            ruleId: rule.id,
            ruleName: rule.name,
            serverId: server.id,
            triggeredAt: n.triggeredAt,
            value: n.value,
            severity: rule.severity,
            snapshot: metrics.snapshot(server),
          });
        else if (n.kind === 'resolved' && next.historyId !== null)
          await historyRepo.resolve(db, next.historyId, n.at);
      }
      await statesRepo.save(
        db,
        { ruleId: rule.id, serverId: server.id, state: next.state, historyId: next.historyId },
        now,
      );
      const keys: (string | undefined)[] = [];
      for (const n of notifications)
        keys.push(
          fence && (await notificationKeysRepo.insertPending(db, fence, rule, ref, n, next.historyId)),
        );
      return keys;
    };
    // Several instances: the state, its history and its notifications' keys go in together, or
    // not at all when the lease was lost meanwhile.
    const keys = fence ? await this.deps.db.transaction().execute(write) : await write(this.deps.db);
    this.put(rule.id, server.id, next);
    notifications.forEach((n, i) => this.notifier.deliver(rule, ref, n, next.historyId, keys[i]));
  }

  /** Drops the instances no rule covers any more; a firing one is resolved and notified. */
  private async dropUncovered(allRules: AlertRule[], allServers: AlertSubject[], now: number): Promise<void> {
    const rules = new Map(allRules.map((r) => [r.id, r]));
    const servers = new Map(allServers.map((s) => [s.id, s]));
    for (const [ruleId, byServer] of [...this.instances])
      for (const [serverId, inst] of [...byServer]) {
        await this.dropIfUncovered(ruleId, serverId, inst, rules.get(ruleId), servers.get(serverId), now);
      }
  }

  private async dropIfUncovered(
    ruleId: number,
    serverId: string,
    inst: Instance,
    rule: AlertRule | undefined,
    server: AlertSubject | undefined,
    now: number,
  ): Promise<void> {
    const reason: ResolveReason | null = !rule
      ? 'rule_deleted'
      : !rule.enabled
        ? 'rule_disabled'
        : !ruleAppliesTo(rule, serverId)
          ? 'rule_changed'
          : !server
            ? 'server_removed'
            : !watched(server)
              ? 'server_disabled'
              : null;
    if (reason === null) return;
    this.instances.get(ruleId)?.delete(serverId);
    // A deleted rule's states went with it (rulesRepo.delete).
    if (rule) await statesRepo.delete(this.deps.db, ruleId, serverId);
    if (inst.state.state !== 'firing') return;
    if (inst.historyId !== null) await historyRepo.resolve(this.deps.db, inst.historyId, now, reason);
    const about = rule ?? inst.rule;
    this.deps.log.info(
      { rule: ruleId, server: serverId, reason },
      'firing alert no longer covered: resolved',
    );
    // Deleted before this process evaluated it: the history is resolved, nothing to send with.
    if (!about) return;
    const ref = server ? refOf(server) : { id: serverId, name: serverId, tags: [] };
    const n: PendingNotification = {
      kind: 'resolved',
      at: now,
      triggeredAt: inst.state.firedAt ?? now,
      value: inst.state.value,
    };
    const fence = this.fenceNow();
    const key =
      fence && (await notificationKeysRepo.insertPending(this.deps.db, fence, about, ref, n, inst.historyId));
    this.notifier.deliver(about, ref, n, inst.historyId, key);
  }
}
