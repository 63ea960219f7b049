import { useMemo, useState } from 'preact/hooks';
import { api, type ErrorGroup, type ErrorKind, type ErrorTrend } from '../../lib/api.js';
import { count, percent, relative } from '../../lib/format.js';
import { live } from '../../lib/live.js';
import { useNow } from '../../lib/observable.js';
import { navigate, setQuery, useRoute } from '../../lib/router.js';
import { useChangeMarkers, windowLink } from '../incidents/markers.js';
import { useApi } from '../../lib/use-api.js';
import { Chart } from '../detail/chart.js';
import { RangePicker } from '../detail/range-picker.js';
import { rangeOf } from '../detail/range.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';
import { QueryFilter } from '../query-filter.js';
import { ErrorGroupView } from './error-group.js';
import { kindLabels } from './kind-labels.js';

const kindColours: Record<ErrorKind, string> = {
  jsonrpc_error: '#ef4444',
  tool_error: '#f59e0b',
  transport_error: '#8b5cf6',
  timeout: '#3b82f6',
  probe: '#6b7280',
};
const kinds = Object.keys(kindLabels) as ErrorKind[];
const statuses = ['open', 'resolved', 'ignored'] as const;

/** `/errors` and `/errors/<group id>`: what broke, where, since when (DESIGN §10). Filters live in the URL. */
export function ErrorsPage({ groupId }: { groupId?: number }) {
  const { query } = useRoute();
  const [now] = useState(() => Date.now());
  const range = rangeOf(query, now, '24h');
  if (groupId !== undefined) return <ErrorGroupView id={groupId} range={range} />;
  const filter = {
    server: query.get('server') ?? undefined,
    kind: (query.get('kind') as ErrorKind | null) ?? undefined,
    status: (query.get('status') as 'open' | 'resolved' | 'ignored' | null) ?? undefined,
    q: query.get('q') ?? undefined,
  };
  const groups = useApi(api.errors.list, [{ from: range.from, to: range.to, ...filter, limit: 100 }]);
  const trend = useApi(api.errors.trend, [{ from: range.from, to: range.to, server: filter.server }]);
  const servers = [...live.servers.values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section class="errors" data-testid="errors">
      <h1>Errors</h1>
      <div class="toolbar" role="group" aria-label="Filters">
        <RangePicker range={range} fallback="24h" />
        <QueryFilter
          label="Server"
          name="server"
          any="all"
          options={servers.map((sv) => [sv.id, sv.name] as const)}
        />
        <QueryFilter label="Kind" name="kind" options={kinds.map((k) => [k, kindLabels[k]] as const)} />
        <QueryFilter label="Status" name="status" options={statuses.map((st) => [st, st] as const)} />
        <form
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery({ q: (new FormData(e.currentTarget).get('q') as string).trim() });
          }}
        >
          <input
            type="search"
            name="q"
            aria-label="Search errors"
            placeholder="Search messages"
            defaultValue={filter.q}
          />
        </form>
      </div>
      <ErrorNote text={trend.error ?? groups.error} />
      {trend.data && <TrendPanel trend={trend.data} server={filter.server} />}
      {groups.data && <GroupTable groups={groups.data.groups} />}
    </section>
  );
}

function TrendPanel({ trend, server }: { trend: ErrorTrend; server: string | undefined }) {
  const markers = useChangeMarkers(trend.from, trend.to, server);
  const data = useMemo(
    () => ({
      xs: trend.points.map((p) => p.t),
      ys: kinds.map((k) => trend.points.map((p) => p.by_kind[k]?.count ?? 0)),
    }),
    [trend],
  );
  const total = trend.points.reduce((n, p) => n + p.errors, 0);
  const requests = trend.points.reduce((n, p) => n + p.requests, 0);
  return (
    <section class="panel">
      <h2>
        Errors over time{' '}
        <span class="muted">
          {count(total)} errors
          {requests > 0 ? ` · ${percent((total / requests) * 100)} of ${count(requests)} requests` : ''}
        </span>
      </h2>
      <Chart
        xs={data.xs}
        ys={data.ys}
        series={kinds.map((k) => ({
          label: kindLabels[k],
          color: kindColours[k],
          format: (v) => (v === null ? '—' : count(v)),
        }))}
        label="Errors over time by kind"
        from={trend.from}
        to={trend.to}
        markers={markers}
        onSelect={(from, to) => navigate(windowLink(from, to, server))}
      />
    </section>
  );
}

function GroupTable({ groups }: { groups: ErrorGroup[] }) {
  const now = useNow();
  if (groups.length === 0)
    return (
      <p class="panel muted" data-testid="errors-empty">
        No errors in this window. Failed requests through the gateway, reported errors and failed health
        checks show here.
      </p>
    );
  return (
    <ScrollBox>
      <table class="table" aria-label="Error groups">
        <thead>
          <tr>
            <th scope="col">Error</th>
            <th scope="col">Kind</th>
            <th scope="col" class="num">
              Count
            </th>
            <th scope="col">Servers</th>
            <th scope="col">Last seen</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.id}>
              <td>
                <a href={`/errors/${g.id}${location.search}`}>{g.title}</a>
              </td>
              <td>{kindLabels[g.kind]}</td>
              <td class="num">{count(g.count)}</td>
              <td>{g.servers.join(', ')}</td>
              <td>{relative(g.last_seen, now)}</td>
              <td>
                {g.status}
                {g.regression && <span class="tag bad"> regression</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}
