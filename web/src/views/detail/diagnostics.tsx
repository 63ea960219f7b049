import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { exact, ms, relative } from '../../lib/format.js';
import { live } from '../../lib/live.js';
import { useNow } from '../../lib/observable.js';
import { statusLabel } from '../../lib/status.js';
import type { Check, Server, ServerEvent } from '../../lib/api.js';
import { Actions } from './actions.js';
import { CheckTable, withCheck } from './check-table.js';
import { ErrorNote } from '../error-note.js';

/** Why the server is in its status, what it said about itself, and its latest checks and events. */
export function Diagnostics({ server: s }: { server: Server }) {
  const now = useNow();
  const [checks, setChecks] = useState<Check[]>([]);
  const [events, setEvents] = useState<ServerEvent[]>([]);
  const [error, setError] = useState<string | undefined>();
  const load = () =>
    api.servers
      .logs(s.id, 20)
      .then((r) => {
        setChecks(r.checks);
        setEvents(r.events);
      })
      .catch((e: unknown) => setError(String(e)));
  useEffect(() => {
    void load();
    return live.tail(s.id, (m) => {
      if (m.kind === 'check') setChecks((c) => withCheck(c, m.check, 20));
    });
  }, [s.id]);
  const info = s.server_info;
  const caps = s.capabilities ? Object.keys(s.capabilities) : [];
  return (
    <div class="diagnostics">
      <div class="panels">
        <section class="panel">
          <h2>Status</h2>
          <p data-testid="status-reason">
            <strong>{statusLabel[s.status]}</strong>
            {s.status_reason ? ` — ${s.status_reason}` : ''}
          </p>
          {s.status === 'disabled' && (
            <p data-testid="disabled-until">
              Disabled until{' '}
              <strong title={exact(s.disabled_until)}>
                {s.disabled_until ? new Date(s.disabled_until).toLocaleString() : 'further notice'}
              </strong>
              {s.disabled_reason ? ` (${s.disabled_reason})` : ''}
            </p>
          )}
          {s.last_error && (
            <p class="error-text">
              Last error: <span data-testid="last-error">{s.last_error}</span>
            </p>
          )}
          <dl class="facts">
            <dt>Consecutive failures</dt>
            <dd>{s.consecutive_failures}</dd>
            <dt>Response time</dt>
            <dd>
              {ms(s.response_time_ms)}{' '}
              {s.response_time_source && <span class="muted">({s.response_time_source})</span>}
            </dd>
            <dt>Active connections</dt>
            <dd>{s.active_connections}</dd>
            <dt>Last check</dt>
            <dd title={exact(s.last_check)}>{relative(s.last_check, now)}</dd>
          </dl>
          <Actions server={s} onChecked={(c) => setChecks((x) => withCheck(x, c, 20))} />
        </section>
        <section class="panel">
          <h2>Server</h2>
          <dl class="facts">
            <dt>Reports itself as</dt>
            <dd data-testid="server-info">{info ? `${info.name ?? '?'} ${info.version ?? ''}` : '—'}</dd>
            <dt>Protocol</dt>
            <dd>
              {s.protocol_version ?? '—'}{' '}
              {s.protocol_era && <span class="muted">({s.protocol_era} era)</span>}
            </dd>
            <dt>Transport</dt>
            <dd>{s.transport}</dd>
            <dt>Endpoint</dt>
            <dd>
              <code>{s.endpoint}</code>
            </dd>
            <dt>Through the gateway</dt>
            <dd>
              <code>{`${location.origin}/mcp/${s.id}`}</code>
            </dd>
            <dt>Capabilities</dt>
            <dd>{caps.length ? caps.join(', ') : '—'}</dd>
            <dt>Tools</dt>
            <dd>{s.tool_count ?? '—'}</dd>
            <dt>Tags</dt>
            <dd>{s.tags.length ? s.tags.join(', ') : '—'}</dd>
            <dt>Defined in</dt>
            <dd>{s.source === 'config' ? 'the config file' : 'the API / dashboard'}</dd>
          </dl>
        </section>
      </div>
      <ErrorNote text={error} />
      <section class="panel">
        <h2>Last checks</h2>
        <CheckTable checks={checks} now={now} />
      </section>
      <section class="panel">
        <h2>Recent events</h2>
        {events.length === 0 ? (
          <p class="muted">No deployments or configuration changes recorded.</p>
        ) : (
          <ul class="events" data-testid="events">
            {events.map((e) => (
              <li key={e.id}>
                <span class="muted" title={exact(e.at)}>
                  {relative(e.at, now)}
                </span>{' '}
                <span class="tag">{e.kind}</span> {e.message}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
