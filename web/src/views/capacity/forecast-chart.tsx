import { useMemo } from 'preact/hooks';
import type { ForecastAnswer } from '../../lib/api.js';
import { Chart } from '../detail/chart.js';

const GREEN = '#10b981';
const BAND = '#94a3b8';

/** History (the last `historyHours`) then the forecast with its band, on one chart. */
export function ForecastChart(props: {
  forecast: ForecastAnswer;
  label: string;
  format: (v: number | null) => string;
  /** Values are per step; `scale` turns them into the chart's unit (1/3600: requests an hour → req/s). */
  scale?: number;
  historyHours?: number;
}) {
  const f = props.forecast;
  const scale = props.scale ?? 1;
  const chart = useMemo(() => {
    if (f.status !== 'ok') return undefined;
    const stepMs = f.step === '1h' ? 3_600_000 : 86_400_000;
    const keep = Math.ceil(((props.historyHours ?? 7 * 24) * 3_600_000) / stepMs);
    const history = f.history.slice(-keep);
    const xs = [...history.map((p) => p.t), ...f.points.map((p) => p.t)];
    const pad = <T,>(n: number, v: T[]) => [...new Array<null>(n).fill(null), ...v];
    const s = (v: number) => v * scale;
    return {
      xs,
      ys: [
        [...history.map((p) => s(p.value)), ...new Array<null>(f.points.length).fill(null)],
        pad(
          history.length,
          f.points.map((p) => s(p.value)),
        ),
        pad(
          history.length,
          f.points.map((p) => s(p.lower)),
        ),
        pad(
          history.length,
          f.points.map((p) => s(p.upper)),
        ),
      ],
      from: xs[0] ?? 0,
      to: (xs.at(-1) ?? 0) + stepMs,
    };
  }, [f, scale, props.historyHours]);
  if (f.status !== 'ok' || !chart)
    return (
      <p class="muted" data-testid="forecast-empty">
        {f.status === 'ok' ? '' : `No forecast yet: ${f.message}.`}
      </p>
    );
  const level = `${Math.round(f.level * 100)} %`;
  return (
    <div data-testid="forecast-chart">
      <Chart
        xs={chart.xs}
        ys={chart.ys}
        series={[
          { label: 'actual', color: GREEN, format: props.format },
          { label: 'forecast', color: GREEN, dashed: true, format: props.format },
          { label: `lower (${level})`, color: BAND, dashed: true, format: props.format },
          { label: `upper (${level})`, color: BAND, dashed: true, format: props.format },
        ]}
        label={props.label}
        from={chart.from}
        to={chart.to}
      />
      <p class="muted">
        Model {f.model === 'mstl_ets' ? 'MSTL + ETS' : 'ETS'}
        {f.seasonality.length > 0 ? `, seasonality ${f.seasonality.map((h) => `${h} h`).join(' and ')}` : ''}
        {f.backtest.mape !== null ? `; backtest error ${f.backtest.mape.toFixed(1)} %` : ''}.
      </p>
    </div>
  );
}
