import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { ApiError } from '../../lib/http.js';
import { ms } from '../../lib/format.js';
import { live } from '../../lib/live.js';
import { navigate } from '../../lib/router.js';
import type { Check, Server } from '../../lib/api.js';

const durations = [
  [5, '5 minutes'],
  [15, '15 minutes'],
  [60, '1 hour'],
  [240, '4 hours'],
  [1440, '1 day'],
  [10080, '1 week'],
] as const;

const message = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** Force a check, disable for a while (with a reason), enable, remove; each shows its outcome. */
export function Actions({ server: s, onChecked }: { server: Server; onChecked: (c: Check) => void }) {
  const [busy, setBusy] = useState<string | undefined>();
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const [minutes, setMinutes] = useState(5);
  const [reason, setReason] = useState('');
  const [showDisable, setShowDisable] = useState(false);

  const run = async (name: string, action: () => Promise<void>) => {
    setBusy(name);
    setResult(undefined);
    try {
      await action();
    } catch (e) {
      setResult({ ok: false, text: message(e) });
    } finally {
      setBusy(undefined);
    }
  };
  const check = () =>
    run('check', async () => {
      const r = await api.servers.check(s.id);
      live.upsert(r.server);
      onChecked(r.check);
      setResult({
        ok: r.check.ok,
        text: r.check.ok
          ? `Checked just now: answered in ${ms(r.check.response_time_ms)}`
          : `Checked just now: ${r.check.error ?? 'failed'}`,
      });
    });
  const disable = (e: Event) => {
    e.preventDefault();
    return run('disable', async () => {
      const r = await api.servers.disable(s.id, { minutes, ...(reason ? { reason } : {}) });
      live.upsert(r);
      setShowDisable(false);
      setResult({
        ok: true,
        text: `Disabled until ${r.disabled_until ? new Date(r.disabled_until).toLocaleString() : '?'}`,
      });
    });
  };
  const enable = () =>
    run('enable', async () => {
      live.upsert(await api.servers.enable(s.id));
      setResult({ ok: true, text: 'Enabled: checks resume now' });
    });
  const remove = () => {
    if (
      !confirm(
        `Remove "${s.name}" from the monitor? Its history stays in the store until retention removes it.`,
      )
    )
      return;
    void run('remove', async () => {
      await api.servers.remove(s.id);
      live.remove(s.id);
      navigate('/');
    });
  };

  const disabled = s.status === 'disabled';
  return (
    <div class="actions">
      <div data-needs="operator" class="button-row">
        <button
          type="button"
          class="primary"
          onClick={() => void check()}
          disabled={busy !== undefined || disabled}
          data-testid="force-check"
        >
          {busy === 'check' ? 'Checking…' : 'Force health check'}
        </button>
        {disabled ? (
          <button
            type="button"
            onClick={() => void enable()}
            disabled={busy !== undefined}
            data-testid="enable"
          >
            {busy === 'enable' ? 'Enabling…' : 'Enable'}
          </button>
        ) : (
          <button
            type="button"
            onClick={() => setShowDisable(!showDisable)}
            aria-expanded={showDisable}
            data-testid="disable"
          >
            Disable temporarily…
          </button>
        )}
        <a class="button" href={`/servers/${encodeURIComponent(s.id)}/logs`}>
          View recent logs
        </a>
        {s.source !== 'config' && (
          <button type="button" class="danger ghost" onClick={remove} disabled={busy !== undefined}>
            Remove
          </button>
        )}
      </div>
      {showDisable && !disabled && (
        <form class="disable-form" onSubmit={(e) => void disable(e)}>
          <label>
            For{' '}
            <select
              value={minutes}
              onChange={(e) => setMinutes(Number(e.currentTarget.value))}
              data-testid="disable-minutes"
            >
              {durations.map(([m, label]) => (
                <option key={m} value={m}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Reason{' '}
            <input
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
              placeholder="maintenance, deploy…"
              maxLength={200}
            />
          </label>
          <button type="submit" class="primary" disabled={busy !== undefined} data-testid="disable-confirm">
            {busy === 'disable' ? 'Disabling…' : 'Disable'}
          </button>
        </form>
      )}
      {result && (
        <p class={result.ok ? 'result ok' : 'result error'} role="status" data-testid="action-result">
          {result.text}
        </p>
      )}
    </div>
  );
}
