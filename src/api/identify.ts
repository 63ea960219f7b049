/**
 * Who a request comes from, from what it carries: a Bearer token (the api_token or a user's
 * token), a trusted proxy's header (only from `auth_proxy_trusted` addresses), or the dashboard's
 * session cookie. A Bearer token that is wrong makes the request anonymous: it never falls back
 * to a cookie.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Monitor } from '../monitor.js';
import { atLeast, type Role } from '../model/role.js';
import { addressMatcher } from '../shared/cidr.js';
import { AppError } from '../shared/errors.js';
import { apiTokenPrincipal, sameSecret, type Principal } from '../users/index.js';

export const SESSION_COOKIE = 'mcp_health_session';

export const bearerOf = (authorization: string | undefined): string | undefined =>
  authorization?.startsWith('Bearer ') === true ? authorization.slice(7).trim() : undefined;

export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const trustedOf = new WeakMap<Monitor, (address: string | undefined) => boolean>();

/** The role a proxy-named user gets: the highest of their name's and their groups' mappings. */
function proxyRole(monitor: Monitor, user: string, groups: string[]): Role | undefined {
  const map = monitor.config.auth_proxy_roles;
  let best: Role | undefined;
  for (const name of [user, ...groups]) {
    const role = map[name];
    if (role !== undefined && (best === undefined || atLeast(role, best))) best = role;
  }
  return best ?? monitor.config.auth_proxy_default_role;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 200) : undefined;
}

export async function identify(
  monitor: Monitor,
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined,
): Promise<Principal | undefined> {
  const { config, users } = monitor;
  const bearer = bearerOf(headers.authorization);
  if (bearer !== undefined) {
    if (config.api_token && sameSecret(bearer, config.api_token)) return apiTokenPrincipal;
    return users.byToken(bearer);
  }
  if (config.auth_proxy_header !== undefined) {
    let trusted = trustedOf.get(monitor);
    if (!trusted) trustedOf.set(monitor, (trusted = addressMatcher(config.auth_proxy_trusted)));
    const user = headerValue(headers, config.auth_proxy_header);
    if (user !== undefined && trusted(remoteAddress)) {
      const groupsHeader = config.auth_proxy_groups_header;
      const groups =
        groupsHeader === undefined
          ? []
          : (headerValue(headers, groupsHeader) ?? '').split(',').map((g) => g.trim());
      const role = proxyRole(monitor, user, groups.filter(Boolean));
      if (role === undefined)
        throw new AppError(
          'forbidden',
          `${user} has no role here: add them (or a group of theirs) to auth_proxy_roles`,
        );
      const known = await users.byName(user);
      return { kind: 'proxy', name: user, userId: known?.id ?? null, role, servers: null };
    }
  }
  const session = cookieOf(headers.cookie, SESSION_COOKIE);
  return session === undefined || session === '' ? undefined : users.session(session);
}
