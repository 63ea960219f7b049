import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { ApiError, authNeeded, token } from '../lib/http.js';
import { live } from '../lib/live.js';
import { fieldText } from '../lib/form.js';
import { loadMe } from '../lib/session.js';
import { ErrorNote } from './error-note.js';

/**
 * Sign-in: a user name and password (a session cookie, HttpOnly, that this page never sees), or
 * the monitor's API token (kept in this browser only) for a monitor without users yet.
 */
export function Login() {
  const [error, setError] = useState<string | undefined>();
  const [withToken, setWithToken] = useState(false);
  const signedIn = async () => {
    authNeeded.set(false);
    await loadMe();
    live.reconnect();
  };
  const password = async (e: Event) => {
    e.preventDefault();
    const text = fieldText(new FormData(e.currentTarget as HTMLFormElement));
    const raw = new FormData(e.currentTarget as HTMLFormElement).get('password');
    setError(undefined);
    token.set(null);
    try {
      await api.auth.login({
        username: text('username'),
        // As typed, not trimmed: spaces may be part of a password.
        password: typeof raw === 'string' ? raw : '',
      });
      await signedIn();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'Wrong user name or password.'
          : err instanceof ApiError
            ? err.message
            : String(err),
      );
    }
  };
  const apiToken = async (e: Event) => {
    e.preventDefault();
    token.set(fieldText(new FormData(e.currentTarget as HTMLFormElement))('token'));
    try {
      await api.servers.list();
      await signedIn();
    } catch (err) {
      token.set(null);
      setError(err instanceof ApiError && err.status === 401 ? 'That token was not accepted.' : String(err));
    }
  };
  return (
    <div class="panel login">
      <h2>Sign in</h2>
      {withToken ? (
        <form onSubmit={(e) => void apiToken(e)} aria-label="Sign in with a token">
          <p>
            Paste an API token: the monitor's <code>api_token</code> or one of yours.
          </p>
          <label>
            API token
            <input name="token" type="password" autoComplete="current-password" required />
          </label>
          <ErrorNote text={error} />
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
      ) : (
        <form onSubmit={(e) => void password(e)} aria-label="Sign in with a password">
          <label>
            User name
            <input name="username" autoComplete="username" required />
          </label>
          <label>
            Password
            <input name="password" type="password" autoComplete="current-password" required />
          </label>
          <ErrorNote text={error} />
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
      )}
      <p class="alternative">
        <button
          type="button"
          class="ghost"
          onClick={() => {
            setWithToken(!withToken);
            setError(undefined);
          }}
        >
          {withToken ? 'Sign in with a user name and password' : 'Use an API token instead'}
        </button>
      </p>
    </div>
  );
}
