import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { exact, relative } from '../../lib/format.js';
import { useNow } from '../../lib/observable.js';

interface HistoryRow {
  id: number;
  rule_id: string;
  rule_name?: string;
  server_id: string;
  state: string;
  severity: string;
  value: number | null;
  triggered_at: string;
  resolved_at: string | null;
}

export function AlertHistory() {
  const now = useNow();
  const [rows, setRows] = useState<HistoryRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api<{ history: HistoryRow[] }>('/api/v1/alerts/history')
      .then((r) => setRows(r.history))
      .catch((e: unknown) => setError(String(e)));
  }, []);
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!rows) return <p class="muted loading">Loading…</p>;
  if (rows.length === 0) return <p class="empty">No alert has fired yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Triggered</th>
            <th scope="col">Rule</th>
            <th scope="col">Server</th>
            <th scope="col">State</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td title={exact(r.triggered_at)}>{relative(r.triggered_at, now)}</td>
              <td>{r.rule_name ?? r.rule_id}</td>
              <td>
                <a href={`/servers/${encodeURIComponent(r.server_id)}`}>{r.server_id}</a>
              </td>
              <td>{r.state}</td>
              <td>{r.value ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
