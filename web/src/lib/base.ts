/**
 * Where the dashboard is served from: `/`, or a hub's drill-in path (`/federation/peers/<id>`)
 * when a hub shows this instance's dashboard (src/api/peer-proxy.ts sets the meta tags).
 * Every URL the dashboard builds goes through `withBase`.
 */
const meta = (name: string): string | null =>
  document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? null;

export const BASE = (meta('mcp-health-base') ?? '').replace(/\/+$/, '');

/** Seen through a hub: the hub's name and this instance's name there, for the banner. */
export const VIA: { hub: string; peer: string } | null = BASE
  ? { hub: meta('mcp-health-via') ?? 'the hub', peer: meta('mcp-health-peer') ?? 'a peer' }
  : null;

/** An absolute path of this dashboard (`/errors`) as the browser must ask for it. */
export const withBase = (path: string): string => (path.startsWith('/') ? `${BASE}${path}` : path);

/** The browser's path without the base, as the router matches it. */
export const withoutBase = (path: string): string =>
  BASE && path.startsWith(BASE) ? path.slice(BASE.length) || '/' : path;
