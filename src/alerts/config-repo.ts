import type { SecretBox } from '../shared/secrets/secret-box.js';
import { countingReseal, type ResealPage } from '../shared/secrets/reseal-page.js';
import { fromJson, toJson } from '../store/json.js';
import type { Db } from '../store/tables.js';
import { CHANNEL_KINDS, type ChannelKind } from '../model/notification.js';
import { channelRegistry } from './channels/registry.js';
import { DEFAULT_RULES } from './rule.js';
import { type AlertRule, type RuleInput, type RuleSource } from '../model/alert-rule.js';
import { ruleFromRow, ruleToRow } from './rows.js';

/** Rules and channels: thin typed queries over the alert tables (migration 003). */

export interface StoredChannel {
  id: number;
  name: string;
  kind: ChannelKind;
  config: Record<string, unknown>;
  enabled: boolean;
  created_at: number;
  updated_at: number;
}

export interface ChannelRecordInput {
  name: string;
  kind: ChannelKind;
  config: Record<string, unknown>;
  enabled: boolean;
}

const kindOf = (v: string): ChannelKind =>
  (CHANNEL_KINDS as readonly string[]).includes(v) ? (v as ChannelKind) : 'log';

export const rulesRepo = {
  async list(db: Db): Promise<AlertRule[]> {
    const rows = await db.selectFrom('alert_rules').selectAll().orderBy('id').execute();
    return rows.map(ruleFromRow);
  },
  async get(db: Db, id: number): Promise<AlertRule | undefined> {
    const row = await db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? ruleFromRow(row) : undefined;
  },
  async insert(db: Db, rule: RuleInput, now: number, source: RuleSource = 'api'): Promise<AlertRule> {
    const { id } = await db
      .insertInto('alert_rules')
      .values(ruleToRow(rule, now, source))
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...rule, id, source, created_at: now, updated_at: now };
  },
  async update(db: Db, rule: AlertRule): Promise<void> {
    const r = ruleToRow(rule, rule.updated_at);
    // Every column but created_at, which never changes.
    await db
      .updateTable('alert_rules')
      .set({
        name: r.name,
        description: r.description,
        metric_name: r.metric_name,
        series: r.series,
        condition: r.condition,
        threshold: r.threshold,
        evaluation_period: r.evaluation_period,
        servers: r.servers,
        severity: r.severity,
        channels: r.channels,
        repeat_interval: r.repeat_interval,
        enabled: r.enabled,
        group_wait: r.group_wait,
        group_interval: r.group_interval,
        escalation: r.escalation,
        updated_at: r.updated_at,
      })
      .where('id', '=', rule.id)
      .execute();
  },
  /** Deletes a rule and its instance states; its history stays, with the rule's name and no id. */
  async delete(db: Db, id: number): Promise<boolean> {
    await db.deleteFrom('alert_states').where('rule_id', '=', id).execute();
    await db.updateTable('alert_history').set({ rule_id: null }).where('rule_id', '=', id).execute();
    const r = await db.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
  /** Seeds DEFAULT_RULES once, when there is no rule at all. */
  async seedDefaults(db: Db, now: number): Promise<void> {
    const row = await db
      .selectFrom('alert_rules')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(row.n) > 0) return;
    for (const rule of DEFAULT_RULES) await rulesRepo.insert(db, rule, now);
  },
  /**
   * Makes the config-declared rules exactly those of the file, matched by name: added, changed
   * (ids kept, so firing alerts carry on), or removed. Rules from the API are left alone.
   */
  async syncFromConfig(db: Db, declared: readonly RuleInput[], now: number): Promise<void> {
    const existing = (await rulesRepo.list(db)).filter((r) => r.source === 'config');
    const byName = new Map(existing.map((r) => [r.name, r]));
    for (const input of declared) {
      const current = byName.get(input.name);
      byName.delete(input.name);
      if (!current) await rulesRepo.insert(db, input, now, 'config');
      else if (!sameRule(current, input))
        await rulesRepo.update(db, { ...current, ...input, updated_at: now });
    }
    for (const gone of byName.values()) await rulesRepo.delete(db, gone.id);
  },
};

const sameRule = (a: RuleInput, b: RuleInput): boolean =>
  (Object.keys(b) as (keyof RuleInput)[]).every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));

/**
 * The config with `fn` applied to the value of each of its kind's secret fields (the SMTP
 * password, the webhook's signing secret): how the store seals and opens them.
 */
function mapSecretFields(
  kind: ChannelKind,
  config: Record<string, unknown>,
  fn: (value: string) => string,
): Record<string, unknown> {
  const out = { ...config };
  for (const f of channelRegistry[kind].secretFields) {
    const v = out[f];
    if (typeof v === 'string' && v !== '') out[f] = fn(v);
  }
  return out;
}

/** Channels, with their secret fields sealed in the store (`secrets`) and plain in memory. */
export const channelsRepo = {
  async list(db: Db, secrets: SecretBox): Promise<StoredChannel[]> {
    const rows = await db.selectFrom('notification_channels').selectAll().orderBy('id').execute();
    return rows.map((r) => channelFromRow(r, secrets));
  },
  async get(db: Db, secrets: SecretBox, id: number): Promise<StoredChannel | undefined> {
    const row = await db
      .selectFrom('notification_channels')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? channelFromRow(row, secrets) : undefined;
  },
  async insert(db: Db, secrets: SecretBox, c: ChannelRecordInput, now: number): Promise<StoredChannel> {
    const { id } = await db
      .insertInto('notification_channels')
      .values({ ...channelColumns(c, secrets), created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...c, id, created_at: now, updated_at: now };
  },
  async update(db: Db, secrets: SecretBox, c: StoredChannel): Promise<void> {
    await db
      .updateTable('notification_channels')
      .set({ ...channelColumns(c, secrets), updated_at: c.updated_at })
      .where('id', '=', c.id)
      .execute();
  },
  async delete(db: Db, id: number): Promise<boolean> {
    const r = await db.deleteFrom('notification_channels').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
  /** Seals, with the current key, the secrets of up to `limit` channels after `after` (by id) not sealed with it. */
  async resealSecrets(
    db: Db,
    secrets: SecretBox,
    after: number | undefined,
    limit: number,
  ): Promise<ResealPage<number>> {
    let query = db
      .selectFrom('notification_channels')
      .select(['id', 'kind', 'config'])
      .orderBy('id')
      .limit(limit);
    if (after !== undefined) query = query.where('id', '>', after);
    const rows = await query.execute();
    let values = 0;
    for (const row of rows) {
      const reseal = countingReseal(secrets);
      const config = mapSecretFields(kindOf(row.kind), fromJson(row.config, {}), reseal.apply);
      if (reseal.count() === 0) continue;
      values += reseal.count();
      await db
        .updateTable('notification_channels')
        .set({ config: toJson(config) })
        .where('id', '=', row.id)
        .execute();
    }
    return { last: rows.at(-1)?.id, rows: rows.length, values };
  },
};

function channelFromRow(
  row: {
    id: number;
    name: string;
    kind: string;
    config: string;
    enabled: number;
    created_at: number;
    updated_at: number;
  },
  secrets: SecretBox,
): StoredChannel {
  const kind = kindOf(row.kind);
  return {
    id: row.id,
    name: row.name,
    kind,
    config: mapSecretFields(kind, fromJson<Record<string, unknown>>(row.config, {}), (v) => secrets.open(v)),
    enabled: row.enabled === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** A channel's stored columns, its secrets sealed. */
const channelColumns = (c: ChannelRecordInput, secrets: SecretBox) => ({
  name: c.name,
  kind: c.kind,
  config: toJson(mapSecretFields(c.kind, c.config, (v) => secrets.seal(v))),
  enabled: c.enabled ? 1 : 0,
});
