import { useState } from 'preact/hooks';
import { api, type StatusPage } from '../../lib/api.js';
import { fieldText } from '../../lib/form.js';
import { ApiError } from '../../lib/http.js';
import { live } from '../../lib/live.js';
import { useObservable } from '../../lib/observable.js';
import { useApi } from '../../lib/use-api.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'error', String(e)));

/** The form for a new page, or for one being edited (its fields filled in). */
function PageForm({ editing, done }: { editing: StatusPage | undefined; done: () => void }) {
  useObservable(live.version);
  const servers = [...live.servers.values()].sort((a, b) => a.name.localeCompare(b.name));
  const tags = [...new Set(servers.flatMap((s) => s.tags))].sort();
  const [by, setBy] = useState<'servers' | 'tags'>(editing?.tags ? 'tags' : 'servers');
  const [error, setError] = useState<ApiError | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const text = fieldText(f);
    const chosen = f.getAll(by === 'servers' ? 'server' : 'tag').map(String);
    const body = {
      slug: text('slug'),
      title: text('title'),
      servers: by === 'servers' ? chosen : null,
      tags: by === 'tags' ? chosen : null,
      public: f.get('public') === 'on',
    };
    setError(undefined);
    try {
      if (editing) await api.statusPages.update(editing.id, body);
      else await api.statusPages.create(body);
      form.reset();
      done();
    } catch (err) {
      setError(asError(err));
    }
  };
  return (
    <form class="panel form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="sp-form">
      <h2 id="sp-form">{editing ? `Edit ${editing.title}` : 'New status page'}</h2>
      <p class="muted">
        A page at <code>/status/&lt;slug&gt;</code> shows each chosen server's name, status and 90 days of
        uptime — nothing else. A public one needs no login, and its servers get badges.
      </p>
      <div class="row">
        <div class="field">
          <label for="sp-title">Title</label>
          <input id="sp-title" name="title" required maxLength={120} defaultValue={editing?.title ?? ''} />
        </div>
        <div class="field">
          <label for="sp-slug">Slug</label>
          <input
            id="sp-slug"
            name="slug"
            required
            maxLength={60}
            pattern="[a-z0-9][a-z0-9-]*"
            placeholder="public-tools"
            defaultValue={editing?.slug ?? ''}
          />
        </div>
      </div>
      <fieldset class="field">
        <legend>Show</legend>
        <label>
          <input type="radio" name="by" checked={by === 'servers'} onChange={() => setBy('servers')} /> these
          servers
        </label>{' '}
        <label>
          <input type="radio" name="by" checked={by === 'tags'} onChange={() => setBy('tags')} /> servers with
          these tags
        </label>
      </fieldset>
      <div class="choices" data-testid="sp-choices">
        {(by === 'servers'
          ? servers.map((s) => [s.id, s.name] as const)
          : tags.map((t) => [t, t] as const)
        ).map(([value, label]) => (
          <label key={`${by}-${value}`} class="choice">
            <input
              type="checkbox"
              name={by === 'servers' ? 'server' : 'tag'}
              value={value}
              defaultChecked={(by === 'servers' ? editing?.servers : editing?.tags)?.includes(value) ?? false}
            />{' '}
            {label}
          </label>
        ))}
      </div>
      <label class="choice">
        <input type="checkbox" name="public" defaultChecked={editing?.public ?? true} /> Public (no login)
      </label>
      <ErrorNote text={error?.message} />
      <div class="button-row">
        {editing && (
          <button type="button" class="ghost" onClick={done}>
            Cancel
          </button>
        )}
        <button type="submit" class="primary">
          {editing ? 'Save' : 'Add status page'}
        </button>
      </div>
    </form>
  );
}

/** Status pages: the list (each with its public link and its servers' badges), and the form. */
export function StatusPagesPage() {
  const list = useApi(api.statusPages.list, []);
  const [editing, setEditing] = useState<StatusPage | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const remove = async (p: StatusPage) => {
    if (!confirm(`Remove the status page ${p.title}?`)) return;
    await api.statusPages.remove(p.id).catch((e: unknown) => setError(asError(e)));
    list.reload();
  };
  const done = () => {
    setEditing(undefined);
    list.reload();
  };
  return (
    <section class="status-pages">
      <h1>Status pages</h1>
      <ErrorNote text={list.error ?? error?.message} />
      {list.data?.status_pages.length === 0 && <p class="empty">No status page yet.</p>}
      {list.data && list.data.status_pages.length > 0 && (
        <ScrollBox class="table-wrap">
          <table data-testid="status-pages">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Page</th>
                <th scope="col">Shows</th>
                <th scope="col">Access</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {list.data.status_pages.map((p) => (
                <tr key={p.id} data-slug={p.slug}>
                  <td>{p.title}</td>
                  <td>
                    <a href={p.path} target="_blank" rel="noopener">
                      {p.path}
                    </a>
                  </td>
                  <td>
                    {p.servers ? `servers ${p.servers.join(', ')}` : `tags ${(p.tags ?? []).join(', ')}`}
                  </td>
                  <td>{p.public ? 'public' : 'token only'}</td>
                  <td class="actions">
                    <button type="button" class="ghost" onClick={() => setEditing(p)}>
                      Edit
                    </button>
                    <button type="button" class="ghost danger" onClick={() => void remove(p)}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
      <PageForm key={editing ? `edit-${editing.id}` : 'new'} editing={editing} done={done} />
    </section>
  );
}
