import type { AlertRule } from '../model/alert-rule.js';
import type { AlertMessage } from '../model/notification.js';
import type { PendingNotification } from './state-machine.js';

/** One alert's notification, past its holds, with the message that tells of it alone. */
export interface GroupMember {
  rule: AlertRule;
  server: { id: string; name: string; tags: readonly string[] };
  n: PendingNotification;
  historyId: number | null;
  message: AlertMessage;
}

interface Group {
  /** The latest notification of each server not yet sent, by server id. */
  waiting: Map<string, GroupMember>;
  /** Servers whose firing the group has told of and not yet their resolution. */
  told: Set<string>;
  lastSent: number | null;
  timer: NodeJS.Timeout | null;
  rule: AlertRule;
}

/**
 * Alertmanager's grouping (its dispatcher's aggregation groups), one group per rule: the first
 * alert of a group waits `group_wait` for others, then one notification tells of all of them;
 * later changes (more servers firing, resolutions, reminders) wait until `group_interval` after
 * the previous notification and go out together. A group ends when a notification leaves none of
 * its alerts firing; the next alert starts a new one, which waits `group_wait` again.
 *
 * In memory: `flushAll` (at stop) sends what is waiting; a crash loses at most the waits in
 * progress — the alerts themselves are in history and the bell already.
 */
export class AlertGroups {
  private readonly groups = new Map<number, Group>();

  constructor(
    private readonly send: (rule: AlertRule, members: GroupMember[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  add(m: GroupMember): void {
    let g = this.groups.get(m.rule.id);
    if (!g) {
      g = { waiting: new Map(), told: new Set(), lastSent: null, timer: null, rule: m.rule };
      this.groups.set(m.rule.id, g);
    }
    g.rule = m.rule;
    const id = m.server.id;
    // Fired and resolved within one wait, never told of: there is nothing to say about it.
    if (m.n.kind === 'resolved' && !g.told.has(id) && g.waiting.has(id)) g.waiting.delete(id);
    else g.waiting.set(id, m);
    this.schedule(m.rule.id, g);
  }

  /** Sends every group's waiting notifications now (at stop). */
  flushAll(): void {
    for (const ruleId of [...this.groups.keys()]) this.flush(ruleId);
  }

  private schedule(ruleId: number, g: Group): void {
    if (g.timer !== null || g.waiting.size === 0) return;
    const due =
      g.lastSent === null ? this.now() + g.rule.group_wait * 1000 : g.lastSent + g.rule.group_interval * 1000;
    g.timer = setTimeout(() => this.flush(ruleId), Math.max(0, due - this.now()));
    // The evaluator's stop flushes: a waiting group never keeps the process alive.
    g.timer.unref();
  }

  private flush(ruleId: number): void {
    const g = this.groups.get(ruleId);
    if (!g) return;
    if (g.timer !== null) clearTimeout(g.timer);
    g.timer = null;
    const members = [...g.waiting.values()];
    g.waiting.clear();
    if (members.length === 0) return;
    g.lastSent = this.now();
    for (const m of members)
      if (m.n.kind === 'resolved') g.told.delete(m.server.id);
      else g.told.add(m.server.id);
    if (g.told.size === 0) this.groups.delete(ruleId);
    this.send(g.rule, members);
  }
}
