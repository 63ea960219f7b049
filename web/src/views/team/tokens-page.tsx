import { useState } from 'preact/hooks';
import { api, type Role, type Token } from '../../lib/api.js';
import { fieldText } from '../../lib/form.js';
import { exact } from '../../lib/format.js';
import { ApiError } from '../../lib/http.js';
import { live } from '../../lib/live.js';
import { useObservable } from '../../lib/observable.js';
import { can, me } from '../../lib/session.js';
import { useApi } from '../../lib/use-api.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';

const roleNames: Role[] = ['viewer', 'operator', 'admin'];

/**
 * API tokens: for scripts and CI (a role no higher than yours) and gateway tokens for MCP
 * clients (scoped to servers). The secret is shown once, right after it is made.
 */
export function TokensPage() {
  const who = useObservable(me);
  const admin = can(who, 'admin');
  const [all, setAll] = useState(false);
  const list = useApi(api.tokens.list, [all && admin]);
  const [error, setError] = useState<string | undefined>();
  const [made, setMade] = useState<{ name: string; token: string } | undefined>();
  const servers = [...live.servers.values()].sort((a, b) => a.name.localeCompare(b.name));
  const create = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const text = fieldText(f);
    const scope = f.getAll('servers').map(String);
    const days = Number(text('days'));
    setError(undefined);
    try {
      const t = await api.tokens.create({
        name: text('name'),
        role: text('role') as Role,
        ...(text('user') ? { user: text('user') } : {}),
        ...(scope.length > 0 ? { servers: scope } : {}),
        ...(days > 0 ? { expires_at: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
      });
      setMade({ name: t.name, token: t.token });
      form.reset();
      list.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const revoke = async (t: Token) => {
    if (!confirm(`Revoke "${t.name}"? Whatever uses it stops working.`)) return;
    await api.tokens.remove(t.id).catch((err: unknown) => setError(String(err)));
    list.reload();
  };
  return (
    <section class="team tokens" aria-labelledby="tokens-title">
      <h1 id="tokens-title">API tokens</h1>
      {made && (
        <div class="panel" role="status" data-testid="new-token">
          <p>
            <strong>{made.name}</strong>: copy it now, it is not shown again.
          </p>
          <p class="token-secret" data-testid="token-secret">
            {made.token}
          </p>
        </div>
      )}
      <ErrorNote text={list.error ?? error} testId="tokens-error" />
      {admin && (
        <label>
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} /> Everyone's
          tokens
        </label>
      )}
      {list.data && list.data.tokens.length === 0 && <p class="empty">No tokens yet.</p>}
      {list.data && list.data.tokens.length > 0 && (
        <ScrollBox class="table-wrap">
          <table data-testid="tokens">
            <thead>
              <tr>
                <th>Name</th>
                <th>User</th>
                <th>Role</th>
                <th>Gateway of</th>
                <th>Expires</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.tokens.map((t) => (
                <tr key={t.id} data-testid="token-row">
                  <td>{t.name}</td>
                  <td>{t.user}</td>
                  <td>{t.role}</td>
                  <td>{t.servers ? t.servers.join(', ') : '— (API)'}</td>
                  <td>{t.expires_at ? exact(t.expires_at) : 'never'}</td>
                  <td>{t.last_used_at ? exact(t.last_used_at) : 'never'}</td>
                  <td>
                    <button type="button" class="ghost danger" onClick={() => void revoke(t)}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
      <form class="panel form" onSubmit={(e) => void create(e)} aria-labelledby="new-token-title">
        <h2 id="new-token-title">Make a token</h2>
        <div class="row">
          <div class="field">
            <label for="nt-name">Name</label>
            <input id="nt-name" name="name" required placeholder="ci, claude-desktop…" />
          </div>
          <div class="field">
            <label for="nt-role">Role</label>
            <select id="nt-role" name="role" defaultValue="viewer">
              {roleNames
                .filter((r) => can(who, r))
                .map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
            </select>
          </div>
          <div class="field">
            <label for="nt-days">Expires in (days, empty: never)</label>
            <input id="nt-days" name="days" type="number" min={1} step={1} />
          </div>
          {admin && (
            <div class="field">
              <label for="nt-user">For user (empty: you)</label>
              <input id="nt-user" name="user" autoComplete="off" />
            </div>
          )}
        </div>
        <div class="field">
          <label for="nt-servers">
            Gateway only, for these servers (MCP clients; none selected: an API token)
          </label>
          <select id="nt-servers" name="servers" multiple size={Math.min(6, Math.max(2, servers.length))}>
            {servers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div class="button-row">
          <button type="submit" class="primary">
            Make token
          </button>
        </div>
      </form>
    </section>
  );
}
