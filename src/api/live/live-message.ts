import type { ServerView } from '../server-view.js';
import type { DashboardNotification } from '../../model/notification.js';
import type { InstanceStatus } from '../../model/peer.js';

/** Messages the live hub sends; the dashboard's only source of live updates. */
export type LiveMessage =
  | { type: 'snapshot'; servers: ServerView[] }
  | { type: 'server'; server: ServerView }
  | { type: 'servers'; servers: ServerView[] }
  | { type: 'server.removed'; id: string }
  | { type: 'check'; server_id: string; check: unknown }
  | { type: 'log'; server_id: string; line: { at: string; stream: string; line: string } }
  | { type: 'notification'; notification: DashboardNotification }
  /** A federation peer's status changed (the Federation view refreshes). */
  | { type: 'peer'; peer: { id: string; name: string; status: InstanceStatus; previous: InstanceStatus } };
