import pg from 'pg';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Bus } from '../shared/bus.js';
import type { Registry } from '../servers/index.js';
import type { ServerState } from '../model/server.js';
import type { DashboardNotification } from '../model/notification.js';
import type { Db } from '../store/tables.js';
import { serversRepo } from '../store/servers-repo.js';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const NOTIFY_MAX_BYTES = 7900;
/** The longest text of a state sent whole; longer ones are cut (the store has them whole). */
const TEXT_IN_NOTICE = 1000;

/** What one instance tells the others: small events, ids; the rest is read from the store. */
export type Notice =
  | { from: string; t: 'state'; id: string; state: ServerState }
  | { from: string; t: 'saved' | 'removed' | 'reload'; id: string }
  | { from: string; t: 'notification'; id: string; notification: DashboardNotification };

export interface LiveSyncDeps {
  db: Db;
  log: Logger;
  bus: Bus;
  registry: Registry;
  /** The connection string and schema of the store, for the listening connection. */
  databaseUrl: string;
  schema?: string | undefined;
  instanceId: string;
  /** Whether this instance probes the server (its own findings are never overwritten by the store's). */
  holds: (serverId: string) => boolean;
}

/**
 * Live updates across instances (DESIGN §13) through PostgreSQL LISTEN/NOTIFY: a status change
 * found here, a server added, changed or removed through this instance's API, go to the others
 * as small notices (the state itself when it fits in the 8000-byte payload, else the id to read
 * again); the others apply them to their registry, and so to their live dashboards and — on the
 * leader — to alert evaluation, within a moment. Each heartbeat the states the others found
 * are also read from the store (what a notice does not carry: latency, last check), and after a
 * lost listening connection everything is.
 */
export class LiveSync {
  private client: pg.Client | undefined;
  private channel = '';
  private applying = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly deps: LiveSyncDeps) {}

  async start(): Promise<void> {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(this.deps.db);
    this.channel = `mcp_health_${rows[0]?.schema ?? 'public'}`.slice(0, 63);
    await this.listen();
    const { bus } = this.deps;
    bus.on('server.status', this.onStatus);
    bus.on('server.saved', this.onSaved);
    bus.on('server.removed', this.onRemoved);
    bus.on('notification', this.onNotification);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const { bus } = this.deps;
    bus.off('server.status', this.onStatus);
    bus.off('server.saved', this.onSaved);
    bus.off('server.removed', this.onRemoved);
    bus.off('notification', this.onNotification);
    await this.client?.end().catch(() => undefined);
  }

  /** The states the others found, newer than what this instance has (a heartbeat's chore). */
  async refresh(): Promise<void> {
    const states = await serversRepo.states(this.deps.db);
    this.asRemote(() => {
      for (const [id, state] of states) {
        if (this.deps.holds(id)) continue;
        const current = this.deps.registry.find(id)?.state;
        if (current && (state.lastCheck ?? 0) > (current.lastCheck ?? 0))
          this.deps.registry.applyState(id, state);
      }
    });
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.deps.databaseUrl,
      ...(this.deps.schema ? { options: `-c search_path=${this.deps.schema}` } : {}),
    });
    const lost = (err?: Error) => {
      if (this.client !== client || this.stopped) return;
      this.client = undefined;
      this.deps.log.warn(
        { err: err?.message },
        'live updates from other instances interrupted; reconnecting',
      );
      void client.end().catch(() => undefined);
      this.retry = setTimeout(() => void this.reconnect(), 1000);
      this.retry.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (m) => {
      if (m.channel === this.channel && m.payload) void this.receive(m.payload);
    });
    await client.connect();
    await client.query(`listen ${client.escapeIdentifier(this.channel)}`);
    this.client = client;
  }

  private async reconnect(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.listen();
      await this.refresh();
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'live updates: reconnecting failed; retrying');
      this.retry = setTimeout(() => void this.reconnect(), 2000);
      this.retry.unref();
    }
  }

  private asRemote(apply: () => void): void {
    this.applying = true;
    try {
      apply();
    } finally {
      this.applying = false;
    }
  }

  private async receive(payload: string): Promise<void> {
    let notice: Notice;
    try {
      notice = JSON.parse(payload) as Notice;
    } catch {
      return;
    }
    if (notice.from === this.deps.instanceId || typeof notice.id !== 'string') return;
    try {
      if (notice.t === 'state') {
        const current = this.deps.registry.find(notice.id)?.state;
        if (!current || this.deps.holds(notice.id)) return;
        if ((notice.state.lastCheck ?? 0) < (current.lastCheck ?? 0)) return;
        this.asRemote(() => this.deps.registry.applyState(notice.id, notice.state));
        return;
      }
      if (notice.t === 'notification') {
        this.asRemote(() => this.deps.bus.emit('notification', notice.notification));
        return;
      }
      if (notice.t === 'reload') {
        await this.refresh();
        return;
      }
      // saved, removed: the definition is read again from the store.
      this.applying = true;
      try {
        await this.deps.registry.reload(notice.id);
      } finally {
        this.applying = false;
      }
    } catch (err) {
      this.deps.log.warn(
        { err, notice: notice.t, server: notice.id },
        'a live update from another instance failed',
      );
    }
  }

  private publish(notice: Notice): void {
    let text = JSON.stringify(notice);
    if (Buffer.byteLength(text) > NOTIFY_MAX_BYTES) {
      // A bell entry too large to carry: the others' dashboards see it when they next read the bell.
      if (notice.t === 'notification') return;
      // Too large whole (an id of 200 characters is not): the others read the state from the store.
      text = JSON.stringify({ from: notice.from, t: 'reload', id: notice.id });
    }
    sql`select pg_notify(${this.channel}, ${text})`
      .execute(this.deps.db)
      .catch((err: unknown) => this.deps.log.warn({ err }, 'live update to other instances failed'));
  }

  private readonly onStatus = (server: { id: string; state: ServerState }): void => {
    if (this.applying) return;
    this.publish({ from: this.deps.instanceId, t: 'state', id: server.id, state: bounded(server.state) });
  };

  private readonly onSaved = (server: { id: string }): void => {
    if (!this.applying) this.publish({ from: this.deps.instanceId, t: 'saved', id: server.id });
  };

  private readonly onNotification = (notification: DashboardNotification): void => {
    if (!this.applying)
      this.publish({
        from: this.deps.instanceId,
        t: 'notification',
        id: String(notification.id),
        notification,
      });
  };

  private readonly onRemoved = (id: string): void => {
    if (!this.applying) this.publish({ from: this.deps.instanceId, t: 'removed', id });
  };
}

const cut = (text: string | null): string | null =>
  text === null || text.length <= TEXT_IN_NOTICE ? text : `${text.slice(0, TEXT_IN_NOTICE)}…`;

/** A state small enough for a notice: long texts cut, the capabilities (the store has them) left out. */
function bounded(state: ServerState): ServerState {
  return {
    ...state,
    statusReason: cut(state.statusReason),
    lastError: cut(state.lastError),
    capabilities: null,
  };
}
