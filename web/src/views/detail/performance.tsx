import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { bytes, exact, ms, percent, rate } from '../../lib/format.js';
import { navigate, setQuery, useRoute } from '../../lib/router.js';
import { useChangeMarkers, windowLink } from '../incidents/markers.js';
import type { SeriesPoint, SeriesResult, Server } from '../../lib/api.js';
import { Chart, type ChartSeries } from './chart.js';
import { rangeOf, type Range } from './range.js';
import { RangePicker } from './range-picker.js';
import { ErrorNote } from '../error-note.js';

const WEEK = 7 * 86_400_000;
const REFRESH_MS = 30_000;
const colours = {
  p50: '#3b82f6',
  p95: '#f59e0b',
  p99: '#ef4444',
  rps: '#10b981',
  err: '#ef4444',
  gauge: '#8b5cf6',
};

interface Panel {
  title: string;
  xs: number[];
  ys: (number | null)[][];
  series: ChartSeries[];
  /** % change of the range's aggregate against the week before, when compared. */
  change?: { label: string; value: number | null }[];
  empty?: string;
  /** When this panel's data starts in the range (epoch ms); none without data. */
  first?: number;
  /** The anomaly series of this panel (requests, p95, error rate), and how to scale it to the chart. */
  anomaly?: { metric: AnomalyMetric; scale: number };
  marks?: { anomalies: { t: number; value: number }[]; shifts: number[] };
  hoverNote?: (i: number) => string | null;
}

type AnomalyMetric = 'requests' | 'p95' | 'error_rate';
const HOUR = 3_600_000;
/** Anomalies are scored per hour over at most 28 days. */
const ANOMALY_RANGE = 28 * 86_400_000;

/** The panel with its anomalies marked, and in compare mode a hover note with the % change of each series. */
async function withAnomalies(id: string, p: Panel, r: Range, compare: boolean): Promise<Panel> {
  const hover = (ranges: { t: number }[]) => (i: number) => {
    const t = p.xs[i];
    if (t === undefined) return null;
    const half = p.series.length / 2;
    const parts = p.series.slice(0, half).map((s, k) => {
      const change = changeOf(p.ys[k]?.[i] ?? null, p.ys[k + half]?.[i] ?? null);
      return `${s.label} ${change === null ? 'n/a' : `${change > 0 ? '+' : ''}${change.toFixed(1)}%`}`;
    });
    const unusual = ranges.some((a) => t >= a.t && t < a.t + HOUR);
    return `${new Date(t).toLocaleString()} vs last week: ${parts.join(', ')}${unusual ? ' — anomaly' : ''}`;
  };
  if (!p.anomaly || p.empty || r.to - r.from > ANOMALY_RANGE)
    return compare ? { ...p, hoverNote: hover([]) } : p;
  const a = await api.servers.anomalies(id, { metric: p.anomaly.metric, from: r.from, to: r.to });
  if (a.status !== 'ok') return compare ? { ...p, hoverNote: hover([]) } : p;
  const scale = p.anomaly.scale;
  const marks = {
    anomalies: a.anomalies.map((x) => ({ t: x.t + HOUR / 2, value: x.value * scale })),
    shifts: a.level_shifts.map((x) => x.t),
  };
  return { ...p, marks, ...(compare ? { hoverNote: hover(a.anomalies) } : {}) };
}

/** Points of several series on one x axis (the union of their times), gaps as null. */
function align(lists: { t: number; v: number | null }[][]): { xs: number[]; ys: (number | null)[][] } {
  const xs = [...new Set(lists.flatMap((l) => l.map((p) => p.t)))].sort((a, b) => a - b);
  const ys = lists.map((l) => {
    const byT = new Map(l.map((p) => [p.t, p.v]));
    return xs.map((x) => byT.get(x) ?? null);
  });
  return { xs, ys };
}

const changeOf = (cur: number | null, prev: number | null) =>
  cur !== null && prev !== null && prev !== 0 ? ((cur - prev) / prev) * 100 : null;

/** Before a young server's first traffic there was nothing to count: no value, not zero. */
const blankBefore = (points: SeriesPoint[], first: number): SeriesPoint[] =>
  points.map((p) => (p.t < first ? { t: p.t, v: null } : p));

async function trafficPanels(
  id: string,
  r: Range,
  endpoint: string | null,
  compare: boolean,
  young: boolean,
): Promise<Panel[]> {
  const get = (metric: string) =>
    api.servers.series(id, { metric, from: r.from, to: r.to, endpoint, compare: compare ? '1w' : null });
  const [p50, p95, p99, rps, err] = (await Promise.all(
    ['latency_p50', 'latency_p95', 'latency_p99', 'rps', 'error_rate'].map(get),
  )) as [SeriesResult, SeriesResult, SeriesResult, SeriesResult, SeriesResult];
  // A latency exists for every step with a request: the first one is where the traffic starts.
  const first = p50.points.find((p) => p.v !== null)?.t;
  const panel = (
    title: string,
    results: [SeriesResult, string, string][],
    format: (v: number | null) => string,
  ): Panel => {
    const lists = results.map(([s]) =>
      young && first !== undefined ? blankBefore(s.points, first) : s.points,
    );
    const series: ChartSeries[] = results.map(([, label, color]) => ({ label, color, format }));
    if (compare) {
      lists.push(...results.map(([s]) => s.compare?.points ?? []));
      series.push(
        ...results.map(([, label, color]) => ({ label: `${label} last week`, color, dashed: true, format })),
      );
    }
    const { xs, ys } = align(lists);
    const hasData = results.some(([s]) => s.points.some((p) => p.v !== null));
    return {
      title,
      xs,
      ys,
      series,
      ...(compare
        ? { change: results.map(([s, label]) => ({ label, value: s.compare?.changePercent ?? null })) }
        : {}),
      ...(hasData
        ? {}
        : { empty: 'No traffic in this range. Traffic through the gateway or the ingest API shows here.' }),
      ...(first === undefined ? {} : { first }),
    };
  };
  return [
    {
      ...panel(
        'Latency',
        [
          [p50, 'p50', colours.p50],
          [p95, 'p95', colours.p95],
          [p99, 'p99', colours.p99],
        ],
        ms,
      ),
      anomaly: { metric: 'p95', scale: 1 },
    },
    // requests per hour on a chart of requests per second
    {
      ...panel('Requests per second', [[rps, 'requests/s', colours.rps]], rate),
      anomaly: { metric: 'requests', scale: 1 / 3600 },
    },
    {
      ...panel('Error rate', [[err, 'error rate', colours.err]], percent),
      anomaly: { metric: 'error_rate', scale: 1 },
    },
  ];
}

async function gaugePanel(
  id: string,
  metric: 'active_connections' | 'cpu' | 'memory',
  r: Range,
  compare: boolean,
): Promise<Panel> {
  const get = (from: number, to: number) => api.servers.gauge(id, { metric, from, to });
  const [cur, prev] = await Promise.all([
    get(r.from, r.to),
    compare ? get(r.from - WEEK, r.to - WEEK) : undefined,
  ]);
  const title = { active_connections: 'Active connections', cpu: 'CPU', memory: 'Memory (RSS)' }[metric];
  const format =
    metric === 'memory'
      ? bytes
      : metric === 'cpu'
        ? percent
        : (v: number | null) => (v === null ? '—' : v.toFixed(v % 1 ? 1 : 0));
  const lists = [cur.points.map((p) => ({ t: p.t, v: p.avg }))];
  const series: ChartSeries[] = [{ label: title, color: colours.gauge, format }];
  let change: Panel['change'];
  if (prev) {
    lists.push(prev.points.map((p) => ({ t: p.t + WEEK, v: p.avg })));
    series.push({ label: `${title} last week`, color: colours.gauge, dashed: true, format });
    const avg = (ps: { avg: number }[]) => (ps.length ? ps.reduce((a, p) => a + p.avg, 0) / ps.length : null);
    change = [{ label: 'avg', value: changeOf(avg(cur.points), avg(prev.points)) }];
  }
  const { xs, ys } = align(lists);
  return {
    title,
    xs,
    ys,
    series,
    ...(change ? { change } : {}),
    ...(cur.points[0] ? { first: cur.points[0].t } : {}),
    ...(cur.points.length === 0
      ? {
          empty:
            metric === 'active_connections'
              ? 'No samples in this range.'
              : 'Not available for this server: CPU and memory come from /proc for stdio servers, or from a configured prometheus_url for HTTP servers.',
        }
      : {}),
  };
}

/** Charts of latency percentiles, requests/s, error rate and the gauges; compare with the week before. */
export function Performance({ server }: { server: Server }) {
  const { query } = useRoute();
  const [now, setNow] = useState(Date.now());
  const range = useMemo(() => rangeOf(query, now), [query.toString(), now]);
  const endpoint = query.get('endpoint');
  const compare = query.get('compare') === '1';
  // Added within the range: its charts start part way, and say since when.
  const young = Date.parse(server.created_at) > range.from;
  const [panels, setPanels] = useState<Panel[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (range.key === 'custom') return;
    const t = setInterval(() => setNow(Date.now()), REFRESH_MS);
    return () => clearInterval(t);
  }, [range.key]);
  useEffect(() => {
    let stale = false;
    Promise.all([
      trafficPanels(server.id, range, endpoint, compare, young).then((ps) =>
        // anomalies are the server's, not an endpoint's
        endpoint ? ps : Promise.all(ps.map((p) => withAnomalies(server.id, p, range, compare))),
      ),
      ...(['active_connections', 'cpu', 'memory'] as const).map((m) =>
        gaugePanel(server.id, m, range, compare),
      ),
    ])
      .then(([traffic, ...gauges]) => {
        if (stale) return;
        setPanels([...traffic, ...gauges]);
        setError(undefined);
      })
      .catch((e: unknown) => !stale && setError(String(e)));
    return () => {
      stale = true;
    };
  }, [server.id, range.from, range.to, endpoint, compare, young]);
  const markers = useChangeMarkers(range.from, range.to, server.id);
  const firsts = (panels ?? []).flatMap((p) => (p.first === undefined ? [] : [p.first]));
  // The first step with data, or when the server was added if that is later (steps may be hours long).
  const added = Date.parse(server.created_at);
  const since = new Date(Math.max(added, firsts.length ? Math.min(...firsts) : added)).toISOString();
  return (
    <div class="performance">
      <div class="toolbar">
        <RangePicker range={range} />
        <label class="toggle">
          <input
            type="checkbox"
            checked={compare}
            onChange={(e) => setQuery({ compare: e.currentTarget.checked ? '1' : null })}
            data-testid="compare"
          />{' '}
          Compare with last week
        </label>
      </div>
      {endpoint && (
        <p class="filter-note">
          Endpoint <code>{endpoint}</code>{' '}
          <button type="button" class="link" onClick={() => setQuery({ endpoint: null })}>
            show all endpoints
          </button>
        </p>
      )}
      {young && panels && (
        <p class="muted collecting" data-testid="collecting">
          Collecting data since {exact(since)}: the range before has none.
        </p>
      )}
      <ErrorNote text={error} />
      {!panels ? (
        <p class="muted loading">Loading charts…</p>
      ) : (
        <div class="charts">
          {panels.map((p) => (
            <section
              class="panel chart-panel"
              key={p.title}
              data-testid="chart-panel"
              data-empty={p.empty ? 'true' : 'false'}
            >
              <div class="panel-head">
                <h2>{p.title}</h2>
                {p.change?.map((c) => (
                  <span
                    key={c.label}
                    class={`change ${c.value === null ? '' : c.value > 0 ? 'up' : 'down'}`}
                    title="Change of the whole range against the same range a week earlier"
                    data-testid="change"
                  >
                    {c.label} {c.value === null ? 'n/a' : `${c.value > 0 ? '+' : ''}${c.value.toFixed(1)}%`}
                  </span>
                ))}
              </div>
              {p.empty ? (
                <p class="muted chart-empty">{p.empty}</p>
              ) : (
                <Chart
                  xs={p.xs}
                  ys={p.ys}
                  series={p.series}
                  label={p.title}
                  from={range.from}
                  to={range.to}
                  markers={markers}
                  onSelect={
                    p.title === 'Latency' || p.title === 'Error rate'
                      ? (from, to) => navigate(windowLink(from, to, server.id))
                      : undefined
                  }
                  {...(p.marks ? { marks: p.marks } : {})}
                  {...(p.hoverNote ? { hoverNote: p.hoverNote } : {})}
                />
              )}
            </section>
          ))}
        </div>
      )}
    </div>
  );
}
