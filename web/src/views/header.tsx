import { useObservable } from '../lib/observable.js';
import { live } from '../lib/live.js';
import { useRoute } from '../lib/router.js';
import { nextTheme, theme } from '../lib/theme.js';
import type { Info } from '../lib/api.js';
import { Bell } from './bell.js';
import { can, me } from '../lib/session.js';
import { UserMenu } from './user-menu.js';

const connectionText = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' };

const sections = [
  ['/', 'Servers', 'viewer'],
  ['/usage', 'Usage', 'viewer'],
  ['/capacity', 'Capacity', 'viewer'],
  ['/errors', 'Errors', 'viewer'],
  ['/incidents', 'Incidents', 'viewer'],
  ['/alerts', 'Alerts', 'viewer'],
  ['/maintenance', 'Maintenance', 'viewer'],
  ['/federation', 'Federation', 'viewer'],
  ['/tokens', 'Tokens', 'viewer'],
  ['/users', 'Users', 'admin'],
  ['/audit', 'Audit', 'admin'],
] as const;

export function Header({ info }: { info: Info | undefined }) {
  const { path } = useRoute();
  const connection = useObservable(live.connection);
  const t = useObservable(theme);
  const who = useObservable(me);
  // Tokens belong to users: not shown when the monitor has no authentication.
  const shown = sections.filter(
    ([href, , role]) => can(who, role) && (href !== '/tokens' || (who !== undefined && who.kind !== 'none')),
  );
  const current = (prefix: string) =>
    (prefix === '/' ? path === '/' || path.startsWith('/servers') : path.startsWith(prefix))
      ? 'page'
      : undefined;
  return (
    <header class="top">
      <a class="brand" href="/">
        mcp-health
      </a>
      <nav aria-label="Sections">
        {shown.map(([href, label]) => (
          <a key={href} href={href} aria-current={current(href)}>
            {label}
          </a>
        ))}
      </nav>
      <span class="spacer" />
      <span
        class={`connection ${connection}`}
        role="status"
        title={
          connection === 'live'
            ? 'Live updates over WebSocket'
            : `Polling every ${(info?.dashboard_refresh_interval_ms ?? 5000) / 1000} s until the live connection is back`
        }
        data-testid="connection"
      >
        <span aria-hidden="true">{connection === 'live' ? '●' : '○'}</span> {connectionText[connection]}
      </span>
      <Bell />
      <UserMenu />
      <button
        type="button"
        class="ghost"
        onClick={() => theme.set(nextTheme(t))}
        title="Theme: system, light or dark"
        aria-label={`Theme: ${t}`}
      >
        {t === 'dark' ? '☾' : t === 'light' ? '☀' : '◐'} {t}
      </button>
    </header>
  );
}
