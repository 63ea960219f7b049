import { fleetWindows } from '../metrics/index.js';
import type { ErrorsService } from '../errors/index.js';
import { TITLE_MAX, TOP_ERRORS, type InstancePart } from '../model/peer.js';
import type { ServerRecord } from '../model/server.js';
import type { Db } from '../store/tables.js';
import { emptyByStatus, toBase64 } from './compose.js';

const MIN_MS = 60_000;
const HOUR_MS = 60 * MIN_MS;

export interface LocalSources {
  db: Db;
  instance: () => InstancePart['instance'];
  servers: () => ServerRecord[];
  /** The alerts firing now, with their severity. */
  activeAlerts: () => Promise<{ severity: string | null }[]>;
  errors: Pick<ErrorsService, 'list'>;
}

/** This instance's own figures: servers by status, the last 5 minutes' and hour's traffic, alerts, top errors. */
export async function readLocalPart(src: LocalSources, now: number): Promise<InstancePart> {
  const byStatus = emptyByStatus();
  for (const s of src.servers()) byStatus[s.state.status]++;
  const [w5, w1h] = await fleetWindows(src.db, [5 * MIN_MS, HOUR_MS], now);
  const firing = await src.activeAlerts();
  const groups = await src.errors.list({ from: now - HOUR_MS, to: now }, {}, TOP_ERRORS);
  if (!w5 || !w1h) throw new Error('fleetWindows answered fewer windows than asked');
  const [five, hour] = [w5, w1h];
  // The 5-minute window is the minutes touching it: rps over the time they span so far.
  const spanS = (now - Math.floor((now - 5 * MIN_MS) / MIN_MS) * MIN_MS) / 1000;
  return {
    instance: src.instance(),
    at: now,
    servers_by_status: byStatus,
    rps: five.requests / spanS,
    requests: five.requests,
    errors: five.errors,
    active_alerts: firing.length,
    critical_alerts: firing.filter((a) => a.severity === 'critical').length,
    sketch_5m: toBase64(five.sketch),
    sketch_1h: toBase64(hour.sketch),
    top_errors: groups
      .filter((g) => g.count > 0)
      .map((g) => ({ fingerprint: g.fingerprint, title: g.title.slice(0, TITLE_MAX), count: g.count })),
  };
}
