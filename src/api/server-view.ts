import { endpointOf, memberOf } from '../mcp/transports/index.js';
import type { LogLine } from '../model/probe.js';
import type { ServerRecord } from '../model/server.js';
import { iso } from '../shared/iso-time.js';
import type { LogLine as LogLineView, ServerView } from './contract/servers.js';

export type { ServerView };

/** A stderr or supervisor line of a server, as the API and the live hub show it. */
export const logLineView = (l: LogLine): LogLineView => ({ at: iso(l.at), stream: l.stream, line: l.line });

/** A server as the API and the live hub show it: secrets replaced by a marker, times in ISO 8601. */
export function serverView(
  s: ServerRecord,
  activeConnections = 0,
  maintenance: ServerView['maintenance'] = null,
): ServerView {
  const spec = s.spec;
  // safe because: each transport's view gives that transport's fields of ServerView (contract/servers.ts).
  const transportFields = memberOf(spec).view(spec) as Partial<ServerView>;
  const st = s.state;
  return {
    id: s.id,
    name: s.name,
    transport: spec.transport,
    endpoint: endpointOf(spec),
    ...transportFields,
    tags: s.tags,
    ...s.overrides,
    source: s.source,
    enabled: s.enabled,
    disabled_until: iso(s.disabledUntil),
    disabled_reason: s.disabledReason,
    status: st.status,
    status_reason: st.statusReason,
    response_time_ms: st.responseTimeMs === null ? null : Math.round(st.responseTimeMs * 100) / 100,
    response_time_source: st.responseTimeSource,
    active_connections: activeConnections,
    last_check: iso(st.lastCheck),
    consecutive_failures: st.consecutiveFailures,
    last_error: st.lastError,
    protocol_version: st.protocolVersion,
    protocol_era: st.era,
    server_info: st.serverInfo,
    capabilities: st.capabilities,
    tool_count: st.toolCount,
    maintenance,
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
  };
}
