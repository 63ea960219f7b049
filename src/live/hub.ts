import type { WebSocket } from '@fastify/websocket';
import type { DashboardNotification } from '../alerts/channels/channel.js';
import { serverView } from '../api/server-view.js';
import type { Monitor } from '../monitor.js';
import type { ServerRecord } from '../servers/server-types.js';

/** Messages the live hub sends; the dashboard's only source of live updates. */
export type LiveMessage =
  | { type: 'snapshot'; servers: ReturnType<typeof serverView>[] }
  | { type: 'server'; server: ReturnType<typeof serverView> }
  | { type: 'servers'; servers: ReturnType<typeof serverView>[] }
  | { type: 'server.removed'; id: string }
  | { type: 'check'; server_id: string; check: unknown }
  | { type: 'log'; server_id: string; line: { at: string; stream: string; line: string } }
  | { type: 'notification'; notification: DashboardNotification };

interface Client {
  socket: WebSocket;
  /** Server whose checks and log lines this client tails, if any. */
  tail: string | undefined;
}

/**
 * WebSocket `/api/v1/live`: the current state on connect, then every status change at once;
 * other per-check updates (last check time, latency) are batched every `batchMs`.
 */
export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly dirty = new Map<string, ServerRecord>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly monitor: Monitor,
    batchMs = 500,
  ) {
    const { bus } = monitor;
    bus.on('server.status', (s) => this.broadcast({ type: 'server', server: this.view(s) }, s.id));
    bus.on('server.saved', (s) => this.broadcast({ type: 'server', server: this.view(s) }, s.id));
    bus.on('server.removed', (id) => this.broadcast({ type: 'server.removed', id }, id));
    bus.on('notification', (notification) => this.broadcast({ type: 'notification', notification }));
    bus.on('server.checked', (s, check) => {
      this.dirty.set(s.id, s);
      this.toTailers(s.id, { type: 'check', server_id: s.id, check });
    });
    bus.on('server.log', (id, l) =>
      this.toTailers(id, {
        type: 'log',
        server_id: id,
        line: { at: new Date(l.at).toISOString(), stream: l.stream, line: l.line },
      }),
    );
    this.timer = setInterval(() => this.flushDirty(), batchMs);
    this.timer.unref();
  }

  private view(s: ServerRecord) {
    return serverView(s, this.monitor.activeConnections(s.id));
  }

  get size(): number {
    return this.clients.size;
  }

  accept(socket: WebSocket): void {
    const client: Client = { socket, tail: undefined };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
    socket.on('message', (data: Buffer) => {
      try {
        const msg = JSON.parse(data.toString()) as { type?: unknown; server?: unknown };
        if (msg.type === 'tail') client.tail = typeof msg.server === 'string' ? msg.server : undefined;
      } catch {
        // A client that sends garbage is ignored, not disconnected.
      }
    });
    this.send(client, { type: 'snapshot', servers: this.monitor.registry.list().map((s) => this.view(s)) });
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.socket.close(1001, 'shutting down');
    this.clients.clear();
  }

  private flushDirty(): void {
    if (this.dirty.size === 0) return;
    const servers = [...this.dirty.values()].map((s) => this.view(this.monitor.registry.find(s.id) ?? s));
    this.dirty.clear();
    this.broadcast({ type: 'servers', servers });
  }

  private broadcast(msg: LiveMessage, serverId?: string): void {
    if (serverId) this.dirty.delete(serverId);
    const text = JSON.stringify(msg);
    for (const c of this.clients) if (c.socket.readyState === c.socket.OPEN) c.socket.send(text);
  }

  private toTailers(serverId: string, msg: LiveMessage): void {
    const text = JSON.stringify(msg);
    for (const c of this.clients)
      if (c.tail === serverId && c.socket.readyState === c.socket.OPEN) c.socket.send(text);
  }

  private send(c: Client, msg: LiveMessage): void {
    c.socket.send(JSON.stringify(msg));
  }
}
