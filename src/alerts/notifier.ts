import type { Logger } from 'pino';
import type { Bus } from '../shared/bus.js';
import type { SecretBox } from '../shared/secrets/secret-box.js';
import type { Db } from '../store/tables.js';
import type { AlertMessage, DeliveryAttempt } from '../model/notification.js';
import { actionsRepo } from './actions.js';
import type { ChannelDeps } from './channels/channel.js';
import { dispatch, isKeyed, type ChannelTarget, type TargetResult } from './channels/registry.js';
import { channelsRepo, type StoredChannel } from './config-repo.js';
import { historyRepo, notificationsRepo } from './history-repo.js';
import { groupMessage } from './group-message.js';
import { AlertGroups, type GroupMember } from './grouping.js';
import { buildAlertMessage } from './message.js';
import { postNotification } from './notifications-repo.js';
import type { AlertRule } from '../model/alert-rule.js';
import { silenceMatches, silencesRepo } from './silences.js';
import type { PendingNotification } from './state-machine.js';
import { auditRepo } from '../store/events-repo.js';
import { notificationKeysRepo } from './notification-keys.js';

/** The server as a notification needs it (a removed server is only its id). */
export interface ServerRef {
  id: string;
  name: string;
  tags: readonly string[];
}

export interface NotifierDeps {
  db: Db;
  secrets: SecretBox;
  bus: Bus;
  log: Logger;
  /** Where people reach the dashboard (`public_url`, else the listening address), for links. */
  baseUrl: string | (() => string);
  channelDeps?: Partial<ChannelDeps>;
  /** The maintenance window covering a server at a time, if any: it holds notifications back. */
  maintenanceAt?: (server: ServerRef, at: number) => Promise<{ id: number } | undefined>;
}

/** What held a notification back: a silence, a silence action on the history entry, or a maintenance window. */
interface Hold {
  silenceId: number | null;
  actionId: number | null;
  maintenanceId: number | null;
}

/**
 * Delivers the evaluator's notifications in the background (a slow webhook never delays the
 * next evaluation), unless a silence, a silence action or a maintenance window holds them back —
 * then each of the rule's channels gets a 'suppressed' row naming what held it back. Each alert
 * goes in the bell at once; its rule's channels get it at once too, or, when the rule has a
 * group wait, with the other alerts of its group (grouping.ts).
 */
export class Notifier {
  private readonly deliveries = new Set<Promise<void>>();
  /**
   * Firing (or repeat) notifications a silence held back, by history id: once no silence holds
   * them and the alert still fires, they go out (a server still down after its maintenance
   * window is reported then). Kept in memory and rebuilt at start from the store (`hold`): a
   * firing alert whose latest notification was suppressed.
   */
  private readonly held = new Map<number, { rule: AlertRule; server: ServerRef; n: PendingNotification }>();
  /** The last send of each alert instance still in progress, by rule and server. */
  private readonly order = new Map<string, Promise<void>>();
  private readonly groups = new AlertGroups((rule, members) =>
    this.track(
      this.channelsOf(rule.channels).then((channels) => this.dispatchTo(channels, members)),
      rule,
    ),
  );

  constructor(private readonly deps: NotifierDeps) {}

  /** Holds back a firing notification found suppressed in the store at start, for `release`. */
  hold(historyId: number, rule: AlertRule, server: ServerRef, n: PendingNotification): void {
    this.held.set(historyId, { rule, server, n });
  }

  get inFlight(): number {
    return this.deliveries.size;
  }

  /** `key`: the notification's unique key (several instances), marked sent once handled. */
  deliver(
    rule: AlertRule,
    server: ServerRef,
    n: PendingNotification,
    historyId: number | null,
    key?: string,
  ): void {
    // One alert's notifications in the order they came (a resolve never overtakes its firing).
    const order = `${rule.id}\u0000${server.id}`;
    const run = () =>
      this.send(rule, server, n, historyId, key).then(() =>
        key ? notificationKeysRepo.markSent(this.deps.db, key, Date.now()) : undefined,
      );
    const next = (this.order.get(order) ?? Promise.resolve()).then(run, run);
    this.order.set(order, next);
    const forget = () => {
      if (this.order.get(order) === next) this.order.delete(order);
    };
    next.then(forget, forget);
    this.track(next, rule);
  }

  /**
   * Sends a firing alert to further channels (an escalation step) unless something holds it back
   * now, once `claim` (recording the step) says it is the first to.
   */
  async escalate(
    rule: AlertRule,
    server: ServerRef,
    n: PendingNotification,
    historyId: number,
    channelIds: readonly number[],
    claim: () => Promise<boolean>,
  ): Promise<void> {
    if (await this.heldBy(rule, server, n, historyId)) return;
    if (!(await claim())) return;
    const channels = await this.channelsOf(channelIds);
    const base = typeof this.deps.baseUrl === 'function' ? this.deps.baseUrl() : this.deps.baseUrl;
    const message = buildAlertMessage(rule, server, n, base, historyId);
    const escalated = { ...message, summary: message.summary.replace(/^\[[A-Z ]+\]/, '[ESCALATED]') };
    this.track(this.dispatchTo(channels, [{ rule, server, n, historyId, message: escalated }]), rule);
  }

  private track(p: Promise<void>, rule: AlertRule): void {
    const tracked = p
      .catch((err: unknown) => this.deps.log.error({ err, rule: rule.id }, 'alert delivery failed'))
      .finally(() => this.deliveries.delete(tracked));
    this.deliveries.add(tracked);
  }

  /**
   * Waits for the sends in progress (which may join a group), sends what the groups hold, and
   * waits for those deliveries too: at most `graceMs` in all; reports what it did not wait for.
   */
  async drain(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    await this.settle(deadline);
    this.groups.flushAll();
    if (await this.settle(deadline))
      this.deps.log.warn(
        { deliveries: this.deliveries.size, grace_ms: graceMs },
        'alert deliveries still retrying at shutdown; not waiting longer',
      );
  }

  /** Waits for the deliveries in flight until `deadline`; whether some were still going then. */
  private async settle(deadline: number): Promise<boolean> {
    if (this.deliveries.size === 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>(
      (r) => (timer = setTimeout(() => r(true), Math.max(0, deadline - Date.now()))),
    );
    const done = Promise.all([...this.deliveries]).then(() => false);
    const late = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    return late;
  }

  /** Sends the held-back notifications no silence holds any more, of alerts still firing. */
  async release(now: number, stillFiring: (historyId: number) => boolean): Promise<void> {
    for (const [historyId, h] of [...this.held]) {
      if (!stillFiring(historyId)) {
        this.held.delete(historyId);
        continue;
      }
      const n: PendingNotification = {
        kind: 'firing',
        at: now,
        triggeredAt: h.n.triggeredAt,
        value: h.n.value,
      };
      if (await this.heldBy(h.rule, h.server, n, historyId)) continue;
      this.held.delete(historyId);
      this.deliver(h.rule, h.server, n, historyId);
    }
  }

  private async heldBy(
    rule: AlertRule,
    server: ServerRef,
    n: PendingNotification,
    historyId: number | null,
  ): Promise<Hold | undefined> {
    const target = { ruleId: rule.id, serverId: server.id, tags: server.tags };
    const silence = (await silencesRepo.activeAt(this.deps.db, n.at)).find((s) =>
      silenceMatches(s, target, n.at),
    );
    if (silence) return { silenceId: silence.id, actionId: null, maintenanceId: null };
    const window = await this.deps.maintenanceAt?.(server, n.at);
    if (window) return { silenceId: null, actionId: null, maintenanceId: window.id };
    if (historyId === null) return undefined;
    const action = await actionsRepo.silenceAt(this.deps.db, historyId, n.at);
    return action ? { silenceId: null, actionId: action.id, maintenanceId: null } : undefined;
  }

  private async channelsOf(ids: readonly number[]): Promise<StoredChannel[]> {
    return (await channelsRepo.list(this.deps.db, this.deps.secrets)).filter(
      (c) => c.enabled && ids.includes(c.id),
    );
  }

  /** Past its holds and in the bell: to the rule's channels at once, or into its group. */
  private async send(
    rule: AlertRule,
    server: ServerRef,
    n: PendingNotification,
    historyId: number | null,
    key?: string,
  ): Promise<void> {
    const channels = await this.channelsOf(rule.channels);
    const message = await this.admit(rule, server, n, historyId, channels, key);
    if (!message) return;
    const member = { rule, server, n, historyId, message };
    if (rule.group_wait > 0) this.groups.add(member);
    else await this.dispatchTo(channels, [member]);
  }

  /** The message for one alert, in the bell; or undefined when something holds it back (recorded). */
  private async admit(
    rule: AlertRule,
    server: ServerRef,
    n: PendingNotification,
    historyId: number | null,
    channels: StoredChannel[],
    key?: string,
  ): Promise<AlertMessage | undefined> {
    const hold = await this.heldBy(rule, server, n, historyId);
    if (historyId !== null)
      if (hold && n.kind !== 'resolved') this.held.set(historyId, { rule, server, n });
      else this.held.delete(historyId);
    const base = typeof this.deps.baseUrl === 'function' ? this.deps.baseUrl() : this.deps.baseUrl;
    const message = buildAlertMessage(rule, server, n, base, historyId);
    if (key) message.key = key;
    // Every alert that fires or resolves goes in the bell, whatever channels its rule names (a
    // reminder does not: the bell lists the alert as firing already).
    if (!hold && n.kind !== 'repeat')
      await postNotification(
        this.deps.db,
        this.deps.bus,
        { title: message.summary, message },
        n.at,
        historyId,
      );
    if (!hold) return message;
    await this.suppress(rule, server, n, historyId, channels, hold);
    return undefined;
  }

  /**
   * One message for all the alerts to each channel (a keyed provider: one per alert); every try
   * is recorded against each alert the message told of.
   */
  private async dispatchTo(channels: StoredChannel[], admitted: readonly GroupMember[]): Promise<void> {
    if (channels.length === 0 || admitted.length === 0) return;
    const db = this.deps.db;
    const writes: Promise<void>[] = [];
    const deps: ChannelDeps = {
      ...alertChannelDeps(db, this.deps.log, this.deps.bus),
      // The alert is in the bell already (admit): a dashboard channel's delivery is that.
      notify: () => undefined,
      ...this.deps.channelDeps,
    };
    const recordFor = (told: readonly GroupMember[]) => (channelId: number, attempt: DeliveryAttempt) => {
      for (const a of told)
        writes.push(
          notificationsRepo.record(db, {
            historyId: a.historyId,
            channelId,
            notification: a.n.kind,
            attempt,
          }),
        );
    };
    const targets: ChannelTarget[] = channels.map((c) => ({ id: c.id, kind: c.kind, config: c.config }));
    const together = targets.filter((t) => !isKeyed(t.kind));
    const each = targets.filter((t) => isKeyed(t.kind));
    const sends: Promise<{ results: TargetResult[]; told: readonly GroupMember[] }>[] = [];
    if (together.length > 0) {
      const message = groupMessage(admitted.map((a) => a.message));
      sends.push(
        dispatch(together, message, deps, recordFor(admitted)).then((results) => ({
          results,
          told: admitted,
        })),
      );
    }
    if (each.length > 0)
      for (const a of admitted)
        sends.push(
          dispatch(each, a.message, deps, recordFor([a])).then((results) => ({ results, told: [a] })),
        );
    const done = await Promise.all(sends);
    await Promise.all(writes);
    for (const a of admitted) {
      const { historyId, n } = a;
      if (historyId === null || n.kind !== 'firing') continue;
      const results = done.filter((d) => d.told.includes(a)).flatMap((d) => d.results);
      await historyRepo.markSent(db, historyId, results);
    }
  }

  private async suppress(
    rule: AlertRule,
    server: ServerRef,
    n: PendingNotification,
    historyId: number | null,
    channels: StoredChannel[],
    hold: Hold,
  ): Promise<void> {
    for (const c of channels)
      await notificationsRepo.recordSuppressed(this.deps.db, {
        historyId,
        channelId: c.id,
        channelKind: c.kind,
        notification: n.kind,
        at: n.at,
        ...hold,
      });
    this.deps.log.info(
      {
        rule: rule.id,
        server: server.id,
        notification: n.kind,
        silence: hold.silenceId,
        action: hold.actionId,
        maintenance: hold.maintenanceId,
      },
      hold.maintenanceId === null
        ? 'alert notification suppressed by a silence'
        : 'alert notification suppressed by a maintenance window',
    );
  }
}

/** What channels get from the monitor: the logger, the log channel's audit row, the bell for the dashboard channel. */
export const alertChannelDeps = (db: Db, logger: Logger, bus?: Bus): ChannelDeps => ({
  logger,
  audit: (row) => auditRepo.insert(db, { actor: 'alerts', ...row }),
  ...(bus ? { notify: (n) => postNotification(db, bus, n, Date.now()).then(() => undefined) } : {}),
});
