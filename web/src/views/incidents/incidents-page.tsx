import { useMemo, useState } from 'preact/hooks';
import { api, type Incident, type IncidentDetail } from '../../lib/api.js';
import { count, exact, percent, relative } from '../../lib/format.js';
import { ApiError } from '../../lib/http.js';
import { useNow } from '../../lib/observable.js';
import { useRoute } from '../../lib/router.js';
import { useApi } from '../../lib/use-api.js';
import { Chart } from '../detail/chart.js';
import { RangePicker } from '../detail/range-picker.js';
import { rangeOf } from '../detail/range.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';
import { Affected, EventsTable, SimilarList } from './parts.js';
import { WindowView } from './window-view.js';

/** `/incidents`, `/incidents/<id>` and `/incidents/window` (DESIGN §10). */
export function IncidentsPage({ id, window }: { id?: number; window?: boolean }) {
  const { query } = useRoute();
  const [now] = useState(() => Date.now());
  if (window) {
    const from = Number(query.get('from'));
    const to = Number(query.get('to'));
    return <WindowView from={from} to={to} server={query.get('server') ?? undefined} />;
  }
  if (id !== undefined) return <IncidentView id={id} />;
  return <IncidentList query={query} now={now} />;
}

function IncidentList({ query, now }: { query: URLSearchParams; now: number }) {
  const range = rangeOf(query, now, '7d');
  const list = useApi(api.incidents.list, [{ from: range.from, to: range.to, limit: 200 }]);
  return (
    <section class="incidents" data-testid="incidents">
      <h1>Incidents</h1>
      <div class="toolbar">
        <RangePicker range={range} fallback="7d" />
      </div>
      <ErrorNote text={list.error} />
      {list.data && <IncidentTable incidents={list.data.incidents} />}
    </section>
  );
}

const duration = (i: Incident, now: number): string => {
  const ms = (i.closed_at ? Date.parse(i.closed_at) : now) - Date.parse(i.opened_at);
  const min = Math.round(ms / 60_000);
  return min < 120 ? `${min} min` : `${Math.round(min / 60)} h`;
};

function IncidentTable({ incidents }: { incidents: Incident[] }) {
  const now = useNow();
  if (incidents.length === 0)
    return (
      <p class="panel muted" data-testid="incidents-empty">
        No incident in this window. One opens by itself when a server's error rate or an error group spikes
        over its usual level, or an alert fires, and closes when it falls back.
      </p>
    );
  return (
    <ScrollBox>
      <table class="table" aria-label="Incidents">
        <thead>
          <tr>
            <th scope="col">Incident</th>
            <th scope="col">Server</th>
            <th scope="col">Status</th>
            <th scope="col">Opened</th>
            <th scope="col">Lasted</th>
            <th scope="col" class="num">
              Peak
            </th>
            <th scope="col" class="num">
              Errors
            </th>
          </tr>
        </thead>
        <tbody>
          {incidents.map((i) => (
            <tr key={i.id}>
              <td>
                <a href={`/incidents/${i.id}`}>{i.title}</a>
              </td>
              <td>{i.server}</td>
              <td>
                <span class={`tag ${i.status === 'open' ? 'bad' : ''}`}>{i.status}</span>
              </td>
              <td>{relative(i.opened_at, now)}</td>
              <td>{duration(i, now)}</td>
              <td class="num">{percent(i.peak_rate)}</td>
              <td class="num">{count(i.errors)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}

function IncidentView({ id }: { id: number }) {
  const detail = useApi(api.incidents.get, [id]);
  const i = detail.data;
  return (
    <section class="incident" data-testid="incident">
      <p>
        <a href="/incidents">← Incidents</a>
      </p>
      <ErrorNote text={detail.error} />
      {i && (
        <>
          <h1>
            {i.title} <span class={`tag ${i.status === 'open' ? 'bad' : ''}`}>{i.status}</span>
          </h1>
          <p class="muted">
            {i.server} · opened {exact(i.opened_at)}
            {i.closed_at
              ? ` · closed ${exact(i.closed_at)}${i.resolved_by === 'hand' ? ' by hand' : ''}`
              : ''}{' '}
            · peak {percent(i.peak_rate)} against {percent(i.baseline_rate)} before · {count(i.errors)} errors
          </p>
          <ShapePanel incident={i} />
          <section class="panel">
            <h2>Affected</h2>
            <Affected affected={i.affected} />
            {i.groups.length > 0 && (
              <ul aria-label="Error groups">
                {i.groups.map((g) => (
                  <li key={g.id}>
                    <a href={`/errors/${g.id}`}>{g.title}</a>{' '}
                    <span class="muted">{g.endpoints.join(', ')}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="panel">
            <h2>Correlated events</h2>
            <EventsTable events={i.events} />
          </section>
          {i.alerts.length > 0 && (
            <section class="panel">
              <h2>Alerts</h2>
              <ul aria-label="Alerts">
                {i.alerts.map((a) => (
                  <li key={a.history_id}>
                    <a href="/alerts/history">{a.rule_name ?? 'alert'}</a> fired {exact(a.triggered_at)}
                    {a.resolved_at ? `, resolved ${exact(a.resolved_at)}` : ', still firing'}
                    {a.comments.map((c, n) => (
                      <p key={n} class="note">
                        {c.by}: {c.text}
                      </p>
                    ))}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section class="panel">
            <h2>Similar past incidents</h2>
            <SimilarList similar={i.similar} />
          </section>
          <NoteForm incident={i} onSaved={detail.reload} />
        </>
      )}
    </section>
  );
}

function ShapePanel({ incident }: { incident: IncidentDetail }) {
  const from = Date.parse(incident.shape.from);
  const data = useMemo(
    () => ({
      xs: incident.shape.points.map((_, n) => from + n * incident.shape.step_ms),
      ys: [incident.shape.points],
      markers: incident.events
        .filter((e) => e.kind === 'deployment' || e.kind === 'config_change')
        .map((e) => ({
          t: Date.parse(e.time),
          label: e.detail,
          color: e.kind === 'deployment' ? '#8b5cf6' : '#0ea5e9',
        })),
    }),
    [incident],
  );
  const to = from + Math.max(1, incident.shape.points.length) * incident.shape.step_ms;
  return (
    <section class="panel">
      <h2>Error rate</h2>
      <Chart
        xs={data.xs}
        ys={data.ys}
        series={[{ label: 'error rate', color: '#ef4444', format: percent }]}
        label="Error rate during the incident"
        from={from}
        to={to}
        markers={data.markers}
      />
    </section>
  );
}

function NoteForm({ incident, onSaved }: { incident: IncidentDetail; onSaved: () => void }) {
  const [note, setNote] = useState(incident.resolution_note ?? '');
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const save = async (resolve: boolean) => {
    setError(undefined);
    try {
      await api.incidents.update(incident.id, {
        resolution_note: note.trim() || null,
        ...(resolve ? { status: 'resolved' as const } : {}),
      });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <form
      class="panel form"
      aria-label="Resolution note"
      onSubmit={(e) => {
        e.preventDefault();
        void save(false);
      }}
    >
      <label>
        How it was fixed (shown on similar incidents)
        <textarea
          rows={3}
          value={note}
          onInput={(e) => {
            setNote(e.currentTarget.value);
            setSaved(false);
          }}
        />
      </label>
      <ErrorNote text={error} />
      <div class="button-row">
        <button type="submit" class="primary">
          Save
        </button>
        {incident.status === 'open' && (
          <button type="button" onClick={() => void save(true)}>
            Save and resolve
          </button>
        )}
        {saved && <span role="status">Saved</span>}
      </div>
    </form>
  );
}
