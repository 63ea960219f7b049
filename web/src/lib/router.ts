import { useEffect, useState } from 'preact/hooks';
import { withBase, withoutBase } from './base.js';

/** The location as views read it: every view has a URL, and back/forward work. */
export interface Route {
  path: string;
  query: URLSearchParams;
}

const current = (): Route => ({
  path: withoutBase(location.pathname),
  query: new URLSearchParams(location.search),
});
const listeners = new Set<() => void>();
window.addEventListener('popstate', () => {
  for (const l of listeners) l();
});

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  const to = withBase(path);
  if (to === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
  if (!opts.replace) window.scrollTo(0, 0);
}

/** Changes some query parameters of the current URL (null removes one) without a new history entry. */
export function setQuery(changes: Record<string, string | null>, opts: { push?: boolean } = {}): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(withoutBase(location.pathname) + (s ? `?${s}` : ''), { replace: !opts.push });
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const l = () => setRoute(current());
    listeners.add(l);
    return () => listeners.delete(l);
  }, []);
  return route;
}

/** An <a> click that stays in the app (ctrl/middle click still opens a new tab). */
export function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element).closest('a');
  const href = a?.getAttribute('href');
  // `data-leave`: a link out of this dashboard (to the hub, from a drill-in): the browser follows it.
  if (
    !a ||
    !href?.startsWith('/') ||
    a.target === '_blank' ||
    href.startsWith('/api/') ||
    a.dataset.leave !== undefined
  )
    return;
  e.preventDefault();
  navigate(href);
}
