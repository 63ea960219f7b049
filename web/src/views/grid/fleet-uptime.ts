import { useEffect, useState } from 'preact/hooks';
import { api, type FleetUptime, type Heartbeat } from '../../lib/api.js';

/** What a card shows of a server's uptime: the last day's share up and its latest checks. */
export interface CardUptime {
  uptime24h: number | null;
  heartbeats: Heartbeat[];
}

/** The cards' strips hold this many checks. */
export const HEARTBEATS = 50;
/** Uptime moves slowly and the strip by one check an interval: reading both every 15 s is current enough. */
const REFRESH_MS = 15_000;

const byServer = (f: FleetUptime): Map<string, CardUptime> =>
  new Map(
    f.servers.map((s) => [s.server_id, { uptime24h: s.uptime['24h'] ?? null, heartbeats: s.heartbeats }]),
  );

/** Every server's card uptime, read now and every 15 s while the grid is shown. */
export function useFleetUptime(): Map<string, CardUptime> {
  const [data, setData] = useState<Map<string, CardUptime>>(new Map());
  useEffect(() => {
    let stopped = false;
    const read = () =>
      api.uptime
        .fleet({ windows: '24h', heartbeats: HEARTBEATS })
        .then((f) => !stopped && setData(byServer(f)))
        .catch(() => undefined);
    void read();
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  return data;
}
