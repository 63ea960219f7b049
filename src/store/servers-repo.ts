import type { Selectable } from 'kysely';
import type { ServerOverrides, ServerRecord, ServerState, ServerSpec, Status } from '../model/server.js';
import type { ProtocolEra } from '../model/probe.js';
import type { SecretBox } from '../shared/secrets/secret-box.js';
import { countingReseal, type ResealPage } from '../shared/secrets/reseal-page.js';
import { memberOf } from '../mcp/transports/index.js';
import { fromJson, toJson } from './json.js';
import type { Db, ServersTable } from './tables.js';

/** A spec with `fn` applied to each secret value (sealing or opening them). */
const withSecretsMapped = (spec: ServerSpec, fn: (value: string) => string): ServerSpec =>
  memberOf(spec).mapSecrets(spec, fn);

const EMPTY_SPEC: ServerSpec = { transport: 'stdio', command: '', args: [], env: {} };

function fromRow(r: Selectable<ServersTable>, secrets: SecretBox): ServerRecord {
  return {
    id: r.id,
    name: r.name,
    spec: withSecretsMapped(fromJson(r.spec, EMPTY_SPEC), (v) => secrets.open(v)),
    tags: fromJson<string[]>(r.tags, []),
    overrides: fromJson<ServerOverrides>(r.overrides, {}),
    source: r.source === 'config' ? 'config' : 'api',
    enabled: r.enabled === 1,
    disabledUntil: r.disabled_until,
    disabledReason: r.disabled_reason,
    state: stateOf(r),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

type StateRow = Pick<
  Selectable<ServersTable>,
  | 'status'
  | 'status_reason'
  | 'last_check'
  | 'response_time_ms'
  | 'consecutive_failures'
  | 'last_error'
  | 'protocol_version'
  | 'server_info'
  | 'capabilities'
  | 'tool_count'
>;

function stateOf(r: StateRow): ServerState {
  const serverInfo = fromJson<{ name: string; version: string; era?: ProtocolEra } | null>(
    r.server_info,
    null,
  );
  return {
    status: r.status as Status,
    statusReason: r.status_reason,
    lastCheck: r.last_check,
    responseTimeMs: r.response_time_ms,
    responseTimeSource: 'probe',
    consecutiveFailures: r.consecutive_failures,
    lastError: r.last_error,
    protocolVersion: r.protocol_version,
    era: serverInfo?.era ?? null,
    serverInfo: serverInfo ? { name: serverInfo.name, version: serverInfo.version } : null,
    capabilities: fromJson<Record<string, unknown> | null>(r.capabilities, null),
    toolCount: r.tool_count,
  };
}

function stateColumns(s: ServerState) {
  return {
    status: s.status,
    status_reason: s.statusReason,
    last_check: s.lastCheck,
    response_time_ms: s.responseTimeMs,
    consecutive_failures: s.consecutiveFailures,
    last_error: s.lastError,
    protocol_version: s.protocolVersion,
    server_info: s.serverInfo ? toJson({ ...s.serverInfo, era: s.era }) : null,
    capabilities: s.capabilities ? toJson(s.capabilities) : null,
    tool_count: s.toolCount,
  };
}

/**
 * The definition columns: what a person declares, as opposed to what the checks found. The
 * spec's secret values are sealed; the rest of it stays readable.
 */
function definitionColumns(s: ServerRecord, secrets: SecretBox) {
  return {
    name: s.name,
    transport: s.spec.transport,
    spec: toJson(withSecretsMapped(s.spec, (v) => secrets.seal(v))),
    tags: toJson(s.tags),
    overrides: toJson(s.overrides),
    source: s.source,
    enabled: s.enabled ? 1 : 0,
    disabled_until: s.disabledUntil,
    disabled_reason: s.disabledReason,
    updated_at: s.updatedAt,
  };
}

export const serversRepo = {
  async list(db: Db, secrets: SecretBox): Promise<ServerRecord[]> {
    const rows = await db.selectFrom('servers').selectAll().orderBy('name').execute();
    return rows.map((r) => fromRow(r, secrets));
  },
  async get(db: Db, secrets: SecretBox, id: string): Promise<ServerRecord | undefined> {
    const row = await db.selectFrom('servers').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row, secrets);
  },
  async insert(db: Db, secrets: SecretBox, server: ServerRecord): Promise<void> {
    await db
      .insertInto('servers')
      .values({
        id: server.id,
        created_at: server.createdAt,
        ...definitionColumns(server, secrets),
        ...stateColumns(server.state),
      })
      .execute();
  },
  /** Replaces the definition (spec, tags, overrides, enabled...) but not the check state. */
  async update(db: Db, secrets: SecretBox, server: ServerRecord): Promise<void> {
    await db
      .updateTable('servers')
      .set(definitionColumns(server, secrets))
      .where('id', '=', server.id)
      .execute();
  },
  /** Every server's check state (several instances: what the others found), by id. */
  async states(db: Db): Promise<Map<string, ServerState>> {
    const rows = await db
      .selectFrom('servers')
      .select([
        'id',
        'status',
        'status_reason',
        'last_check',
        'response_time_ms',
        'consecutive_failures',
        'last_error',
        'protocol_version',
        'server_info',
        'capabilities',
        'tool_count',
      ])
      .execute();
    return new Map(rows.map((r) => [r.id, stateOf(r)]));
  },
  async saveState(db: Db, id: string, state: ServerState): Promise<void> {
    await db.updateTable('servers').set(stateColumns(state)).where('id', '=', id).execute();
  },
  async remove(db: Db, id: string): Promise<void> {
    await db.deleteFrom('servers').where('id', '=', id).execute();
  },
  /** Seals, with the current key, the secrets of up to `limit` servers after `after` (by id) not sealed with it. */
  async resealSecrets(
    db: Db,
    secrets: SecretBox,
    after: string | undefined,
    limit: number,
  ): Promise<ResealPage<string>> {
    let query = db.selectFrom('servers').select(['id', 'spec']).orderBy('id').limit(limit);
    if (after !== undefined) query = query.where('id', '>', after);
    const rows = await query.execute();
    let values = 0;
    for (const row of rows) {
      const reseal = countingReseal(secrets);
      const spec = withSecretsMapped(fromJson(row.spec, EMPTY_SPEC), reseal.apply);
      if (reseal.count() === 0) continue;
      values += reseal.count();
      await db
        .updateTable('servers')
        .set({ spec: toJson(spec) })
        .where('id', '=', row.id)
        .execute();
    }
    return { last: rows.at(-1)?.id, rows: rows.length, values };
  },
};
