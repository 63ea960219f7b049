import { EventEmitter } from 'node:events';
import type { DashboardNotification } from '../alerts/channels/channel.js';
import type { LogLine } from '../checker/probe-types.js';
import type { ServerRecord, Status } from '../servers/server-types.js';
import type { CheckRow } from '../store/checks-repo.js';

/** What happens inside the monitor, for the live hub and anything else that listens. */
export interface BusEvents {
  /** A server was added or its definition changed (not its check state). */
  'server.saved': [server: ServerRecord];
  'server.removed': [id: string];
  /** A check finished; `server` carries the new state. */
  'server.checked': [server: ServerRecord, check: CheckRow];
  'server.status': [server: ServerRecord, previous: Status];
  'server.log': [serverId: string, line: LogLine];
  /** An alert notification for the dashboard channel. */
  notification: [notification: DashboardNotification];
}

export class Bus extends EventEmitter<BusEvents> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
}
