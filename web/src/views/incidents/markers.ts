import { useMemo } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { useApi } from '../../lib/use-api.js';
import type { ChartMarker } from '../detail/chart.js';

const colours = { deployment: '#8b5cf6', config_change: '#0ea5e9' };

/** The deployments and config changes of a range as chart markers (a server's, or the fleet's). */
export function useChangeMarkers(from: number, to: number, server: string | undefined): ChartMarker[] {
  const changes = useApi(api.changes, [{ from, to, ...(server ? { server } : {}) }]);
  return useMemo(
    () =>
      (changes.data?.changes ?? []).map((c) => ({
        t: Date.parse(c.time),
        label: `${c.server ?? ''} ${c.detail}`,
        color: colours[c.kind],
      })),
    [changes.data],
  );
}

/** The window analysis of [from, to) (a server's, or the fleet's). */
export const windowLink = (from: number, to: number, server: string | undefined): string =>
  `/incidents/window?from=${Math.floor(from)}&to=${Math.ceil(to)}${server ? `&server=${encodeURIComponent(server)}` : ''}`;
