import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { count, ms, percent, rate } from '../../lib/format.js';
import { navigate, setQuery, useRoute } from '../../lib/router.js';
import type { EndpointRow, Server } from '../../lib/api.js';
import { rangeOf } from './range.js';
import { RangePicker } from './range-picker.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';

type Key = 'endpoint' | 'requests' | 'rps' | 'errorRatePercent' | 'avgMs' | 'p50Ms' | 'p95Ms' | 'p99Ms';
const columns: [Key, string, (r: EndpointRow) => string][] = [
  ['endpoint', 'Endpoint', (r) => r.endpoint],
  ['requests', 'Requests', (r) => count(r.requests)],
  ['rps', 'Req/s', (r) => rate(r.rps)],
  ['errorRatePercent', 'Error rate', (r) => percent(r.errorRatePercent)],
  ['avgMs', 'Avg', (r) => ms(r.avgMs)],
  ['p50Ms', 'p50', (r) => ms(r.p50Ms)],
  ['p95Ms', 'p95', (r) => ms(r.p95Ms)],
  ['p99Ms', 'p99', (r) => ms(r.p99Ms)],
];

/** Per endpoint (`tools/call:echo`, ...): requests, rate, errors and percentiles; a click filters the charts. */
export function Endpoints({ server }: { server: Server }) {
  const { query } = useRoute();
  const [now] = useState(Date.now());
  const range = useMemo(() => rangeOf(query, now), [query.toString(), now]);
  const sortKey = (query.get('sort') as Key | null) ?? 'requests';
  const asc = query.get('dir') === 'asc';
  const [rows, setRows] = useState<EndpointRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api.servers
      .endpoints(server.id, { from: range.from, to: range.to })
      .then((r) => setRows(r.endpoints))
      .catch((e: unknown) => setError(String(e)));
  }, [server.id, range.from, range.to]);
  const sorted = useMemo(() => {
    if (!rows) return [];
    const dir = asc ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = a[sortKey];
      const y = b[sortKey];
      if (typeof x === 'string' || typeof y === 'string') return String(x).localeCompare(String(y)) * dir;
      return ((x ?? -1) - (y ?? -1)) * dir;
    });
  }, [rows, sortKey, asc]);
  const sortBy = (k: Key) => setQuery({ sort: k, dir: sortKey === k && !asc ? 'asc' : null });
  const open = (endpoint: string) => {
    const q = new URLSearchParams(query);
    q.delete('sort');
    q.delete('dir');
    q.set('endpoint', endpoint);
    navigate(`/servers/${encodeURIComponent(server.id)}/performance?${q.toString()}`);
  };
  return (
    <div class="endpoints">
      <div class="toolbar">
        <RangePicker range={range} />
      </div>
      <ErrorNote text={error} />
      {!rows ? (
        <p class="muted loading">Loading endpoints…</p>
      ) : rows.length === 0 ? (
        <p class="empty">
          No requests in this range. Send traffic through the gateway at <code>{`/mcp/${server.id}`}</code>.
        </p>
      ) : (
        <ScrollBox class="table-wrap">
          <table data-testid="endpoint-table">
            <thead>
              <tr>
                {columns.map(([k, label]) => (
                  <th
                    key={k}
                    scope="col"
                    aria-sort={sortKey === k ? (asc ? 'ascending' : 'descending') : undefined}
                  >
                    <button type="button" class="link" onClick={() => sortBy(k)}>
                      {label} {sortKey === k ? (asc ? '▲' : '▼') : ''}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <tr key={r.endpoint}>
                  {columns.map(([k, , show]) => (
                    <td key={k}>
                      {k === 'endpoint' ? (
                        <button
                          type="button"
                          class="link"
                          onClick={() => open(r.endpoint)}
                          title="Show this endpoint's charts"
                        >
                          <code>{show(r)}</code>
                        </button>
                      ) : (
                        show(r)
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
    </div>
  );
}
