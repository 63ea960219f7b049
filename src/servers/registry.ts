import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { serverInput, type ServerInput } from '../config/server-input.js';
import type { Bus } from '../shared/bus.js';
import type { SecretBox } from '../shared/secrets/secret-box.js';
import { AppError, notFound } from '../shared/errors.js';
import { slugify } from '../shared/slug.js';
import { validate } from '../shared/validate.js';
import { auditRepo, eventsRepo, type EventRow } from '../store/events-repo.js';
import type { Store } from '../store/open-store.js';
import { serversRepo } from '../store/servers-repo.js';
import { applyPatch, inputOf, overridesFromInput, specFromInput } from './from-input.js';
import { Scrubber } from '../shared/scrubber.js';
import { memberOf } from '../mcp/transports/index.js';
import { initialState, type ServerRecord, type ServerState } from '../model/server.js';

/** The list of servers: from the config file and from the API, kept in the store and in memory. */
export class Registry {
  private readonly servers = new Map<string, ServerRecord>();

  private readonly stdioFromApi: boolean;
  private readonly scrubber: Scrubber;

  constructor(
    private readonly store: Store,
    private readonly secrets: SecretBox,
    private readonly bus: Bus,
    private readonly log: Logger,
    options: {
      /** `allow_stdio_servers_from_api`: whether the API may add or change a command this monitor runs. */
      stdioFromApi?: boolean;
      /** Told every server's secrets, so that no text leaves the monitor with one. */
      scrubber?: Scrubber;
    } = {},
  ) {
    this.stdioFromApi = options.stdioFromApi ?? true;
    this.scrubber = options.scrubber ?? new Scrubber();
  }

  async load(): Promise<void> {
    for (const s of await serversRepo.list(this.store.db, this.secrets)) this.keep(s);
  }

  /** Holds a record in memory, and tells the scrubber its secrets. */
  private keep(record: ServerRecord): void {
    this.servers.set(record.id, record);
    this.scrubber.set(`server:${record.id}`, memberOf(record.spec).secretValues(record.spec));
  }

  list(): ServerRecord[] {
    return [...this.servers.values()];
  }

  get(id: string): ServerRecord {
    const s = this.servers.get(id);
    if (!s) throw notFound('server', id);
    return s;
  }

  find(id: string): ServerRecord | undefined {
    return this.servers.get(id);
  }

  /** A server's latest events (config changes, disable/enable, status changes), newest first. */
  recentEvents(id: string, limit: number): Promise<EventRow[]> {
    return eventsRepo.recent(this.store.db, this.get(id).id, limit);
  }

  /** Makes the config-declared servers exactly those of the file: added, changed, or removed. */
  async syncFromConfig(inputs: ServerInput[]): Promise<void> {
    const declared = new Set<string>();
    for (const input of inputs) {
      const existing = this.list().find((s) => s.name.toLowerCase() === input.name.toLowerCase());
      if (existing && existing.source === 'api') {
        this.log.warn(
          { server: existing.id },
          'a server of the config file has the name of an API-added one; the file wins',
        );
      }
      const record = existing ? this.withInput(existing, input, 'config') : this.newRecord(input, 'config');
      declared.add(record.id);
      if (!existing) await this.insert(record, 'config');
      else if (!sameDefinition(existing, record))
        await this.save(record, 'config', 'changed in the config file');
    }
    for (const s of this.list())
      if (s.source === 'config' && !declared.has(s.id)) await this.delete(s.id, 'config', true);
  }

  /** `mayRunCommands`: false for a caller who is not an admin (a stdio server runs a command here). */
  async create(body: unknown, actor: string, mayRunCommands = true): Promise<ServerRecord> {
    const record = this.vet(body, mayRunCommands);
    await this.insert(record, actor);
    return record;
  }

  /** A new server from an API body, checked as `create` checks it (or an error saying why not), not saved. */
  vet(body: unknown, mayRunCommands = true): ServerRecord {
    const input = validate(serverInput, body);
    if (this.list().some((s) => s.name.toLowerCase() === input.name.toLowerCase()))
      throw new AppError('conflict', `a server named "${input.name}" already exists`, { field: 'name' });
    const record = this.newRecord(input, 'api');
    this.assertRunnable(record, undefined, mayRunCommands);
    return record;
  }

  async update(id: string, body: unknown, actor: string, mayRunCommands = true): Promise<ServerRecord> {
    const existing = this.get(id);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new AppError('validation_failed', 'the body must be a JSON object of the fields to change');
    this.assertEditable(existing);
    const patched = applyPatch(inputOf(existing), body as Record<string, unknown>);
    const input = validate(serverInput, memberOf(existing.spec).keepRedacted(patched, existing.spec));
    const clash = this.list().find((s) => s.id !== id && s.name.toLowerCase() === input.name.toLowerCase());
    if (clash)
      throw new AppError('conflict', `a server named "${input.name}" already exists`, { field: 'name' });
    const next = this.withInput(existing, input, 'api');
    if (sameDefinition(existing, next)) return existing;
    this.assertRunnable(next, existing, mayRunCommands);
    await this.save(next, actor, 'changed');
    return this.get(id);
  }

  async delete(id: string, actor: string, fromConfig = false): Promise<void> {
    const existing = this.get(id);
    if (!fromConfig) this.assertEditable(existing);
    await serversRepo.remove(this.store.db, id);
    this.servers.delete(id);
    this.scrubber.delete(`server:${id}`);
    await auditRepo.insert(this.store.db, { actor, action: 'server.delete', target: id });
    this.log.info({ server: id, actor }, 'server removed');
    this.bus.emit('server.removed', id);
  }

  async disable(id: string, until: number, reason: string | null, actor: string): Promise<ServerRecord> {
    const existing = this.get(id);
    const next: ServerRecord = {
      ...existing,
      disabledUntil: until,
      disabledReason: reason,
      updatedAt: Date.now(),
    };
    const message = `disabled until ${new Date(until).toISOString()}${reason ? `: ${reason}` : ''} by ${actor}`;
    await this.persist(next, actor, 'server.disable', { kind: 'disabled', message });
    return this.get(id);
  }

  async enable(id: string, actor: string): Promise<ServerRecord> {
    const existing = this.get(id);
    const next: ServerRecord = {
      ...existing,
      enabled: existing.source === 'config' ? existing.enabled : true,
    };
    Object.assign(next, { disabledUntil: null, disabledReason: null, updatedAt: Date.now() });
    await this.persist(next, actor, 'server.enable', { kind: 'enabled', message: `enabled by ${actor}` });
    return this.get(id);
  }

  /**
   * Another instance changed this server (several instances on PostgreSQL): its definition and
   * state are read again from the store and announced, as a change made here would be.
   */
  async reload(id: string): Promise<void> {
    const stored = await serversRepo.get(this.store.db, this.secrets, id);
    const current = this.servers.get(id);
    if (!stored) {
      if (!current) return;
      this.servers.delete(id);
      this.scrubber.set(`server:${id}`, []);
      this.bus.emit('server.removed', id);
      return;
    }
    this.keep(stored);
    this.bus.emit('server.saved', stored);
  }

  /**
   * States another instance found (several instances on PostgreSQL), taken as they are: nothing
   * is written; a changed status is announced (`server.status`) as one found here would be.
   */
  applyState(id: string, state: ServerState): void {
    const s = this.servers.get(id);
    if (!s) return;
    const next = { ...s, state };
    this.servers.set(id, next);
    if (s.state.status !== state.status) this.bus.emit('server.status', next, s.state.status);
  }

  /** The checker's new findings; persisted by the checker's writer, not here. */
  setState(id: string, state: ServerState): ServerRecord | undefined {
    const s = this.servers.get(id);
    if (!s) return undefined;
    const next = { ...s, state };
    this.servers.set(id, next);
    return next;
  }

  private assertEditable(s: ServerRecord): void {
    if (s.source === 'config')
      throw new AppError(
        'conflict',
        `server "${s.name}" is declared in the config file; change it there (disable and enable work here)`,
      );
  }

  /** A stdio server is a command this monitor runs: through the API only when allowed. */
  private assertRunnable(
    next: ServerRecord,
    existing: ServerRecord | undefined,
    mayRunCommands: boolean,
  ): void {
    if (!memberOf(next.spec).runsCommand) return;
    if (existing !== undefined && isDeepStrictEqual(existing.spec, next.spec)) return;
    if (!mayRunCommands)
      throw new AppError(
        'forbidden',
        'only an admin may add or change a stdio server: it is a command this monitor runs',
        { field: 'transport' },
      );
    if (this.stdioFromApi) return;
    throw new AppError(
      'forbidden',
      'stdio servers cannot be added or changed through the API here: a stdio server is a command this monitor runs. Declare it in the config file, or set allow_stdio_servers_from_api: true (see docs/SECURITY.md)',
      { field: 'transport' },
    );
  }

  private newRecord(input: ServerInput, source: 'config' | 'api'): ServerRecord {
    let id = slugify(input.name);
    for (let n = 2; this.servers.has(id); n++) id = `${slugify(input.name).slice(0, 56)}-${n}`;
    const now = Date.now();
    return {
      id,
      ...fieldsOf(input, source),
      disabledUntil: null,
      disabledReason: null,
      state: initialState(),
      createdAt: now,
      updatedAt: now,
    };
  }

  private withInput(existing: ServerRecord, input: ServerInput, source: 'config' | 'api'): ServerRecord {
    return { ...existing, ...fieldsOf(input, source), updatedAt: Date.now() };
  }

  private async insert(record: ServerRecord, actor: string): Promise<void> {
    await serversRepo.insert(this.store.db, this.secrets, record);
    this.keep(record);
    await auditRepo.insert(this.store.db, { actor, action: 'server.create', target: record.id });
    this.log.info({ server: record.id, transport: record.spec.transport, actor }, 'server added');
    this.bus.emit('server.saved', record);
  }

  private async save(record: ServerRecord, actor: string, what: string): Promise<void> {
    await this.persist(record, actor, 'server.update', {
      kind: 'config_change',
      message: `${what} by ${actor}`,
    });
  }

  private async persist(
    record: ServerRecord,
    actor: string,
    action: string,
    event: { kind: 'config_change' | 'disabled' | 'enabled'; message: string },
  ): Promise<void> {
    const current = this.servers.get(record.id);
    const merged = current ? { ...record, state: current.state } : record;
    await serversRepo.update(this.store.db, this.secrets, merged);
    this.keep(merged);
    await eventsRepo.insert(this.store.db, { serverId: record.id, ...event });
    await auditRepo.insert(this.store.db, { actor, action, target: record.id });
    this.log.info({ server: record.id, actor, action }, event.message);
    this.bus.emit('server.saved', merged);
  }
}

function sameDefinition(a: ServerRecord, b: ServerRecord): boolean {
  const def = (s: ServerRecord) => [s.name, s.spec, s.tags, s.overrides, s.source, s.enabled];
  return isDeepStrictEqual(def(a), def(b));
}

/** The fields of a record that its definition (config entry or API body) decides. */
const fieldsOf = (input: ServerInput, source: 'config' | 'api') => ({
  name: input.name,
  spec: specFromInput(input),
  tags: input.tags,
  overrides: overridesFromInput(input),
  source,
  enabled: input.enabled,
});
