import type { Role } from '../model/role.js';

/**
 * Who a request comes from, once authenticated: `none` when the monitor has no authentication
 * at all (everyone is an admin, as on a loopback listener without api_token), `api_token` the
 * bootstrap admin token, `session` a dashboard sign-in, `token` a user's API token, `proxy` a
 * user named by a trusted reverse proxy's header.
 */
export interface Principal {
  kind: 'none' | 'api_token' | 'session' | 'token' | 'proxy';
  /** The name audit rows and alert actions carry. */
  name: string;
  userId: number | null;
  role: Role;
  /** A gateway-scoped token: the servers it may reach through /mcp/ (and nothing else). */
  servers: string[] | null;
  /** A session's value for `x-csrf-token`. */
  csrf?: string;
  tokenId?: number;
}

export const nobody: Principal = {
  kind: 'none',
  name: 'anonymous',
  userId: null,
  role: 'admin',
  servers: null,
};
export const apiTokenPrincipal: Principal = {
  kind: 'api_token',
  name: 'api-token',
  userId: null,
  role: 'admin',
  servers: null,
};

/** True for a person (or their token) rather than the shared token or no one. */
export const isUser = (p: Principal): boolean =>
  p.kind === 'session' || p.kind === 'token' || p.kind === 'proxy';
