import { api, type Me, type Role } from './api.js';
import { csrf } from './http.js';
import { Observable } from './observable.js';

/** Who this dashboard is signed in as (GET /api/v1/auth/me); undefined until known. */
export const me = new Observable<Me | undefined>(undefined);

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether the signed-in role may do what `needed` may; the UI hides what would answer 403. */
export const can = (who: Me | undefined, needed: Role): boolean =>
  who !== undefined && rank[who.role] >= rank[needed];

/** Asks the monitor who we are, keeping the CSRF value for changes. */
export async function loadMe(): Promise<Me | undefined> {
  try {
    const who = await api.auth.me();
    csrf.value = who.csrf_token;
    me.set(who);
    return who;
  } catch {
    csrf.value = null;
    me.set(undefined);
    return undefined;
  }
}
