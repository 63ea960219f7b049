import { useState } from 'preact/hooks';
import { api, type ErrorGroupDetail, type ErrorSample } from '../../lib/api.js';
import { count, exact, relative } from '../../lib/format.js';
import { ApiError } from '../../lib/http.js';
import { useNow } from '../../lib/observable.js';
import { useApi } from '../../lib/use-api.js';
import type { Range } from '../detail/range.js';
import { ErrorNote } from '../error-note.js';
import { kindLabels } from './kind-labels.js';

/** One error group: what it is, where it happens, its samples with stacks, and its status and note. */
export function ErrorGroupView({ id, range }: { id: number; range: Range }) {
  const detail = useApi(api.errors.group, [id, { samples: 20 }]);
  const now = useNow();
  const g = detail.data;
  return (
    <section class="error-group" data-testid="error-group">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={`/errors${location.search}`}>Errors</a> / <span>#{id}</span>
      </nav>
      <ErrorNote text={detail.error} />
      {g && (
        <>
          <h1>{g.title}</h1>
          <p class="muted">
            {kindLabels[g.kind]}
            {g.code !== null && ` · code ${g.code}`} · {g.type} · {count(g.total)} in all, {count(g.count)} in
            the last {Math.round((range.to - range.from) / 3600_000)} h · first seen{' '}
            {relative(g.first_seen, now)}, last seen {relative(g.last_seen, now)}
            {g.regression && <span class="tag bad"> regression: it came back after it was resolved</span>}
          </p>
          <StatusForm group={g} onSaved={detail.reload} />
          <div class="breakdowns">
            <Breakdown title="Servers" rows={g.by_server.map((r) => [r.server, r.count])} />
            <Breakdown title="Endpoints" rows={g.by_endpoint.map((r) => [r.endpoint, r.count])} />
            <Breakdown title="Clients" rows={g.by_client.map((r) => [r.client ?? 'unknown', r.count])} />
          </div>
          <section class="panel">
            <h2>Latest samples</h2>
            {g.samples.length === 0 ? (
              <p class="muted">No samples kept (older than error_retention_days).</p>
            ) : null}
            {g.samples.map((s) => (
              <Sample key={s.id} sample={s} />
            ))}
          </section>
        </>
      )}
    </section>
  );
}

function StatusForm({ group, onSaved }: { group: ErrorGroupDetail; onSaved: () => void }) {
  const [status, setStatus] = useState(group.status);
  const [note, setNote] = useState(group.resolution_note ?? '');
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.errors.update(group.id, { status, resolution_note: note.trim() || null });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <form
      data-needs="operator"
      class="panel form"
      onSubmit={(e) => void save(e)}
      aria-label="Status and resolution note"
    >
      <label>
        Status{' '}
        <select
          value={status}
          onChange={(e) => {
            setStatus(e.currentTarget.value as typeof status);
            setSaved(false);
          }}
        >
          <option value="open">open</option>
          <option value="resolved">resolved</option>
          <option value="ignored">ignored</option>
        </select>
      </label>
      <label>
        How it was fixed (shown when it comes back)
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
        {saved && <span role="status">Saved</span>}
      </div>
    </form>
  );
}

function Breakdown({ title, rows }: { title: string; rows: [string, number][] }) {
  return (
    <section class="panel">
      <h2>{title}</h2>
      <table class="table" aria-label={title}>
        <tbody>
          {rows.map(([k, n]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td class="num">{count(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Sample({ sample: s }: { sample: ErrorSample }) {
  const client = s.client ? [s.client.name, s.client.version].filter(Boolean).join(' ') : null;
  return (
    <details class="sample">
      <summary>
        <time dateTime={s.time}>{exact(s.time)}</time> · {s.server}
        {s.endpoint && ` · ${s.endpoint}`} — {s.message ?? s.type}
      </summary>
      <dl>
        {client && (
          <>
            <dt>Client</dt>
            <dd>{client}</dd>
          </>
        )}
        {s.code !== null && (
          <>
            <dt>Code</dt>
            <dd>{s.code}</dd>
          </>
        )}
        {s.request_id && (
          <>
            <dt>Request</dt>
            <dd>
              <code>{s.request_id}</code>
              {s.session_id && (
                <>
                  {' '}
                  in session <code>{s.session_id}</code>
                </>
              )}
            </dd>
          </>
        )}
        {s.data !== null && s.data !== undefined && (
          <>
            <dt>Data</dt>
            <dd>
              <pre>{JSON.stringify(s.data, null, 2)}</pre>
            </dd>
          </>
        )}
      </dl>
      {s.stack_trace && <pre class="stack">{s.stack_trace}</pre>}
    </details>
  );
}
