import { useMemo } from 'preact/hooks';
import { live } from '../../lib/live.js';
import { useNow, useObservable } from '../../lib/observable.js';
import { setQuery, useRoute } from '../../lib/router.js';
import { isStatus, severity, statusIcon, statusLabel, statusOrder } from '../../lib/status.js';
import type { Server, Status } from '../../lib/api.js';
import { ServerCard } from './server-card.js';
import { useFleetUptime } from './fleet-uptime.js';
import { VirtualGrid } from './virtual-grid.js';

/** A card's height (px): head, endpoint, reason, figures and the tags/alert line (styles.css `.card`). */
const CARD_HEIGHT = 184;

type Sort = 'status' | 'name' | 'latency';
const sorts: Record<Sort, (a: Server, b: Server) => number> = {
  status: (a, b) => severity(a.status) - severity(b.status) || a.name.localeCompare(b.name),
  name: (a, b) => a.name.localeCompare(b.name),
  latency: (a, b) => (b.response_time_ms ?? -1) - (a.response_time_ms ?? -1) || a.name.localeCompare(b.name),
};

/** The overview grid: counts per status, filters and search in the URL, a card per server. */
export function Overview() {
  useObservable(live.version);
  const loaded = useObservable(live.loaded);
  const firing = useObservable(live.firing);
  const uptime = useFleetUptime();
  const now = useNow();
  const { query } = useRoute();
  const status = query.get('status');
  const tag = query.get('tag') ?? '';
  const search = (query.get('q') ?? '').toLowerCase();
  const sortParam = query.get('sort');
  const sort: Sort = sortParam === 'name' || sortParam === 'latency' ? sortParam : 'status';
  const all = [...live.servers.values()];
  const version = live.version.get();

  const counts = useMemo(() => {
    const c = Object.fromEntries(statusOrder.map((s) => [s, 0])) as Record<Status, number>;
    for (const s of all) c[s.status]++;
    return c;
  }, [version]);
  const tags = useMemo(() => [...new Set(all.flatMap((s) => s.tags))].sort(), [version]);
  const shown = useMemo(
    () =>
      all
        .filter(
          (s) =>
            (!status || !isStatus(status) || s.status === status) &&
            (!tag || s.tags.includes(tag)) &&
            (!search || s.name.toLowerCase().includes(search) || s.endpoint.toLowerCase().includes(search)),
        )
        .sort(sorts[sort]),
    [version, status, tag, search, sort],
  );

  if (!loaded) return <p class="muted loading">Loading servers…</p>;
  if (all.length === 0)
    return (
      <section class="empty" data-testid="empty">
        <h2>No servers yet</h2>
        <p>
          <a data-needs="operator" href="/servers/new" class="button primary">
            Add a server
          </a>{' '}
          or run the demo fleet with <code>npm start</code>. Servers can also be declared in the config file (
          <code>servers:</code>).
        </p>
      </section>
    );
  return (
    <section class="overview">
      <div class="counts" role="group" aria-label="Servers by status">
        <button
          type="button"
          class={!status ? 'count active' : 'count'}
          onClick={() => setQuery({ status: null })}
          aria-pressed={!status}
        >
          All <strong>{all.length}</strong>
        </button>
        {statusOrder.map((s) => (
          <button
            type="button"
            key={s}
            class={`count status-${s}${status === s ? ' active' : ''}`}
            aria-pressed={status === s}
            data-testid={`count-${s}`}
            onClick={() => setQuery({ status: status === s ? null : s })}
          >
            <span aria-hidden="true">{statusIcon[s]}</span> {statusLabel[s]} <strong>{counts[s]}</strong>
          </button>
        ))}
      </div>
      <div class="toolbar">
        <input
          type="search"
          placeholder="Search by name or endpoint"
          aria-label="Search servers"
          value={query.get('q') ?? ''}
          onInput={(e) => setQuery({ q: e.currentTarget.value })}
        />
        <label>
          Tag{' '}
          <select value={tag} onChange={(e) => setQuery({ tag: e.currentTarget.value })}>
            <option value="">any</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort{' '}
          <select
            value={sort}
            onChange={(e) =>
              setQuery({ sort: e.currentTarget.value === 'status' ? null : e.currentTarget.value })
            }
          >
            <option value="status">by status</option>
            <option value="name">by name</option>
            <option value="latency">by response time</option>
          </select>
        </label>
        <span class="spacer" />
        <a href="/status-pages" class="button ghost">
          Status pages
        </a>
        <a data-needs="operator" href="/servers/new" class="button">
          + Add server
        </a>
      </div>
      {shown.length === 0 ? (
        <p class="empty">
          No server matches these filters.{' '}
          <button type="button" class="link" onClick={() => setQuery({ status: null, tag: null, q: null })}>
            Clear filters
          </button>
        </p>
      ) : (
        <VirtualGrid
          items={shown}
          keyOf={(s) => s.id}
          rowHeight={CARD_HEIGHT}
          minWidth={270}
          gap={12}
          render={(s) => (
            <ServerCard
              server={s}
              now={now}
              firing={firing.get(s.id)?.length ?? 0}
              uptime={uptime.get(s.id)}
            />
          )}
        />
      )}
    </section>
  );
}
