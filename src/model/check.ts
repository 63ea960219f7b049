import type { Status } from './server.js';

/** One health check as the API returns it. */
export interface CheckRow {
  id: number;
  server_id: string;
  status: Status;
  ok: boolean;
  checked_at: string;
  response_time_ms: number | null;
  error: string | null;
  metadata: Record<string, unknown>;
}
