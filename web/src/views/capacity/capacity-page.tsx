import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import type { CapacityAnswer } from '../../lib/api.js';
import { percent, rate } from '../../lib/format.js';
import { useApi } from '../../lib/use-api.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';
import { ForecastChart } from './forecast-chart.js';

type Row = CapacityAnswer['servers'][number];

const urgencyText: Record<Row['urgency'], string> = {
  critical: 'act now',
  soon: 'plan',
  watch: 'watch',
  ok: 'fine',
  unknown: 'unknown',
};

const signed = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(1)} %`);

/** One server: its requests forecast with the band, and what to do. */
function ServerForecast({ row }: { row: Row }) {
  const { data, error } = useApi(api.forecast, [{ server: row.server, metric: 'requests', horizon: '7d' }]);
  return (
    <section class="panel" data-testid="capacity-detail">
      <h2>{row.name}: requests per second, next 7 days</h2>
      <p data-testid="recommendation">{row.recommendation}</p>
      <ErrorNote text={error} />
      {!data ? (
        <p class="muted loading">Fitting the forecast…</p>
      ) : (
        <ForecastChart
          forecast={data}
          label={`${row.name} requests forecast`}
          format={rate}
          scale={1 / 3600}
        />
      )}
    </section>
  );
}

/** The fleet by urgency: load against capacity now and at next week's peak, growth, days left, advice. */
export function CapacityPage() {
  const { data, error } = useApi(api.capacity, []);
  const [selected, setSelected] = useState<string | undefined>();
  const rows = data?.servers ?? [];
  const current = rows.find((r) => r.server === selected) ?? rows[0];
  return (
    <section class="capacity" data-testid="capacity">
      <h1>Capacity</h1>
      <ErrorNote text={error} />
      {!data ? (
        <p class="muted loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p class="empty">No servers yet.</p>
      ) : (
        <>
          <ScrollBox>
            <table class="table" aria-label="Capacity by urgency">
              <thead>
                <tr>
                  <th scope="col">Server</th>
                  <th scope="col">Urgency</th>
                  <th scope="col" class="num">
                    Peak now
                  </th>
                  <th scope="col" class="num">
                    Capacity
                  </th>
                  <th scope="col" class="num">
                    Used now
                  </th>
                  <th scope="col" class="num">
                    Next week
                  </th>
                  <th scope="col" class="num">
                    Week
                  </th>
                  <th scope="col" class="num">
                    Month
                  </th>
                  <th scope="col" class="num">
                    Days left
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr
                    key={r.server}
                    data-testid="capacity-row"
                    aria-selected={r === current}
                    class={r === current ? 'selected' : ''}
                  >
                    <td>
                      <button type="button" class="link" onClick={() => setSelected(r.server)}>
                        {r.name}
                      </button>
                    </td>
                    <td>
                      <span class={`tag urgency-${r.urgency}`}>{urgencyText[r.urgency]}</span>
                    </td>
                    <td class="num">{rate(r.peak_rps)}</td>
                    <td class="num">
                      {r.max_rps === null ? '—' : rate(r.max_rps)}
                      {r.max_rps_source === 'learned' ? ' (learned)' : ''}
                    </td>
                    <td class="num">{percent(r.utilisation_percent)}</td>
                    <td class="num">{percent(r.forecast_utilisation_percent)}</td>
                    <td class="num">{signed(r.growth_week_percent)}</td>
                    <td class="num">{signed(r.growth_month_percent)}</td>
                    <td class="num">
                      {r.days_until_saturation === null ? '—' : Math.ceil(r.days_until_saturation)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          {current && <ServerForecast key={current.server} row={current} />}
        </>
      )}
    </section>
  );
}
