import { api } from '../lib/api.js';
import { authNeeded, csrf, token } from '../lib/http.js';
import { live } from '../lib/live.js';
import { useObservable } from '../lib/observable.js';
import { me } from '../lib/session.js';

/** Who is signed in, with which role, and the way out. Nothing when the monitor has no authentication. */
export function UserMenu() {
  const who = useObservable(me);
  if (who === undefined || who.kind === 'none') return null;
  const signOut = async () => {
    if (who.kind === 'session') await api.auth.logout().catch(() => undefined);
    token.set(null);
    csrf.value = null;
    me.set(undefined);
    authNeeded.set(true);
    live.reconnect();
  };
  return (
    <span class="user-menu" data-testid="user-menu">
      <span data-testid="user-name">{who.user}</span>
      <span class="role" data-testid="user-role">
        {who.role}
      </span>
      {who.kind !== 'proxy' && (
        <button type="button" class="ghost" onClick={() => void signOut()} data-testid="sign-out">
          Sign out
        </button>
      )}
    </span>
  );
}
