import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { useObservable } from '../../lib/observable.js';
import { scheme } from '../../lib/theme.js';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  /** Dashed: the previous period's values (compare with last week). */
  dashed?: boolean;
  format: (v: number | null) => string;
}

interface Props {
  /** x in epoch ms, then one array per series. */
  xs: number[];
  ys: (number | null)[][];
  series: ChartSeries[];
  height?: number;
  label: string;
  /** The x range shown (epoch ms), whatever the data covers. */
  from: number;
  to: number;
  /** Vertical lines: deployments and config changes (DESIGN §10). */
  markers?: ChartMarker[] | undefined;
  /** A range brushed (or a point clicked: the step around it), epoch ms: "click a spike". */
  onSelect?: ((from: number, to: number) => void) | undefined;
  /** Anomalies (a ring at the value) and level shifts (a dashed vertical line), epoch ms. */
  marks?: { anomalies: { t: number; value: number }[]; shifts: number[] };
  /** A line under the chart for the point under the cursor (the % change against last week). */
  hoverNote?: (index: number) => string | null;
}

export interface ChartMarker {
  t: number;
  label: string;
  color: string;
}

/** Draws each marker as a dashed vertical line across the plot. */
function markerPlugin(markers: ChartMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = 1.5 * devicePixelRatio;
        for (const m of markers) {
          const x = Math.round(u.valToPos(m.t / 1000, 'x', true));
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.strokeStyle = m.color;
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

const MARK = '#dc2626';

/** Draws the marks on the plot's canvas after each redraw. */
function drawMarks(u: uPlot, marks: NonNullable<Props['marks']>): void {
  const ctx = u.ctx;
  const dpr = devicePixelRatio || 1;
  ctx.save();
  ctx.strokeStyle = MARK;
  ctx.lineWidth = 2 * dpr;
  for (const a of marks.anomalies) {
    const x = u.valToPos(a.t / 1000, 'x', true);
    const y = u.valToPos(a.value, 'y', true);
    ctx.beginPath();
    ctx.arc(x, y, 5 * dpr, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.setLineDash([4 * dpr, 4 * dpr]);
  ctx.lineWidth = 1 * dpr;
  for (const t of marks.shifts) {
    const x = u.valToPos(t / 1000, 'x', true);
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
  }
  ctx.restore();
}

/** Indexes of the values with no value beside them (null when none). */
function isolated(ys: ArrayLike<number | null | undefined> | undefined): number[] | null {
  if (!ys) return null;
  const found: number[] = [];
  const has = (i: number) => i >= 0 && i < ys.length && ys[i] !== null && ys[i] !== undefined;
  for (let i = 0; i < ys.length; i++) if (has(i) && !has(i - 1) && !has(i + 1)) found.push(i);
  return found.length ? found : null;
}

/** A uPlot time-series chart that fills its box and shows exact values in its legend on hover. */
export function Chart({
  xs,
  ys,
  series,
  height = 220,
  label,
  from,
  to,
  markers,
  onSelect,
  marks,
  hoverNote,
}: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [note, setNote] = useState<string | null>(null);
  const colours = useObservable(scheme);
  // the latest handler, so that a new function each render does not redraw the chart
  const selected = useRef(onSelect);
  selected.current = onSelect;
  const selectable = onSelect !== undefined;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const style = getComputedStyle(el);
    const grid = style.borderTopColor;
    const axis = {
      stroke: style.color,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    };
    // uPlot's mouseup ends a drag with a click too: that click is not a second selection
    let dragged = false;
    const fmt = series[0]?.format ?? ((v: number | null) => String(v));
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        legend: { live: true },
        cursor: { drag: { x: selectable, y: false } },
        plugins: markers && markers.length > 0 ? [markerPlugin(markers)] : [],
        hooks: {
          ...(marks ? { draw: [(u: uPlot) => drawMarks(u, marks)] } : {}),
          ...(hoverNote
            ? { setCursor: [(u: uPlot) => setNote(u.cursor.idx == null ? null : hoverNote(u.cursor.idx))] }
            : {}),
          ...(selectable
            ? {
                setSelect: [
                  (u) => {
                    if (u.select.width < 2) return;
                    const a = u.posToVal(u.select.left, 'x') * 1000;
                    const b = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
                    dragged = true;
                    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
                    selected.current?.(Math.round(a), Math.round(b));
                  },
                ],
              }
            : {}),
        },
        scales: {
          x: { time: true, range: (): uPlot.Range.MinMax => [from / 1000, to / 1000] },
          y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
        },
        // Room for a time label ("11:40am") between x ticks, so that narrow charts do not run them together.
        axes: [
          { ...axis, space: 80 },
          { ...axis, size: 70, values: (_u, splits) => splits.map((v) => fmt(v)) },
        ],
        series: [
          { value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleString()) },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: s.dashed ? 1.25 : 1.75,
            ...(s.dashed ? { dash: [6, 4] } : {}),
            spanGaps: false,
            // Lines, and a dot for a value between two gaps (a line of no length): on a young
            // install, a range of days holds one hour of data.
            points: {
              show: false,
              size: 7,
              fill: s.color,
              filter: (u: uPlot, i: number) => isolated(u.data[i]),
            },
            value: (_u: uPlot, v: number | null) => s.format(v),
          })),
        ],
      },
      [xs.map((x) => x / 1000), ...ys] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    // a click (no drag) selects the step around the point clicked
    const click = () => {
      const i = plot.cursor.idx;
      if (dragged) {
        dragged = false;
        return;
      }
      if (!selected.current || i === null || i === undefined) return;
      const t = xs[i];
      if (t === undefined) return;
      const step = (xs[i + 1] ?? t) - (xs[i - 1] ?? t) || 60_000;
      selected.current(Math.round(t - step), Math.round(t + step));
    };
    plot.over.addEventListener('click', click);
    return () => {
      plot.over.removeEventListener('click', click);
      resize.disconnect();
      plot.destroy();
    };
  }, [xs, ys, series, height, from, to, colours, markers, selectable, marks, hoverNote]);
  return (
    <>
      <div
        ref={box}
        class="chart"
        role="img"
        aria-label={label}
        data-testid="chart"
        data-scheme={colours}
        data-markers={markers?.length ?? 0}
        title={onSelect ? 'Drag across a spike, or click it, to see what happened then' : undefined}
        data-values={series
          .map((s, i) => `${s.label}: ${ys[i]?.filter((v) => v !== null).length ?? 0}`)
          .join('; ')}
        data-anomalies={marks?.anomalies.length ?? 0}
      />
      {hoverNote && (
        <p class="muted hover-note" data-testid="hover-note" aria-live="polite">
          {note ?? 'Hover a point for its change against last week.'}
        </p>
      )}
    </>
  );
}
