import type { WebSocket } from '@fastify/websocket';
import type { DashboardNotification } from '../../model/notification.js';
import type { ServerView } from '../server-view.js';
import type { LiveMessage } from './live-message.js';
import { serverMessages } from './server-messages.js';

/** How far a dashboard may fall behind (bytes the monitor holds for it, time) before it is dropped. */
export interface LiveLimits {
  /** Above this many buffered bytes a client gets its changes coalesced, sent once it drains. */
  softBytes: number;
  /** Past this many (one message larger than the difference) it is closed. */
  hardBytes: number;
  /** Behind (above the soft limit) for longer than this, it is closed. */
  maxLagMs: number;
}

export const LIVE_LIMITS: LiveLimits = {
  softBytes: 1024 * 1024,
  hardBytes: 8 * 1024 * 1024,
  maxLagMs: 30_000,
};

/** Notifications kept for a client that is behind; older ones are dropped (the bell keeps 100). */
const KEPT_NOTIFICATIONS = 20;
/** After the close frame, how long a client that does not read it keeps its socket. */
const CLOSE_GRACE_MS = 5_000;

/** What changed while a client was behind: ids only, read back from the registry when it drains. */
class Backlog {
  readonly changed = new Set<string>();
  readonly removed = new Set<string>();
  readonly notifications: DashboardNotification[] = [];

  constructor(readonly since: number) {}

  add(msg: LiveMessage): void {
    switch (msg.type) {
      case 'server':
        this.change(msg.server.id);
        break;
      case 'servers':
        for (const s of msg.servers) this.change(s.id);
        break;
      case 'server.removed':
        this.changed.delete(msg.id);
        this.removed.add(msg.id);
        break;
      case 'notification':
        this.notifications.push(msg.notification);
        if (this.notifications.length > KEPT_NOTIFICATIONS) this.notifications.shift();
        break;
      // A tail (checks, log lines) is a live view: what it missed is not replayed.
      case 'check':
      case 'log':
      case 'snapshot':
        break;
    }
  }

  private change(id: string): void {
    this.removed.delete(id);
    this.changed.add(id);
  }
}

/** Why a client was dropped, for the log. */
export interface Drop {
  bufferedBytes: number;
  lagMs: number;
}

/**
 * One dashboard on the live hub, with backpressure: while its socket holds more than
 * `softBytes` unsent, messages are folded into a backlog (latest view per server, removals, the
 * last notifications), sent as one batch when it drains; past `hardBytes` or `maxLagMs` it is
 * closed with 1013, and the dashboard reconnects to a fresh snapshot.
 */
export class LiveClient {
  /** Server whose checks and log lines this client tails, if any. */
  tail: string | undefined;
  private backlog: Backlog | undefined;
  private dropped = false;

  constructor(
    readonly socket: WebSocket,
    private readonly limits: LiveLimits,
    private readonly onDrop: (client: LiveClient, why: Drop) => void,
  ) {}

  get open(): boolean {
    return !this.dropped && this.socket.readyState === this.socket.OPEN;
  }

  /**
   * Sends `msg` (serialised as `text`), or folds it into the backlog while the client is behind.
   * A snapshot always goes out: it comes first, on an empty buffer.
   */
  deliver(msg: LiveMessage, text: string, now: number): void {
    if (!this.open) return;
    if (msg.type === 'snapshot' || (!this.backlog && this.socket.bufferedAmount <= this.limits.softBytes)) {
      this.socket.send(text);
      return;
    }
    this.backlog ??= new Backlog(now);
    this.backlog.add(msg);
    this.dropIfTooFarBehind(now);
  }

  /** On the hub's tick: a client that drained gets its backlog; one behind for too long is closed. */
  tick(now: number, view: (id: string) => ServerView | undefined): void {
    const backlog = this.backlog;
    if (!backlog || !this.open) return;
    if (this.socket.bufferedAmount > this.limits.softBytes) {
      this.dropIfTooFarBehind(now);
      return;
    }
    this.backlog = undefined;
    const views = [...backlog.changed].flatMap((id) => view(id) ?? []);
    const [first, ...more] = views.length > 0 ? serverMessages(views, 'servers') : [];
    const others: LiveMessage[] = [
      ...[...backlog.removed].map((id) => ({ type: 'server.removed' as const, id })),
      ...backlog.notifications.map((notification) => ({ type: 'notification' as const, notification })),
    ];
    if (first) this.socket.send(first.text);
    for (const msg of others) this.socket.send(JSON.stringify(msg));
    // A large batch comes in pieces too: the client may fall behind again after the first.
    for (const m of more) this.deliver(m.msg, m.text, now);
  }

  private dropIfTooFarBehind(now: number): void {
    const bufferedBytes = this.socket.bufferedAmount;
    const lagMs = now - (this.backlog?.since ?? now);
    if (bufferedBytes <= this.limits.hardBytes && lagMs <= this.limits.maxLagMs) return;
    this.dropped = true;
    this.backlog = undefined;
    this.onDrop(this, { bufferedBytes, lagMs });
    this.socket.close(1013, 'too far behind: reconnect for a fresh snapshot');
    // The close frame waits behind what the client has not read; one that reads nothing is cut off.
    setTimeout(() => {
      if (this.socket.readyState !== this.socket.CLOSED) this.socket.terminate();
    }, CLOSE_GRACE_MS).unref();
  }
}
