/**
 * Notification channels as people manage them: secrets sealed in the store, redacted in every
 * view, kept when a change sends the marker back, and known to the scrubber while the channel
 * exists; a test sends one notification through it and records each try.
 */
import type { Logger } from 'pino';
import type { ChannelFields, DeliveryAttempt } from '../model/notification.js';
import type { Bus } from '../shared/bus.js';
import { notFound } from '../shared/errors.js';
import type { Scrubber } from '../shared/scrubber.js';
import type { SecretBox } from '../shared/secrets/secret-box.js';
import { validate } from '../shared/validate.js';
import type { Db } from '../store/tables.js';
import { channelSecrets, channelView, keepRedacted, testMessage } from './channel-view.js';
import { channelInputSchema, dispatch } from './channels/registry.js';
import { channelsRepo, type StoredChannel } from './config-repo.js';
import { notificationsRepo } from './history-repo.js';
import { alertChannelDeps } from './notifier.js';

export interface ChannelServiceDeps {
  db: Db;
  secrets: SecretBox;
  scrubber: Scrubber;
  bus: Bus;
  log: Logger;
  /** Where people reach the dashboard, for the test message's links. */
  baseUrl: () => string;
}

/** A change to a channel: any of its fields. */
export type ChannelChange = Partial<Pick<StoredChannel, 'name' | 'kind' | 'config' | 'enabled'>>;

export class ChannelService {
  constructor(private readonly deps: ChannelServiceDeps) {}

  /** Tells the scrubber every stored channel's secrets (at start). */
  async load(): Promise<void> {
    for (const c of await channelsRepo.list(this.deps.db, this.deps.secrets)) this.known(c);
  }

  async list(): Promise<StoredChannel[]> {
    return (await channelsRepo.list(this.deps.db, this.deps.secrets)).map(channelView);
  }

  async get(id: number): Promise<StoredChannel> {
    return channelView(await this.stored(id));
  }

  /** `input`'s config is checked against its kind's own schema. */
  async create(input: ChannelFields): Promise<StoredChannel> {
    const checked = validate(channelInputSchema, input);
    const created = await channelsRepo.insert(this.deps.db, this.deps.secrets, checked, Date.now());
    this.known(created);
    return channelView(created);
  }

  /** Merges the change into the stored channel (a redacted secret sent back keeps the stored one) and checks the whole. */
  async update(id: number, change: ChannelChange): Promise<StoredChannel> {
    const existing = await this.stored(id);
    const kind = change.kind ?? existing.kind;
    const config = change.config ? keepRedacted(kind, change.config, existing.config) : existing.config;
    const merged = validate(channelInputSchema, {
      name: change.name ?? existing.name,
      kind,
      config,
      enabled: change.enabled ?? existing.enabled,
    });
    const next = { ...existing, ...merged, updated_at: Date.now() };
    await channelsRepo.update(this.deps.db, this.deps.secrets, next);
    this.known(next);
    return channelView(next);
  }

  async delete(id: number): Promise<void> {
    if (!(await channelsRepo.delete(this.deps.db, id))) throw notFound('channel', String(id));
    this.deps.scrubber.delete(`channel:${id}`);
  }

  /** Sends a test notification through the channel; every try is recorded in the channel's history. */
  async test(id: number): Promise<{ ok: boolean; error: string | null; tries: DeliveryAttempt[] }> {
    const { db, log, bus, scrubber } = this.deps;
    const c = await this.stored(id);
    const tries: DeliveryAttempt[] = [];
    const [result] = await dispatch(
      [{ id: c.id, kind: c.kind, config: c.config }],
      testMessage(c, this.deps.baseUrl(), Date.now()),
      { ...alertChannelDeps(db, log, bus), scrub: (t) => scrubber.scrub(t) },
      (_id, attempt) => tries.push(attempt),
    );
    for (const attempt of tries)
      await notificationsRepo.record(db, { historyId: null, channelId: c.id, notification: 'test', attempt });
    return { ok: result?.ok ?? false, error: result?.error ?? null, tries };
  }

  private async stored(id: number): Promise<StoredChannel> {
    return (
      (await channelsRepo.get(this.deps.db, this.deps.secrets, id)) ??
      Promise.reject(notFound('channel', String(id)))
    );
  }

  private known(c: StoredChannel): void {
    this.deps.scrubber.set(`channel:${c.id}`, channelSecrets(c));
  }
}
