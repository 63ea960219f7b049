import { fieldText } from '../../lib/form.js';
import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { ApiError } from '../../lib/http.js';
import { useApi } from '../../lib/use-api.js';
import type { Channel, ChannelKind } from '../../lib/api.js';
import { ErrorNote } from '../error-note.js';

const describe = (c: Channel): string => {
  const cfg = c.config;
  if (c.kind === 'webhook') return `POST to ${String(cfg.url)}${cfg.secret ? ', signed' : ''}`;
  if (c.kind === 'email')
    return `to ${Array.isArray(cfg.to) ? cfg.to.join(', ') : String(cfg.to)} via ${String(cfg.host)}:${String(cfg.port)}`;
  if (c.kind === 'dashboard') return 'a live notification in this dashboard (the bell)';
  return 'a structured log line and an audit_log row';
};

/** Where notifications go: add a channel, send it a test notification, remove it. */
export function Channels() {
  const list = useApi(api.alerts.channels.list, []);
  const [results, setResults] = useState<Record<number, string>>({});
  const test = async (c: Channel) => {
    setResults((r) => ({ ...r, [c.id]: 'Sending…' }));
    try {
      const t = await api.alerts.channels.test(c.id);
      const tries = `${t.tries.length} ${t.tries.length === 1 ? 'try' : 'tries'}`;
      setResults((r) => ({
        ...r,
        [c.id]: t.ok ? `Delivered (${tries})` : `Failed after ${tries}: ${t.error ?? 'unknown error'}`,
      }));
    } catch (e) {
      setResults((r) => ({ ...r, [c.id]: e instanceof Error ? e.message : String(e) }));
    }
  };
  const remove = async (c: Channel) => {
    if (!confirm(`Remove the channel "${c.name}"?`)) return;
    await api.alerts.channels
      .remove(c.id)
      .catch((e: unknown) => setResults((r) => ({ ...r, [c.id]: String(e) })));
    list.reload();
  };
  return (
    <div class="channels">
      <ErrorNote text={list.error} />
      {list.data?.channels.length === 0 && (
        <p class="empty">No channels yet. Add one below; rules then send to it.</p>
      )}
      <ul class="rule-list" data-testid="channels">
        {list.data?.channels.map((c) => (
          <li key={c.id} class="panel">
            <div class="panel-head">
              <h2>{c.name}</h2>
              <span class="tag">{c.kind}</span>
              {!c.enabled && <span class="tag">disabled</span>}
            </div>
            <p class="muted">{describe(c)}</p>
            <div class="button-row">
              <button type="button" onClick={() => void test(c)}>
                Send test notification
              </button>
              <button type="button" class="danger ghost" onClick={() => void remove(c)}>
                Remove
              </button>
              {results[c.id] && (
                <span role="status" class={/^Delivered/.test(results[c.id] ?? '') ? 'result ok' : 'result'}>
                  {results[c.id]}
                </span>
              )}
            </div>
          </li>
        ))}
      </ul>
      <ChannelForm onCreated={list.reload} />
    </div>
  );
}

function ChannelForm({ onCreated }: { onCreated: () => void }) {
  const [kind, setKind] = useState<ChannelKind>('webhook');
  const [error, setError] = useState<ApiError | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const text = fieldText(f);
    const opt = (k: string) => (text(k) ? { [k]: text(k) } : {});
    const config =
      kind === 'webhook'
        ? { url: text('url'), ...opt('secret') }
        : kind === 'email'
          ? {
              host: text('host'),
              port: Number(text('port') || '587'),
              secure: f.get('secure') === 'on',
              ...opt('user'),
              ...opt('password'),
              from: text('from'),
              to: text('to')
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
            }
          : {};
    setError(undefined);
    try {
      await api.alerts.channels.create({ name: text('name'), kind, config });
      form.reset();
      onCreated();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
    }
  };
  const input = (name: string, label: string, props: Record<string, unknown> = {}) => (
    <div class="field">
      <label for={`ch-${name}`}>{label}</label>
      <input id={`ch-${name}`} name={name} {...props} />
      {error?.fieldMessage(name) && <span class="field-error">{error.fieldMessage(name)}</span>}
    </div>
  );
  return (
    <form class="panel form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="new-channel">
      <h2 id="new-channel">New channel</h2>
      {input('name', 'Name', { required: true, placeholder: 'on-call webhook' })}
      <div class="field">
        <label for="ch-kind">Kind</label>
        <select id="ch-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as ChannelKind)}>
          <option value="webhook">Webhook (JSON POST, HMAC-signed with a secret)</option>
          <option value="email">Email (SMTP)</option>
          <option value="dashboard">Dashboard (the bell)</option>
          <option value="log">Log (log line and audit row)</option>
        </select>
      </div>
      {kind === 'webhook' && (
        <>
          {input('url', 'URL', { type: 'url', placeholder: 'https://example.com/hooks/mcp' })}
          {input('secret', 'Secret (optional; stored, never shown again)', {
            type: 'password',
            autoComplete: 'new-password',
          })}
        </>
      )}
      {kind === 'email' && (
        <>
          <div class="row">
            {input('host', 'SMTP host')}
            {input('port', 'Port', { type: 'number', placeholder: '587' })}
          </div>
          <label class="inline">
            <input type="checkbox" name="secure" /> TLS from the start (port 465)
          </label>
          <div class="row">
            {input('user', 'User (optional)', { autoComplete: 'off' })}
            {input('password', 'Password (stored, never shown again)', {
              type: 'password',
              autoComplete: 'new-password',
            })}
          </div>
          {input('from', 'From', { placeholder: 'mcp-health@example.com' })}
          {input('to', 'To (comma-separated)', { placeholder: 'oncall@example.com' })}
        </>
      )}
      <ErrorNote text={error?.message} />
      <div class="button-row">
        <button type="submit" class="primary">
          Add channel
        </button>
      </div>
    </form>
  );
}
