import { useEffect, useState } from 'preact/hooks';
import { api } from './lib/api.js';
import { VIA } from './lib/base.js';
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
import { IncidentsPage } from './views/incidents/incidents-page.js';
import { AuditPage } from './views/team/audit-page.js';
import { TokensPage } from './views/team/tokens-page.js';
import { UsersPage } from './views/team/users-page.js';
import { CapacityPage } from './views/capacity/capacity-page.js';
import { MaintenancePage } from './views/maintenance/maintenance-page.js';
import { FederationPage } from './views/federation/federation-page.js';
import { StatusPagesPage } from './views/status-pages/status-pages-page.js';
import { loadMe, me } from './lib/session.js';

/** The routes: `/`, `/servers/new`, `/servers/:id[/performance|/endpoints|/logs]`, `/alerts[/...]`, `/errors[/:group]`, `/incidents[/:id|/window]`, `/capacity`, `/maintenance`, `/federation`, `/status-pages`, `/users`, `/tokens`, `/audit`. */
function Page() {
  const { path } = useRoute();
  if (path === '/' || path === '') return <Overview />;
  if (path === '/servers/new') return <AddServer />;
  const server = /^\/servers\/([^/]+)(?:\/(diagnostics|performance|endpoints|usage|logs))?\/?$/.exec(path);
  if (server?.[1])
    return <ServerDetail id={decodeURIComponent(server[1])} tab={server[2] ?? 'diagnostics'} />;
  if (path === '/usage') return <UsagePage />;
  if (path === '/capacity') return <CapacityPage />;
  if (path === '/federation' || path === '/federation/') return <FederationPage />;
  if (path === '/status-pages') return <StatusPagesPage />;
  const errors = /^\/errors(?:\/(\d+))?\/?$/.exec(path);
  if (errors) return <ErrorsPage {...(errors[1] ? { groupId: Number(errors[1]) } : {})} />;
  if (path === '/incidents/window') return <IncidentsPage window />;
  const incident = /^\/incidents(?:\/(\d+))?\/?$/.exec(path);
  if (incident) return <IncidentsPage {...(incident[1] ? { id: Number(incident[1]) } : {})} />;
  const alerts = /^\/alerts(?:\/(rules|channels|history|silences))?\/?$/.exec(path);
  if (alerts) return <AlertsPage tab={alerts[1] ?? 'history'} />;
  if (path === '/users') return <UsersPage />;
  if (path === '/tokens') return <TokensPage />;
  if (path === '/audit') return <AuditPage />;
  if (/^\/maintenance\/?$/.test(path)) return <MaintenancePage />;
  return <NotFound />;
}

export function App() {
  const needLogin = useObservable(authNeeded);
  const who = useObservable(me);
  const [info, setInfo] = useState<Info | undefined>();
  useEffect(() => {
    // The live connection starts at once; the refresh interval for its fallback follows when known.
    live.start();
    void loadMe();
    api
      .info()
      .then((i) => {
        setInfo(i);
        live.setRefresh(i.dashboard_refresh_interval_ms);
      })
      .catch(() => undefined);
  }, []);
  return (
    <div
      class={`app role-${who?.role ?? 'unknown'}${who && who.kind !== 'none' && who.kind !== 'api_token' ? ' signed-in' : ''}`}
      onClick={onLinkClick}
    >
      <a class="skip" href="#main">
        Skip to content
      </a>
      {VIA && (
        <div class="via-banner" role="note" data-testid="via-banner">
          Viewing <strong>{VIA.peer}</strong> through <strong>{VIA.hub}</strong> ·{' '}
          <a href="/federation" data-leave>
            back to {VIA.hub}
          </a>
        </div>
      )}
      <Header info={info} />
      <main id="main" tabIndex={-1}>
        {needLogin ? <Login /> : <Page />}
      </main>
    </div>
  );
}
