import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { ApiError, authNeeded, token } from '../lib/http.js';
import { live } from '../lib/live.js';
import { ErrorNote } from './error-note.js';

/** Asked for when the monitor runs with an `api_token`: the token is kept in this browser only. */
export function Login() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    token.set(value.trim());
    try {
      await api.servers.list();
      authNeeded.set(false);
      live.reconnect();
    } catch (err) {
      token.set(null);
      setError(err instanceof ApiError && err.status === 401 ? 'That token was not accepted.' : String(err));
    }
  };
  return (
    <form class="panel login" onSubmit={(e) => void submit(e)}>
      <h2>Sign in</h2>
      <p>
        This monitor requires its API token (the <code>api_token</code> setting).
      </p>
      <label>
        API token
        <input
          type="password"
          autoComplete="current-password"
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
          required
        />
      </label>
      <ErrorNote text={error} />
      <button type="submit" class="primary">
        Sign in
      </button>
    </form>
  );
}
