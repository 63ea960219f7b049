import { useEffect, useState } from 'preact/hooks';
import { api, type FederatedView, type InstanceView } from '../../lib/api.js';
import { count, ms, percent, rate } from '../../lib/format.js';
import { live } from '../../lib/live.js';
import { useObservable } from '../../lib/observable.js';
import { useApi } from '../../lib/use-api.js';

const STATUS_WORDS: Record<InstanceView['status'], string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  unreachable: 'Unreachable',
  unknown: 'Not polled yet',
};
/** The server-status colour each instance status borrows. */
const STATUS_CLASS: Record<InstanceView['status'], string> = {
  healthy: 'status-healthy',
  degraded: 'status-critical',
  unreachable: 'status-offline',
  unknown: 'status-unknown',
};

function byStatus(s: InstanceView['servers_by_status']): string {
  const parts = (['healthy', 'warning', 'critical', 'offline', 'disabled', 'unknown'] as const)
    .filter((k) => s[k] > 0)
    .map((k) => `${s[k]} ${k}`);
  return parts.length > 0 ? parts.join(', ') : 'no servers';
}

function InstanceCard({ i, now }: { i: InstanceView; now: number }) {
  const link = i.link;
  return (
    <article class="card fed-card" data-testid="instance-card" aria-label={`Instance ${i.name}`}>
      <div class="card-head">
        <span class="card-name">{i.name}</span>
        <span class={`status-badge ${STATUS_CLASS[i.status]}`}>{STATUS_WORDS[i.status]}</span>
      </div>
      <span class="card-endpoint">{i.local ? 'this instance' : i.url}</span>
      <dl class="fed-figures">
        <dt>Servers</dt>
        <dd>{byStatus(i.servers_by_status)}</dd>
        <dt>Requests/s</dt>
        <dd>{rate(i.rps)}</dd>
        <dt>Error rate</dt>
        <dd>{percent(i.error_rate)}</dd>
        <dt>p95</dt>
        <dd>{ms(i.p95)}</dd>
        {link && (
          <>
            <dt>Link</dt>
            <dd>
              {link.last_success === null
                ? 'never answered'
                : `answered ${Math.max(0, Math.round((now - link.last_success) / 1000))} s ago in ${ms(link.latency_ms)}`}
              {link.consecutive_failures > 0 && `; ${link.consecutive_failures} failed polls`}
            </dd>
            {link.last_error && (
              <>
                <dt>Last error</dt>
                <dd class="fed-error">{link.last_error}</dd>
              </>
            )}
          </>
        )}
        {!i.local && (
          <>
            <dt>Dashboard</dt>
            <dd>
              <a href={`/federation/peers/${encodeURIComponent(i.id)}/`} data-leave>
                Open {i.name}
              </a>
            </dd>
          </>
        )}
        {i.covers > 1 && (
          <>
            <dt>Covers</dt>
            <dd>{i.covers} instances</dd>
          </>
        )}
      </dl>
    </article>
  );
}

function Totals({ t }: { t: FederatedView['totals'] }) {
  return (
    <section class="panel" aria-label="Fleet totals" data-testid="fleet-totals">
      <h2>Fleet</h2>
      <dl class="fed-figures">
        <dt>Instances</dt>
        <dd>{t.instances}</dd>
        <dt>Servers</dt>
        <dd>{byStatus(t.servers_by_status)}</dd>
        <dt>Requests/s</dt>
        <dd>{rate(t.rps)}</dd>
        <dt>Error rate</dt>
        <dd>{percent(t.error_rate)}</dd>
        <dt>p50 / p95 / p99</dt>
        <dd>
          {ms(t.p50)} / {ms(t.p95)} / {ms(t.p99)}
        </dd>
      </dl>
    </section>
  );
}

/** Every federated instance (DESIGN §6): cards with status and link health, fleet totals, global errors. */
export function FederationPage() {
  const peerChanges = useObservable(live.peers);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 5000);
    return () => clearInterval(timer);
  }, []);
  const { data, error } = useApi(api.federation.view, [], `${peerChanges}:${tick}`);
  const now = Date.now();
  return (
    <section class="federation" data-testid="federation">
      <h1>Federation</h1>
      {error && <p class="panel bad">{error}</p>}
      {data && (
        <>
          <Totals t={data.totals} />
          <div class="fed-cards">
            {data.instances.map((i) => (
              <InstanceCard key={i.id} i={i} now={now} />
            ))}
          </div>
          <section class="panel">
            <h2>Errors across instances (last hour)</h2>
            {data.errors.length === 0 ? (
              <p class="muted">No errors.</p>
            ) : (
              <table class="table" aria-label="Errors across instances">
                <thead>
                  <tr>
                    <th scope="col">Error</th>
                    <th scope="col" class="num">
                      Count
                    </th>
                    <th scope="col">Instances</th>
                  </tr>
                </thead>
                <tbody>
                  {data.errors.map((e) => (
                    <tr key={e.fingerprint}>
                      <td>{e.title}</td>
                      <td class="num">{count(e.count)}</td>
                      <td>{e.instances.map((x) => `${x.name} (${count(x.count)})`).join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </section>
  );
}
