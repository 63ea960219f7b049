import { useMemo, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { count, percent } from '../../lib/format.js';
import { useApi } from '../../lib/use-api.js';
import { Chart } from '../detail/chart.js';
import { ErrorNote } from '../error-note.js';
import { ForecastChart } from '../capacity/forecast-chart.js';

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const spans = [
  [7, '7 days'],
  [30, '30 days'],
  [90, '90 days'],
] as const;

/** Bars as a table: readable by a screen reader, no chart needed for 24 numbers. */
function Bars({ rows, label }: { rows: { key: string; value: number }[]; label: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <table class="bars" aria-label={label}>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.key}</th>
            <td>
              <span class="bar" style={{ width: `${(r.value / max) * 100}%` }} />
            </td>
            <td class="num">{count(r.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The browser's time zone (an IANA name), so that busy hours and days are the reader's own. */
const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Capacity planning: when the traffic comes, where it goes, who sends it, and how it grows (local time). */
export function UsageView({ serverId }: { serverId?: string }) {
  const [span, setSpan] = useState(30);
  const [now] = useState(() => Date.now());
  const [timeZone] = useState(browserTimeZone);
  const { data, error } = useApi(api.usage, [
    { server: serverId, from: now - span * 86_400_000, to: now, limit: 10, time_zone: timeZone },
  ]);
  const daily = useMemo(
    () => (data ? { xs: data.daily.map((d) => d.day), ys: [data.daily.map((d) => d.requests)] } : undefined),
    [data],
  );
  return (
    <div class="usage" data-testid="usage">
      <div class="toolbar">
        <div class="range-picker" role="group" aria-label="Period">
          {spans.map(([d, label]) => (
            <button
              type="button"
              key={d}
              class={span === d ? 'active' : ''}
              aria-pressed={span === d}
              onClick={() => setSpan(d)}
            >
              {label}
            </button>
          ))}
        </div>
        {data && (
          <span class="muted">
            {count(data.requests)} requests, error rate {percent(data.error_rate_percent)} (times in{' '}
            {data.time_zone})
          </span>
        )}
      </div>
      <ErrorNote text={error} />
      {!data ? (
        <p class="muted loading">Loading…</p>
      ) : data.requests === 0 ? (
        <p class="empty">
          No traffic in this period. Traffic through the gateway or the ingest API shows here.
        </p>
      ) : (
        <div class="charts">
          <section class="panel">
            <h2>Requests per day</h2>
            {daily && (
              <Chart
                xs={daily.xs}
                ys={daily.ys}
                series={[
                  { label: 'requests', color: '#10b981', format: (v) => (v === null ? '—' : count(v)) },
                ]}
                label="Requests per day"
                from={data.from}
                to={data.to}
              />
            )}
          </section>
          <DailyForecast server={serverId} />
          <section class="panel">
            <h2>Busiest hours</h2>
            <Bars
              label="Requests by hour of day"
              rows={data.by_hour_of_day.map((h) => ({
                key: `${String(h.hour).padStart(2, '0')}:00`,
                value: h.requests,
              }))}
            />
          </section>
          <section class="panel">
            <h2>Busiest days</h2>
            <Bars
              label="Requests by day of week"
              rows={data.by_day_of_week.map((d) => ({
                key: days[d.day] ?? String(d.day),
                value: d.requests,
              }))}
            />
          </section>
          <section class="panel">
            <h2>Most used endpoints</h2>
            <Bars
              label="Top endpoints"
              rows={data.top_endpoints.map((e) => ({
                key: serverId ? e.endpoint : `${e.server_id} · ${e.endpoint}`,
                value: e.requests,
              }))}
            />
          </section>
          <section class="panel">
            <h2>Clients</h2>
            <Bars
              label="Requests by client"
              rows={data.clients.map((c) => ({
                key: c.client_name ? `${c.client_name} ${c.client_version}` : 'unknown client',
                value: c.requests,
              }))}
            />
          </section>
          <section class="panel">
            <h2>Protocol versions</h2>
            <Bars
              label="Requests by protocol version"
              rows={data.protocol_versions.map((p) => ({
                key: p.protocol_version || 'unknown',
                value: p.requests,
              }))}
            />
          </section>
        </div>
      )}
    </div>
  );
}

/** The daily requests of the last weeks and the next 30 days, with the forecast's band. */
function DailyForecast({ server }: { server: string | undefined }) {
  const { data } = useApi(api.forecast, [
    { ...(server ? { server } : {}), metric: 'requests', horizon: '30d' },
  ]);
  return (
    <section class="panel" data-testid="usage-forecast">
      <h2>Requests per day: forecast</h2>
      {data ? (
        <ForecastChart
          forecast={data}
          label="Requests per day, forecast"
          format={(v) => (v === null ? '—' : count(v))}
          historyHours={28 * 24}
        />
      ) : (
        <p class="muted loading">Fitting the forecast…</p>
      )}
    </section>
  );
}
