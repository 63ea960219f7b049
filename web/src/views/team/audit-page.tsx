import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { exact } from '../../lib/format.js';
import { setQuery, useRoute } from '../../lib/router.js';
import { useApi } from '../../lib/use-api.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';

/** Admins: who did what and when, newest first, by actor and target (both in the URL). */
export function AuditPage() {
  const { query } = useRoute();
  const actor = query.get('actor') ?? '';
  const target = query.get('target') ?? '';
  const list = useApi(api.audit, [
    { limit: 500, ...(actor ? { actor } : {}), ...(target ? { target } : {}) },
  ]);
  const [open, setOpen] = useState<number | undefined>();
  return (
    <section class="team audit" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form class="row" onSubmit={(e) => e.preventDefault()} aria-label="Filter">
        <div class="field">
          <label for="au-actor">Who</label>
          <input id="au-actor" value={actor} onChange={(e) => setQuery({ actor: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="au-target">Target</label>
          <input
            id="au-target"
            value={target}
            placeholder="server id, user:name, token:3"
            onChange={(e) => setQuery({ target: e.currentTarget.value })}
          />
        </div>
      </form>
      <ErrorNote text={list.error} />
      {list.data?.entries.length === 0 && <p class="empty">Nothing recorded for this filter.</p>}
      {list.data && list.data.entries.length > 0 && (
        <ScrollBox class="table-wrap">
          <table data-testid="audit">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>Target</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {list.data.entries.map((e) => (
                <tr key={e.id} data-testid="audit-row">
                  <td>{exact(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>{e.action}</td>
                  <td>{e.target ?? '—'}</td>
                  <td>
                    {e.details === null ? (
                      '—'
                    ) : open === e.id ? (
                      <pre class="details">{JSON.stringify(e.details, null, 2)}</pre>
                    ) : (
                      <button type="button" class="ghost" onClick={() => setOpen(e.id)}>
                        Show
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
    </section>
  );
}
