import { useEffect, useState } from 'preact/hooks';
import { exact, relative } from '../lib/format.js';
import { live } from '../lib/live.js';
import { useNow, useObservable } from '../lib/observable.js';

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

/** The notification bell: dashboard-channel alerts as they arrive, with the unread count. */
export function Bell() {
  const unread = useObservable(live.unread);
  const notices = useObservable(live.notices);
  const [open, setOpen] = useState(false);
  const now = useNow();
  useEffect(() => {
    if (!open) return;
    const close = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [open]);
  const toggle = () => {
    setOpen(!open);
    live.markRead();
  };
  return (
    <div class="bell">
      <button
        type="button"
        class="ghost"
        aria-expanded={open}
        aria-label={`Notifications, ${unread} unread`}
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
          {notices.length === 0 ? (
            <p class="muted">
              No notifications since this page opened. Alerts routed to a dashboard channel show here.
            </p>
          ) : (
            <ul class="notices">
              {notices.map((n) => (
                <li key={`${n.at}-${n.title}`} class={`notice ${n.message.state}`}>
                  <a
                    href={`/servers/${encodeURIComponent(n.message.server.id)}`}
                    onClick={() => setOpen(false)}
                  >
                    <strong>{n.title}</strong>
                  </a>
                  <span class="muted" title={exact(new Date(n.at).toISOString())}>
                    {' '}
                    {relative(new Date(n.at).toISOString(), now)}
                  </span>
                </li>
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
