import type { WebSocket } from '@fastify/websocket';
import { logLineView, serverView } from '../server-view.js';
import type { Monitor } from '../../monitor.js';
import type { ServerRecord } from '../../model/server.js';
import { LIVE_LIMITS, LiveClient, type Drop, type LiveLimits } from './live-client.js';
import type { LiveMessage } from './live-message.js';
import { serverMessages } from './server-messages.js';

/**
 * WebSocket `/api/v1/live`: the current state on connect, then every status change at once;
 * other per-check updates (last check time, latency) are batched every `batchMs`. A client that
 * does not keep up gets coalesced updates, then is dropped (`LiveClient`, `limits`).
 */
export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly dirty = new Map<string, ServerRecord>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly monitor: Monitor,
    batchMs = 500,
    private readonly limits: LiveLimits = LIVE_LIMITS,
  ) {
    const { bus } = monitor;
    bus.on('server.status', (s) => this.broadcast({ type: 'server', server: this.view(s) }, s.id));
    bus.on('server.saved', (s) => this.broadcast({ type: 'server', server: this.view(s) }, s.id));
    bus.on('server.removed', (id) => this.broadcast({ type: 'server.removed', id }, id));
    bus.on('notification', (notification) => this.broadcast({ type: 'notification', notification }));
    bus.on('peer.status', (peer, previous) => this.broadcast({ type: 'peer', peer: { ...peer, previous } }));
    bus.on('server.checked', (s, check) => {
      this.dirty.set(s.id, s);
      this.toTailers(s.id, { type: 'check', server_id: s.id, check });
    });
    bus.on('server.log', (id, l) =>
      this.toTailers(id, {
        type: 'log',
        server_id: id,
        line: logLineView(l),
      }),
    );
    this.timer = setInterval(() => this.tick(), batchMs);
    this.timer.unref();
  }

  private view(s: ServerRecord) {
    return serverView(
      s,
      this.monitor.activeConnections(s.id),
      this.monitor.maintenance.activeMaintenance(s.id),
    );
  }

  get size(): number {
    return this.clients.size;
  }

  accept(socket: WebSocket): void {
    const client = new LiveClient(socket, this.limits, (c, why) => this.drop(c, why));
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
    const [snapshot, ...rest] = serverMessages(
      this.monitor.registry.list().map((s) => this.view(s)),
      'snapshot',
    );
    // A large fleet's snapshot comes in pieces; a client slow to take them gets the rest coalesced.
    const now = Date.now();
    if (snapshot) client.deliver(snapshot.msg, snapshot.text, now);
    for (const m of rest) client.deliver(m.msg, m.text, now);
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.socket.close(1001, 'shutting down');
    this.clients.clear();
  }

  private tick(): void {
    this.flushDirty();
    const now = Date.now();
    const view = (id: string) => {
      const s = this.monitor.registry.find(id);
      return s && this.view(s);
    };
    for (const c of this.clients) c.tick(now, view);
  }

  private drop(client: LiveClient, why: Drop): void {
    this.clients.delete(client);
    this.monitor.log.warn(
      { buffered_bytes: why.bufferedBytes, lag_ms: why.lagMs, clients: this.clients.size },
      'a live dashboard fell too far behind and was closed (it reconnects to a fresh snapshot)',
    );
  }

  private flushDirty(): void {
    if (this.dirty.size === 0) return;
    const servers = [...this.dirty.values()].map((s) => this.view(this.monitor.registry.find(s.id) ?? s));
    this.dirty.clear();
    const now = Date.now();
    for (const m of serverMessages(servers, 'servers'))
      for (const c of this.clients) c.deliver(m.msg, m.text, now);
  }

  private broadcast(msg: LiveMessage, serverId?: string): void {
    if (serverId) this.dirty.delete(serverId);
    const text = JSON.stringify(msg);
    const now = Date.now();
    for (const c of this.clients) c.deliver(msg, text, now);
  }

  private toTailers(serverId: string, msg: LiveMessage): void {
    const text = JSON.stringify(msg);
    const now = Date.now();
    for (const c of this.clients) if (c.tail === serverId) c.deliver(msg, text, now);
  }
}
