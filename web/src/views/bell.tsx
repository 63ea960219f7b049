import { useEffect, useState } from 'preact/hooks';
import { exact, relative } from '../lib/format.js';
import { live } from '../lib/live.js';
import { useNow, useObservable } from '../lib/observable.js';
import type { ActiveAlert, DashboardNotification } from '../lib/api.js';
import { alertValue } from './alerts/rule-text.js';

const BellIcon = () => (
  <svg
    width="18"
    height="18"
    viewBox="0 0 24 24"
    aria-hidden="true"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
  >
    <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
    <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
  </svg>
);

/** Where an alert is read about: its history entry, else its server. */
const alertHref = (historyId: number | null, serverId: string): string =>
  historyId === null ? `/servers/${encodeURIComponent(serverId)}` : `/alerts?id=${historyId}`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The bell: the alerts firing now (whatever channels their rules name), then the notifications
 * the store keeps — every alert that fired or resolved, read or not, across reloads.
 */
export function Bell() {
  const unread = useObservable(live.unread);
  const notices = useObservable(live.notices);
  const firing = [...useObservable(live.firing).values()]
    .flat()
    .sort((a, b) => (b.fired_at ?? '').localeCompare(a.fired_at ?? ''));
  useObservable(live.version);
  const [open, setOpen] = useState(false);
  /** The notifications unread when the list was opened, marked as new in it. */
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());
  const now = useNow();
  useEffect(() => {
    if (!open) return;
    const close = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [open]);
  const toggle = () => {
    if (!open) {
      setFresh(new Set(notices.filter((n) => !n.read).map((n) => n.id)));
      void live.markRead();
    }
    setOpen(!open);
  };
  const label = `Notifications, ${unread} unread${firing.length ? `, ${plural(firing.length, 'alert')} firing` : ''}`;
  return (
    <div class="bell">
      <button
        type="button"
        class={`ghost ${firing.length ? 'firing' : ''}`}
        aria-expanded={open}
        aria-label={label}
        title={label}
        onClick={toggle}
        data-testid="bell"
      >
        <BellIcon />
        {unread > 0 && (
          <span class="badge" data-testid="unread">
            {unread}
          </span>
        )}
      </button>
      {open && (
        <div class="popover" role="dialog" aria-label="Notifications">
          <h3>Firing now</h3>
          {firing.length === 0 ? (
            <p class="muted">No alert is firing.</p>
          ) : (
            <ul class="notices" data-testid="firing">
              {firing.map((a) => (
                <FiringItem
                  key={`${a.rule_id}-${a.server_id}`}
                  a={a}
                  now={now}
                  close={() => setOpen(false)}
                />
              ))}
            </ul>
          )}
          <h3>Notifications</h3>
          {notices.length === 0 ? (
            <p class="muted">None yet. Every alert that fires or resolves shows here.</p>
          ) : (
            <ul class="notices" data-testid="notices">
              {notices.map((n) => (
                <NoticeItem key={n.id} n={n} isNew={fresh.has(n.id)} now={now} close={() => setOpen(false)} />
              ))}
            </ul>
          )}
          <a href="/alerts" onClick={() => setOpen(false)}>
            Alert history →
          </a>
        </div>
      )}
    </div>
  );
}

function FiringItem({ a, now, close }: { a: ActiveAlert; now: number; close: () => void }) {
  const server = live.servers.get(a.server_id)?.name ?? a.server_id;
  return (
    <li class="notice firing">
      <a href={alertHref(a.history_id, a.server_id)} onClick={close}>
        <strong>{a.rule_name ?? `Rule #${a.rule_id}`}</strong> on {server}
      </a>
      <div class="notice-meta">
        <span class="value">{alertValue(a.metric, a.value)}</span> ·{' '}
        <span class="muted" title={exact(a.fired_at)}>
          since {relative(a.fired_at, now)}
        </span>
      </div>
    </li>
  );
}

function NoticeItem(props: { n: DashboardNotification; isNew: boolean; now: number; close: () => void }) {
  const { n, now } = props;
  const m = n.message;
  return (
    <li class={`notice ${m.state} ${props.isNew ? 'new' : ''}`}>
      {m.test ? (
        <strong>{n.title}</strong>
      ) : (
        <a href={alertHref(n.history_id, m.server.id)} onClick={props.close}>
          <strong>{n.title}</strong>
        </a>
      )}
      <div class="notice-meta">
        {props.isNew && <span class="tag">new</span>}{' '}
        {m.value !== null && m.value !== undefined && (
          <>
            <span class="value">{alertValue(m.metric, m.value)}</span> ·{' '}
          </>
        )}
        <span class="muted" title={exact(n.at)}>
          {relative(n.at, now)}
        </span>
      </div>
    </li>
  );
}
