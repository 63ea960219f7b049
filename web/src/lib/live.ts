import type { ActiveAlert, Check, DashboardNotification, LogLine, Server } from './api.js';
import { api, liveUrl } from './api.js';
import { token } from './http.js';
import { Observable } from './observable.js';

export type Connection = 'connecting' | 'live' | 'reconnecting';

type LiveMessage =
  | { type: 'snapshot'; servers: Server[] }
  | { type: 'server'; server: Server }
  | { type: 'servers'; servers: Server[] }
  | { type: 'server.removed'; id: string }
  | { type: 'check'; server_id: string; check: Check }
  | { type: 'log'; server_id: string; line: LogLine }
  | { type: 'notification'; notification: DashboardNotification }
  | { type: 'peer'; peer: { id: string; status: string } };

/** How many notifications the bell lists. */
const NOTICES = 50;

type TailListener = (m: { kind: 'check'; check: Check } | { kind: 'log'; line: LogLine }) => void;

/**
 * The dashboard's view of the fleet, kept current by the live hub (`/api/v1/live`). While the
 * socket is down it polls `/api/v1/servers` every `dashboard_refresh_interval` and says so.
 */
export class Live {
  readonly servers = new Map<string, Server>();
  /** Bumped on every change of `servers`; views watch it. */
  readonly version = new Observable(0);
  readonly connection = new Observable<Connection>('connecting');
  /** Whether the first list of servers has arrived (before it, the grid shows "loading"). */
  readonly loaded = new Observable(false);
  /** The bell's notifications, newest first, as the store keeps them (with their read state). */
  readonly notices = new Observable<DashboardNotification[]>([]);
  readonly unread = new Observable(0);
  /** Bumped when a federation peer's status changes (the Federation view reloads). */
  readonly peers = new Observable(0);
  /** Firing alerts by server id. */
  readonly firing = new Observable<Map<string, ActiveAlert[]>>(new Map());
  private socket: WebSocket | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private retryMs = 500;
  private tailId: string | undefined;
  private readonly tailListeners = new Set<TailListener>();

  constructor(private refreshMs = 5000) {}

  start(): void {
    this.connect();
  }

  private connect(): void {
    const t = token.get();
    const url = liveUrl(t);
    const ws = new WebSocket(url);
    this.socket = ws;
    ws.onopen = () => {
      performance.mark('mcp-health:live-open');
      this.retryMs = 500;
      this.connection.set('live');
      this.stopPolling();
      if (this.tailId) ws.send(JSON.stringify({ type: 'tail', server: this.tailId }));
      // What fired or was notified while the socket was down (or before the page opened).
      void this.refreshAlerts();
      void this.refreshNotices();
    };
    ws.onmessage = (e: MessageEvent<string>) => this.receive(JSON.parse(e.data) as LiveMessage);
    ws.onclose = (e) => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.connection.set('reconnecting');
      this.startPolling();
      // 4401: the token is missing or wrong; polling's 401 shows the login form.
      const wait = e.code === 4401 ? this.refreshMs : this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, this.refreshMs);
      setTimeout(() => this.connect(), wait);
    };
  }

  setRefresh(ms: number): void {
    this.refreshMs = ms;
    if (this.pollTimer) {
      this.stopPolling();
      this.startPolling();
    }
  }

  /** Drops the socket and connects again (after a login). */
  reconnect(): void {
    const ws = this.socket;
    this.socket = undefined;
    ws?.close();
    this.connect();
  }

  private receive(m: LiveMessage): void {
    switch (m.type) {
      case 'snapshot':
        performance.mark('mcp-health:snapshot');
        this.servers.clear();
        for (const s of m.servers) this.servers.set(s.id, s);
        this.loaded.set(true);
        break;
      case 'server':
        // A status change may fire or resolve an alert: the cards' firing marks follow shortly.
        if (this.servers.get(m.server.id)?.status !== m.server.status) this.alertsSoon();
        this.servers.set(m.server.id, m.server);
        break;
      case 'servers':
        for (const s of m.servers) this.servers.set(s.id, s);
        break;
      case 'server.removed':
        this.servers.delete(m.id);
        break;
      case 'check':
        for (const l of this.tailListeners) l({ kind: 'check', check: m.check });
        return;
      case 'log':
        for (const l of this.tailListeners) l({ kind: 'log', line: m.line });
        return;
      case 'peer':
        this.peers.set(this.peers.get() + 1);
        return;
      case 'notification': {
        const n = m.notification;
        const known = this.notices.get();
        if (known.some((k) => k.id === n.id)) return;
        this.notices.set([n, ...known].slice(0, NOTICES));
        if (!n.read) this.unread.set(this.unread.get() + 1);
        void this.refreshAlerts();
        return;
      }
    }
    this.version.set(this.version.get() + 1);
  }

  private startPolling(): void {
    if (this.pollTimer) return;
    const poll = async () => {
      try {
        const { servers } = await api.servers.list();
        this.servers.clear();
        for (const s of servers) this.servers.set(s.id, s);
        this.loaded.set(true);
        this.version.set(this.version.get() + 1);
      } catch {
        // The marker already says "reconnecting"; the next poll tries again.
      }
    };
    void poll();
    this.pollTimer = setInterval(() => void poll(), this.refreshMs);
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** Applies a server the API just returned (after an action), without waiting for the hub. */
  upsert(s: Server): void {
    this.servers.set(s.id, s);
    this.version.set(this.version.get() + 1);
  }

  remove(id: string): void {
    this.servers.delete(id);
    this.version.set(this.version.get() + 1);
  }

  /** Streams a server's checks and log lines to `listener` until the returned function is called. */
  tail(serverId: string, listener: TailListener): () => void {
    this.tailId = serverId;
    this.tailListeners.add(listener);
    if (this.socket?.readyState === WebSocket.OPEN)
      this.socket.send(JSON.stringify({ type: 'tail', server: serverId }));
    return () => {
      this.tailListeners.delete(listener);
      if (this.tailListeners.size === 0) {
        this.tailId = undefined;
        if (this.socket?.readyState === WebSocket.OPEN)
          this.socket.send(JSON.stringify({ type: 'tail', server: null }));
      }
    };
  }

  async refreshNotices(): Promise<void> {
    try {
      const r = await api.notifications.list(NOTICES);
      this.notices.set(r.notifications);
      this.unread.set(r.unread);
    } catch {
      // The bell stays as it was; the next connection tries again.
    }
  }

  /** Marks every notification read, here and in the store (so a reload, or another browser, agrees). */
  async markRead(): Promise<void> {
    if (this.unread.get() === 0) return;
    this.unread.set(0);
    this.notices.set(this.notices.get().map((n) => (n.read ? n : { ...n, read: true })));
    try {
      const r = await api.notifications.readAll();
      this.unread.set(r.unread);
    } catch {
      // Still unread in the store: the next load shows them so.
    }
  }

  private alertsTimer: ReturnType<typeof setTimeout> | undefined;

  /** Refreshes the firing alerts once things settle (the evaluator acts on a status change at once). */
  private alertsSoon(): void {
    clearTimeout(this.alertsTimer);
    this.alertsTimer = setTimeout(() => void this.refreshAlerts(), 500);
  }

  async refreshAlerts(): Promise<void> {
    try {
      const { alerts } = await api.alerts.active();
      const byServer = new Map<string, ActiveAlert[]>();
      for (const a of alerts) byServer.set(a.server_id, [...(byServer.get(a.server_id) ?? []), a]);
      this.firing.set(byServer);
    } catch {
      // Alerts are a decoration of the grid; the grid works without them.
    }
  }
}

export const live = new Live();
