import type { DashboardNotification } from './notification.js';
import type { LogLine } from './probe.js';
import type { CheckRow } from './check.js';
import type { InstanceStatus } from './peer.js';
import type { ServerRecord, Status } from './server.js';

/** What happens inside the monitor, for the live hub and anything else that listens. */
export interface BusEvents {
  /** A server was added or its definition changed (not its check state). */
  'server.saved': [server: ServerRecord];
  'server.removed': [id: string];
  /** A check finished; `server` carries the new state. */
  'server.checked': [server: ServerRecord, check: CheckRow];
  'server.status': [server: ServerRecord, previous: Status];
  'server.log': [serverId: string, line: LogLine];
  /** A federation peer's status changed (healthy / degraded / unreachable). */
  'peer.status': [peer: { id: string; name: string; status: InstanceStatus }, previous: InstanceStatus];
  /** An alert notification for the dashboard channel. */
  notification: [notification: DashboardNotification];
}
