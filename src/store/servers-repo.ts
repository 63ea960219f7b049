import type { Selectable } from 'kysely';
import type { ServerRecord, ServerState, ServerSpec, Status } from '../servers/server-types.js';
import type { ServerOverrides } from '../config/server-input.js';
import type { ProtocolEra } from '../checker/probe-types.js';
import { fromJson, toJson } from './json.js';
import type { Db, ServersTable } from './tables.js';

function fromRow(r: Selectable<ServersTable>): ServerRecord {
  const serverInfo = fromJson<{ name: string; version: string; era?: ProtocolEra } | null>(
    r.server_info,
    null,
  );
  return {
    id: r.id,
    name: r.name,
    spec: fromJson<ServerSpec>(r.spec, { transport: 'stdio', command: '', args: [], env: {} }),
    tags: fromJson<string[]>(r.tags, []),
    overrides: fromJson<ServerOverrides>(r.overrides, {}),
    source: r.source === 'config' ? 'config' : 'api',
    enabled: r.enabled === 1,
    disabledUntil: r.disabled_until,
    disabledReason: r.disabled_reason,
    state: {
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
    },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
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

/** The definition columns: what a person declares, as opposed to what the checks found. */
function definitionColumns(s: ServerRecord) {
  return {
    name: s.name,
    transport: s.spec.transport,
    spec: toJson(s.spec),
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
  async list(db: Db): Promise<ServerRecord[]> {
    const rows = await db.selectFrom('servers').selectAll().orderBy('name').execute();
    return rows.map(fromRow);
  },
  async get(db: Db, id: string): Promise<ServerRecord | undefined> {
    const row = await db.selectFrom('servers').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  },
  async insert(db: Db, server: ServerRecord): Promise<void> {
    await db
      .insertInto('servers')
      .values({
        id: server.id,
        created_at: server.createdAt,
        ...definitionColumns(server),
        ...stateColumns(server.state),
      })
      .execute();
  },
  /** Replaces the definition (spec, tags, overrides, enabled...) but not the check state. */
  async update(db: Db, server: ServerRecord): Promise<void> {
    await db.updateTable('servers').set(definitionColumns(server)).where('id', '=', server.id).execute();
  },
  async saveState(db: Db, id: string, state: ServerState): Promise<void> {
    await db.updateTable('servers').set(stateColumns(state)).where('id', '=', id).execute();
  },
  async remove(db: Db, id: string): Promise<void> {
    await db.deleteFrom('servers').where('id', '=', id).execute();
  },
};
