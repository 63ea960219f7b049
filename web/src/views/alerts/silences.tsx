import { fieldText } from '../../lib/form.js';
import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { ApiError } from '../../lib/http.js';
import { exact } from '../../lib/format.js';
import { live } from '../../lib/live.js';
import { useApi } from '../../lib/use-api.js';
import { who } from '../../lib/who.js';
import type { Silence } from '../../lib/api.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';

/** Maintenance windows: while one holds, matching alerts record history but send nothing. */
export function Silences() {
  const list = useApi(api.alerts.silences.list, []);
  const rules = useApi(api.alerts.rules.list, []);
  const [error, setError] = useState<ApiError | undefined>();
  const servers = [...live.servers.values()].sort((a, b) => a.name.localeCompare(b.name));
  const tags = [...new Set(servers.flatMap((s) => s.tags))].sort();
  const ruleName = (id: number | null) =>
    id === null ? null : (rules.data?.rules.find((r) => r.id === id)?.name ?? `#${id}`);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const text = fieldText(f);
    const starts = text('starts') ? new Date(text('starts')).getTime() : Date.now();
    const body = {
      rule_id: text('rule') ? Number(text('rule')) : null,
      server_id: text('server') || null,
      tag: text('tag') || null,
      starts_at: new Date(starts).toISOString(),
      ends_at: new Date(starts + Number(text('hours')) * 3600_000).toISOString(),
      comment: text('comment') || null,
      ...(who.get() ? { by: who.get() } : {}),
    };
    setError(undefined);
    try {
      await api.alerts.silences.create(body);
      form.reset();
      list.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
    }
  };
  const remove = async (s: Silence) => {
    await api.alerts.silences
      .remove(s.id)
      .catch((e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, 'error', String(e))));
    list.reload();
  };
  return (
    <div class="silences">
      <ErrorNote text={list.error} />
      {list.data?.silences.length === 0 && (
        <p class="empty">No silences. Add one for a maintenance window.</p>
      )}
      {list.data && list.data.silences.length > 0 && (
        <ScrollBox class="table-wrap">
          <table data-testid="silences">
            <thead>
              <tr>
                <th scope="col">Matches</th>
                <th scope="col">From</th>
                <th scope="col">Until</th>
                <th scope="col">By</th>
                <th scope="col">Comment</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {list.data.silences.map((s) => (
                <tr key={s.id}>
                  <td>
                    {[
                      ruleName(s.rule_id) && `rule ${ruleName(s.rule_id) ?? ''}`,
                      s.server_id && `server ${s.server_id}`,
                      s.tag && `tag ${s.tag}`,
                    ]
                      .filter(Boolean)
                      .join(', ') || 'everything'}{' '}
                    {s.active && <span class="tag">active</span>}
                  </td>
                  <td>{exact(s.starts_at)}</td>
                  <td>{exact(s.ends_at)}</td>
                  <td>{s.by}</td>
                  <td>{s.comment}</td>
                  <td>
                    <button
                      data-needs="operator"
                      type="button"
                      class="ghost danger"
                      onClick={() => void remove(s)}
                    >
                      End
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
      <form
        data-needs="operator"
        class="panel form"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-labelledby="new-silence"
      >
        <h2 id="new-silence">New silence</h2>
        <p class="muted">Matching alerts still show in the history; their notifications are held back.</p>
        <div class="row">
          <div class="field">
            <label for="si-rule">Rule</label>
            <select id="si-rule" name="rule">
              <option value="">any rule</option>
              {rules.data?.rules.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="si-server">Server</label>
            <select id="si-server" name="server">
              <option value="">any server</option>
              {servers.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="si-tag">Tag</label>
            <select id="si-tag" name="tag">
              <option value="">any tag</option>
              {tags.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="row">
          <div class="field">
            <label for="si-starts">Starts (empty: now)</label>
            <input id="si-starts" name="starts" type="datetime-local" />
          </div>
          <div class="field">
            <label for="si-hours">For (hours)</label>
            <input id="si-hours" name="hours" type="number" min={0.1} step="any" defaultValue="2" />
          </div>
        </div>
        <div class="field">
          <label for="si-comment">Comment</label>
          <input id="si-comment" name="comment" placeholder="database migration" />
        </div>
        <ErrorNote text={error?.message} />
        <div class="button-row">
          <button type="submit" class="primary">
            Add silence
          </button>
        </div>
      </form>
    </div>
  );
}
