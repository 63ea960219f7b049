import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api.js';
import { live } from '../lib/live.js';
import { navigate } from '../lib/router.js';
import type { Server } from '../types.js';

type Transport = 'streamable-http' | 'sse' | 'stdio';

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** "Name: value" lines → headers; "KEY=value" lines → env. A line without the separator is sent as-is for the API to name. */
function pairs(text: string, sep: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines(text)) {
    const i = l.indexOf(sep);
    if (i > 0) out[l.slice(0, i).trim()] = l.slice(i + 1).trim();
    else out[l] = '';
  }
  return out;
}

/** The "Add server" form; the API validates, and its messages show beside the fields they name. */
export function AddServer() {
  const [transport, setTransport] = useState<Transport>('streamable-http');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => {
      const v = f.get(k);
      return typeof v === 'string' ? v.trim() : '';
    };
    const num = (k: string) => (text(k) ? Number(text(k)) : undefined);
    const body: Record<string, unknown> = {
      name: text('name'),
      transport,
      tags: text('tags')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      ...(num('health_check_interval') !== undefined
        ? { health_check_interval: num('health_check_interval') }
        : {}),
      ...(num('health_check_timeout') !== undefined
        ? { health_check_timeout: num('health_check_timeout') }
        : {}),
    };
    if (transport === 'stdio') {
      Object.assign(body, {
        command: text('command'),
        args: lines(text('args')),
        env: pairs(text('env'), '='),
      });
      if (text('cwd')) body.cwd = text('cwd');
    } else {
      Object.assign(body, { url: text('url'), headers: pairs(text('headers'), ':') });
      if (text('prometheus_url')) body.prometheus_url = text('prometheus_url');
    }
    setBusy(true);
    setError(undefined);
    try {
      const server = await api<Server>('/api/v1/servers', { method: 'POST', body });
      live.upsert(server);
      navigate(`/servers/${encodeURIComponent(server.id)}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
    } finally {
      setBusy(false);
    }
  };
  const problem = (field: string) => {
    const m = error?.fieldMessage(field);
    return m ? (
      <span class="field-error" role="alert" data-testid={`error-${field}`}>
        {m}
      </span>
    ) : null;
  };
  return (
    <section class="add-server">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Servers</a> / <span>Add server</span>
      </nav>
      <h1>Add a server</h1>
      <form class="panel form" onSubmit={(e) => void submit(e)} noValidate>
        <label>
          Name
          <input
            name="name"
            required
            maxLength={100}
            placeholder="billing-tools"
            aria-invalid={Boolean(error?.fieldMessage('name'))}
          />
          {problem('name')}
        </label>
        <fieldset>
          <legend>Transport</legend>
          {(['streamable-http', 'sse', 'stdio'] as const).map((t) => (
            <label key={t} class="inline">
              <input
                type="radio"
                name="transport"
                value={t}
                checked={transport === t}
                onChange={() => setTransport(t)}
              />{' '}
              {t === 'streamable-http'
                ? 'Streamable HTTP'
                : t === 'sse'
                  ? 'HTTP+SSE (legacy)'
                  : 'stdio (the monitor runs it)'}
            </label>
          ))}
          {problem('transport')}
        </fieldset>
        {transport === 'stdio' ? (
          <>
            <label>
              Command
              <input
                name="command"
                placeholder="npx"
                aria-invalid={Boolean(error?.fieldMessage('command'))}
              />
              {problem('command')}
            </label>
            <label>
              Arguments, one per line
              <textarea
                name="args"
                rows={3}
                placeholder={'-y\n@modelcontextprotocol/server-everything\nstdio'}
              />
              {problem('args')}
            </label>
            <label>
              Environment, one <code>KEY=value</code> per line
              <textarea name="env" rows={2} />
              {problem('env')}
            </label>
            <label>
              Working directory (optional)
              <input name="cwd" />
              {problem('cwd')}
            </label>
          </>
        ) : (
          <>
            <label>
              URL
              <input
                name="url"
                type="url"
                placeholder="http://127.0.0.1:3001/mcp"
                aria-invalid={Boolean(error?.fieldMessage('url'))}
              />
              {problem('url')}
            </label>
            <label>
              Headers, one <code>Name: value</code> per line (values are stored as secrets, never shown again)
              <textarea name="headers" rows={2} placeholder="Authorization: Bearer …" />
              {problem('headers')}
            </label>
            <label>
              Prometheus URL for CPU and memory (optional)
              <input name="prometheus_url" type="url" />
              {problem('prometheus_url')}
            </label>
          </>
        )}
        <label>
          Tags, comma-separated
          <input name="tags" placeholder="prod, billing" />
          {problem('tags')}
        </label>
        <div class="row">
          <label>
            Check every (s)
            <input name="health_check_interval" type="number" min={1} placeholder="30" />
            {problem('health_check_interval')}
          </label>
          <label>
            Timeout (s)
            <input name="health_check_timeout" type="number" min={0.1} step={0.1} placeholder="5" />
            {problem('health_check_timeout')}
          </label>
        </div>
        {error && (
          <p class="error" role="alert" data-testid="form-error">
            {error.message}
          </p>
        )}
        <div class="button-row">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add server'}
          </button>
          <a href="/" class="button ghost">
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
