import { useEffect, useState } from 'preact/hooks';
import { api } from './lib/api.js';
import { authNeeded } from './lib/http.js';
import { live } from './lib/live.js';
import { useObservable } from './lib/observable.js';
import { onLinkClick, useRoute } from './lib/router.js';
import type { Info } from './lib/api.js';
import { Header } from './views/header.js';
import { Login } from './views/login.js';
import { NotFound } from './views/not-found.js';
import { Overview } from './views/grid/overview.js';
import { ServerDetail } from './views/detail/server-detail.js';
import { AddServer } from './views/add-server.js';
import { AlertsPage } from './views/alerts/alerts-page.js';
import { UsagePage } from './views/usage/usage-page.js';
import { ErrorsPage } from './views/errors/errors-page.js';
import { StatusPagesPage } from './views/status-pages/status-pages-page.js';

/** The routes: `/`, `/servers/new`, `/status-pages`, `/servers/:id[/performance|/endpoints|/logs]`, `/alerts[/...]`, `/errors[/:group]`. */
function Page() {
  const { path } = useRoute();
  if (path === '/' || path === '') return <Overview />;
  if (path === '/servers/new') return <AddServer />;
  const server = /^\/servers\/([^/]+)(?:\/(diagnostics|performance|endpoints|usage|logs))?\/?$/.exec(path);
  if (server?.[1])
    return <ServerDetail id={decodeURIComponent(server[1])} tab={server[2] ?? 'diagnostics'} />;
  if (path === '/usage') return <UsagePage />;
  if (path === '/status-pages') return <StatusPagesPage />;
  const errors = /^\/errors(?:\/(\d+))?\/?$/.exec(path);
  if (errors) return <ErrorsPage {...(errors[1] ? { groupId: Number(errors[1]) } : {})} />;
  const alerts = /^\/alerts(?:\/(rules|channels|history|silences))?\/?$/.exec(path);
  if (alerts) return <AlertsPage tab={alerts[1] ?? 'history'} />;
  return <NotFound />;
}

export function App() {
  const needLogin = useObservable(authNeeded);
  const [info, setInfo] = useState<Info | undefined>();
  useEffect(() => {
    // The live connection starts at once; the refresh interval for its fallback follows when known.
    live.start();
    api
      .info()
      .then((i) => {
        setInfo(i);
        live.setRefresh(i.dashboard_refresh_interval_ms);
      })
      .catch(() => undefined);
  }, []);
  return (
    <div class="app" onClick={onLinkClick}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Header info={info} />
      <main id="main" tabIndex={-1}>
        {needLogin ? <Login /> : <Page />}
      </main>
    </div>
  );
}
