import { api } from '../../lib/api.js';
import { exact, relative } from '../../lib/format.js';
import { live } from '../../lib/live.js';
import { useNow, useObservable } from '../../lib/observable.js';
import { setQuery, useRoute } from '../../lib/router.js';
import { useApi } from '../../lib/use-api.js';

import { HistoryDetailPanel } from './history-detail.js';
import { alertValue } from './rule-text.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';
import { QueryFilter } from '../query-filter.js';

const states = ['firing', 'resolved', 'pending'];

/** Every alert that fired: filters in the URL, newest first; a row opens its detail and actions. */
export function AlertHistory() {
  const now = useNow();
  const { query } = useRoute();
  const filter = { server: query.get('server'), rule: query.get('rule'), state: query.get('state') };
  // A notification means a new or resolved alert: the list follows.
  const newest = useObservable(live.notices)[0]?.id;
  const history = useApi(api.alerts.history.list, [{ ...filter, limit: 200 }], newest);
  const rules = useApi(api.alerts.rules.list, []);
  const selected = Number(query.get('id')) || undefined;
  const metricOf = (ruleId: number | null) => rules.data?.rules.find((r) => r.id === ruleId)?.metric;
  const servers = [...live.servers.values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div class="history">
      <div class="toolbar" role="group" aria-label="Filters">
        <QueryFilter label="State" name="state" options={states.map((st) => [st, st] as const)} />
        <QueryFilter label="Server" name="server" options={servers.map((sv) => [sv.id, sv.name] as const)} />
        <QueryFilter
          label="Rule"
          name="rule"
          options={(rules.data?.rules ?? []).map((r) => [String(r.id), r.name] as const)}
        />
        <button type="button" class="ghost" onClick={history.reload}>
          Refresh
        </button>
      </div>
      {selected !== undefined && (
        <HistoryDetailPanel id={selected} onChanged={history.reload} metricOf={metricOf} />
      )}
      <ErrorNote text={history.error} />
      {!history.data ? (
        <p class="muted loading">Loading…</p>
      ) : history.data.history.length === 0 ? (
        <p class="empty">
          No alert matches. Rules live under <a href="/alerts/rules">Rules</a>.
        </p>
      ) : (
        <ScrollBox class="table-wrap">
          <table data-testid="history">
            <thead>
              <tr>
                <th scope="col">Triggered</th>
                <th scope="col">Rule</th>
                <th scope="col">Server</th>
                <th scope="col">State</th>
                <th scope="col">Value</th>
                <th scope="col">Resolved</th>
                <th scope="col">Actions taken</th>
              </tr>
            </thead>
            <tbody>
              {history.data.history.map((h) => (
                <tr key={h.id} class={h.id === selected ? 'selected' : ''}>
                  <td title={exact(h.triggered_at)}>
                    <button
                      type="button"
                      class="link"
                      onClick={() => setQuery({ id: String(h.id) }, { push: true })}
                    >
                      {relative(h.triggered_at, now)}
                    </button>
                  </td>
                  <td>{h.rule_name ?? `#${String(h.rule_id)}`}</td>
                  <td>
                    {h.server_id ? (
                      <a href={`/servers/${encodeURIComponent(h.server_id)}`}>{h.server_id}</a>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <span class={`state state-${h.state}`}>{h.state}</span>{' '}
                    {h.severity && <span class="tag">{h.severity}</span>}
                  </td>
                  <td data-testid="value">{alertValue(metricOf(h.rule_id), h.value)}</td>
                  <td title={exact(h.resolved_at)}>{h.resolved_at ? relative(h.resolved_at, now) : '—'}</td>
                  <td>
                    {h.acknowledged && <span class="tag">acknowledged by {h.acknowledged.by}</span>}{' '}
                    {h.silenced_until && Date.parse(h.silenced_until) > now && (
                      <span class="tag">silenced</span>
                    )}{' '}
                    <Comments n={h.actions.filter((a) => a.action === 'comment').length} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
    </div>
  );
}

const Comments = ({ n }: { n: number }) =>
  n > 0 ? <span class="tag">{n === 1 ? '1 comment' : `${n} comments`}</span> : null;
