import { useState } from 'preact/hooks';
import { api, type Role, type User } from '../../lib/api.js';
import { fieldText } from '../../lib/form.js';
import { exact } from '../../lib/format.js';
import { ApiError } from '../../lib/http.js';
import { useApi } from '../../lib/use-api.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';

const roleNames: Role[] = ['viewer', 'operator', 'admin'];

/** Admins: the users, their roles, adding and removing them (never the last admin). */
export function UsersPage() {
  const list = useApi(api.users.list, []);
  const [error, setError] = useState<string | undefined>();
  const attempt = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      list.reload();
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      return false;
    }
  };
  const add = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const text = fieldText(new FormData(form));
    const ok = await attempt(() =>
      api.users.create({ name: text('name'), role: text('role') as Role, password: text('password') }),
    );
    if (ok) form.reset();
  };
  const setRole = (u: User, role: Role) => attempt(() => api.users.update(u.id, { role }));
  const remove = (u: User) => {
    if (confirm(`Remove ${u.name}, with their sessions and tokens?`))
      void attempt(() => api.users.remove(u.id));
  };
  return (
    <section class="team users" aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <ErrorNote text={list.error ?? error} testId="users-error" />
      {list.data && (
        <ScrollBox class="table-wrap">
          <table data-testid="users">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Since</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.users.map((u) => (
                <tr key={u.id} data-testid="user-row">
                  <td>{u.name}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.name}`}
                      value={u.role}
                      onChange={(e) => void setRole(u, e.currentTarget.value as Role)}
                    >
                      {roleNames.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{exact(u.created_at)}</td>
                  <td>
                    <button type="button" class="ghost danger" onClick={() => remove(u)}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
      <form class="panel form" onSubmit={(e) => void add(e)} aria-labelledby="new-user">
        <h2 id="new-user">Add a user</h2>
        <div class="row">
          <div class="field">
            <label for="nu-name">User name</label>
            <input id="nu-name" name="name" required autoComplete="off" />
          </div>
          <div class="field">
            <label for="nu-role">Role</label>
            <select id="nu-role" name="role">
              {roleNames.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="nu-password">Password (12 characters or more)</label>
            <input
              id="nu-password"
              name="password"
              type="password"
              minLength={12}
              required
              autoComplete="new-password"
            />
          </div>
        </div>
        <div class="button-row">
          <button type="submit" class="primary">
            Add user
          </button>
        </div>
      </form>
    </section>
  );
}
