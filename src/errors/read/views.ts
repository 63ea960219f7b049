import type { ErrorKind } from '../fingerprint/fingerprint.js';
import type { GroupRow, SampleRow } from '../store/read-repo.js';

export type GroupStatus = 'open' | 'resolved' | 'ignored';

/** A group as the API shows it (DESIGN §10). `count` is in the window asked; `total` since first seen. */
export interface GroupView {
  id: number;
  fingerprint: string;
  title: string;
  kind: ErrorKind;
  code: number | null;
  type: string;
  count: number;
  total: number;
  servers: string[];
  endpoints: string[];
  clients: string[];
  first_seen: string;
  last_seen: string;
  status: GroupStatus;
  regression: boolean;
  resolution_note: string | null;
  resolved_at: string | null;
}

export interface SampleView {
  id: number;
  time: string;
  server: string;
  endpoint: string | null;
  type: string | null;
  code: number | null;
  message: string | null;
  data: unknown;
  stack_trace: string | null;
  client: { name: string | null; version: string | null; protocol_version: string | null } | null;
  session_id: string | null;
  request_id: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function groupView(row: GroupRow, count: number, clients: string[]): GroupView {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    title: row.title || row.message,
    // safe because only the tracker writes kinds, from ERROR_KINDS (002's rows were given theirs by 011)
    kind: row.kind as ErrorKind,
    code: row.code,
    type: row.error_type,
    count,
    total: row.count,
    servers: [row.server_id],
    endpoints: [row.endpoint],
    clients,
    first_seen: iso(row.first_seen),
    last_seen: iso(row.last_seen),
    // safe because the service writes only these three
    status: row.status as GroupStatus,
    regression: row.regression === 1,
    resolution_note: row.resolution_note,
    resolved_at: row.resolved_at === null ? null : iso(row.resolved_at),
  };
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

interface ClientInfo {
  name?: string | null;
  version?: string | null;
  protocol_version?: string | null;
  session_id?: string | null;
}

export function sampleView(row: SampleRow): SampleView {
  // safe because client_info is only written by write-repo.ts, as this shape
  const info = parse(row.client_info) as ClientInfo | null;
  return {
    id: row.id,
    time: iso(row.timestamp),
    server: row.server_id,
    endpoint: row.endpoint,
    type: row.error_type,
    code: row.error_code,
    message: row.error_message,
    data: parse(row.error_data),
    stack_trace: row.stack_trace,
    client:
      info && (info.name || info.version || info.protocol_version)
        ? {
            name: info.name ?? null,
            version: info.version ?? null,
            protocol_version: info.protocol_version ?? null,
          }
        : null,
    session_id: info?.session_id ?? null,
    request_id: row.request_id,
  };
}
