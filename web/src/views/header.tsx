import { useObservable } from '../lib/observable.js';
import { live } from '../lib/live.js';
import { useRoute } from '../lib/router.js';
import { nextTheme, theme } from '../lib/theme.js';
import type { Info } from '../lib/api.js';
import { Bell } from './bell.js';

const connectionText = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' };

export function Header({ info }: { info: Info | undefined }) {
  const { path } = useRoute();
  const connection = useObservable(live.connection);
  const t = useObservable(theme);
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
        <a href="/" aria-current={current('/')}>
          Servers
        </a>
        <a href="/usage" aria-current={current('/usage')}>
          Usage
        </a>
        <a href="/errors" aria-current={current('/errors')}>
          Errors
        </a>
        <a href="/alerts" aria-current={current('/alerts')}>
          Alerts
        </a>
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
