import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { ApiError } from '../../lib/http.js';
import { live } from '../../lib/live.js';
import { useObservable } from '../../lib/observable.js';
import { statusIcon, statusLabel } from '../../lib/status.js';
import type { Server } from '../../lib/api.js';
import { Diagnostics } from './diagnostics.js';
import { Endpoints } from './endpoints.js';
import { Logs } from './logs.js';
import { Performance } from './performance.js';
import { UsageView } from '../usage/usage-view.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';

const tabs = [
  ['diagnostics', 'Diagnostics'],
  ['performance', 'Performance'],
  ['endpoints', 'Endpoints'],
  ['usage', 'Usage'],
  ['logs', 'Logs'],
] as const;

/** A server's page: its live state from the hub, with a tab per question a person asks about it. */
export function ServerDetail({ id, tab }: { id: string; tab: string }) {
  useObservable(live.version);
  const loaded = useObservable(live.loaded);
  const fromHub = live.servers.get(id);
  const [fetched, setFetched] = useState<Server | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (fromHub || !loaded) return;
    api.servers
      .get(id)
      .then(setFetched)
      .catch((e: unknown) => setError(e instanceof ApiError && e.status === 404 ? 'not_found' : String(e)));
  }, [id, loaded, Boolean(fromHub)]);
  const server = fromHub ?? fetched;
  if (error === 'not_found')
    return (
      <section class="empty">
        <h2>No server "{id}"</h2>
        <p>
          It may have been removed. <a href="/">Back to the overview</a>.
        </p>
      </section>
    );
  if (error) return <ErrorNote text={error} />;
  if (!server) return <p class="muted loading">Loading…</p>;
  const base = `/servers/${encodeURIComponent(id)}`;
  return (
    <section class="detail">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Servers</a> / <span>{server.name}</span>
      </nav>
      <div class="detail-head">
        <h1>{server.name}</h1>
        <span class={`status-badge big status-${server.status}`} data-testid="detail-status">
          <span aria-hidden="true">{statusIcon[server.status]}</span> {statusLabel[server.status]}
        </span>
        <code class="muted endpoint">{server.endpoint}</code>
      </div>
      <ScrollBox class="tabs-box">
        <nav class="tabs" aria-label="Server views">
          {tabs.map(([key, label]) => (
            <a
              key={key}
              href={key === 'diagnostics' ? base : `${base}/${key}`}
              aria-current={tab === key ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
      </ScrollBox>
      {tab === 'diagnostics' && <Diagnostics server={server} />}
      {tab === 'performance' && <Performance server={server} />}
      {tab === 'endpoints' && <Endpoints server={server} />}
      {tab === 'usage' && <UsageView serverId={server.id} />}
      {tab === 'logs' && <Logs server={server} />}
    </section>
  );
}
