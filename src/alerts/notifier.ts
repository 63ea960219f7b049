import type { Logger } from 'pino';
import type { Bus } from '../shared/bus.js';
import type { SecretBox } from '../shared/secrets/secret-box.js';
import type { Db } from '../store/tables.js';
import { actionsRepo } from './actions.js';
import type { ChannelDeps } from './channels/channel.js';
import { dispatch, type ChannelTarget, type TargetResult } from './channels/registry.js';
import { channelsRepo, type StoredChannel } from './config-repo.js';
import { historyRepo, notificationsRepo } from './history-repo.js';
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
}

/** What held a notification back: a silence, or a silence action on the history entry. */
interface Hold {
  silenceId: number | null;
  actionId: number | null;
}

/**
 * Delivers the evaluator's notifications in the background (a slow webhook never delays the
 * next evaluation), unless a silence or a silence action holds them back — then each of the
 * rule's channels gets a 'suppressed' row naming what held it back.
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
    const p = this.send(rule, server, n, historyId, key)
      .then(() => (key ? notificationKeysRepo.markSent(this.deps.db, key, Date.now()) : undefined))
      .catch((err: unknown) =>
        this.deps.log.error({ err, rule: rule.id, server: server.id }, 'alert delivery failed'),
      )
      .finally(() => this.deliveries.delete(p));
    this.deliveries.add(p);
  }

  /** Waits for the deliveries in flight, at most `graceMs`; reports what it did not wait for. */
  async drain(graceMs: number): Promise<void> {
    if (this.deliveries.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)));
    const done = Promise.all([...this.deliveries]).then(() => false);
    const late = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    if (late)
      this.deps.log.warn(
        { deliveries: this.deliveries.size, grace_ms: graceMs },
        'alert deliveries still retrying at shutdown; not waiting longer',
      );
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
    if (silence) return { silenceId: silence.id, actionId: null };
    if (historyId === null) return undefined;
    const action = await actionsRepo.silenceAt(this.deps.db, historyId, n.at);
    return action ? { silenceId: null, actionId: action.id } : undefined;
  }

  private async send(
    rule: AlertRule,
    server: ServerRef,
    n: PendingNotification,
    historyId: number | null,
    key?: string,
  ): Promise<void> {
    const db = this.deps.db;
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
      await postNotification(db, this.deps.bus, { title: message.summary, message }, n.at, historyId);
    const channels = (await channelsRepo.list(db, this.deps.secrets)).filter(
      (c) => c.enabled && rule.channels.includes(c.id),
    );
    if (hold) return this.suppress(rule, server, n, historyId, channels, hold);
    if (channels.length === 0) return;
    const targets: ChannelTarget[] = channels.map((c) => ({ id: c.id, kind: c.kind, config: c.config }));
    const writes: Promise<void>[] = [];
    const deps: ChannelDeps = {
      ...alertChannelDeps(db, this.deps.log, this.deps.bus),
      // The alert is in the bell already (above): a dashboard channel's delivery is that.
      notify: () => undefined,
      ...this.deps.channelDeps,
    };
    const results: TargetResult[] = await dispatch(targets, message, deps, (channelId, attempt) =>
      writes.push(notificationsRepo.record(db, { historyId, channelId, notification: n.kind, attempt })),
    );
    await Promise.all(writes);
    if (historyId !== null && n.kind === 'firing') await historyRepo.markSent(db, historyId, results);
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
      },
      'alert notification suppressed by a silence',
    );
  }
}

/** What channels get from the monitor: the logger, the log channel's audit row, the bell for the dashboard channel. */
export const alertChannelDeps = (db: Db, logger: Logger, bus?: Bus): ChannelDeps => ({
  logger,
  audit: (row) => auditRepo.insert(db, { actor: 'alerts', ...row }),
  ...(bus ? { notify: (n) => postNotification(db, bus, n, Date.now()).then(() => undefined) } : {}),
});
