import { fieldText } from '../lib/form.js';
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { ApiError } from '../lib/http.js';
import { live } from '../lib/live.js';
import { navigate } from '../lib/router.js';

import { ErrorNote } from './error-note.js';
import { ImportServers } from './import-servers.js';

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
    const text = fieldText(f);
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
      const server = await api.servers.create(body);
      live.upsert(server);
      navigate(`/servers/${encodeURIComponent(server.id)}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
    } finally {
      setBusy(false);
    }
  };
  /** A labelled field; the API's message for it sits below, tied to the input by aria-describedby. */
  const field = (
    name: string,
    label: ComponentChildren,
    input: (a: Record<string, unknown>) => JSX.Element,
  ) => {
    const message = error?.fieldMessage(name);
    const id = `field-${name}`;
    return (
      <div class="field">
        <label for={id}>{label}</label>
        {input({
          id,
          name,
          'aria-invalid': message ? 'true' : undefined,
          'aria-describedby': message ? `${id}-error` : undefined,
        })}
        {message && (
          <span class="field-error" id={`${id}-error`} role="alert" data-testid={`error-${name}`}>
            {message}
          </span>
        )}
      </div>
    );
  };
  return (
    <section class="add-server">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Servers</a> / <span>Add server</span>
      </nav>
      <h1>Add a server</h1>
      <form class="panel form" onSubmit={(e) => void submit(e)} noValidate>
        {field('name', 'Name', (a) => (
          <input {...a} required maxLength={100} placeholder="billing-tools" />
        ))}
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
        </fieldset>
        {transport === 'stdio' ? (
          <>
            {field('command', 'Command', (a) => (
              <input {...a} placeholder="npx" />
            ))}
            {field('args', 'Arguments, one per line', (a) => (
              <textarea {...a} rows={3} placeholder={'-y\n@modelcontextprotocol/server-everything\nstdio'} />
            ))}
            {field(
              'env',
              <>
                Environment, one <code>KEY=value</code> per line
              </>,
              (a) => (
                <textarea {...a} rows={2} />
              ),
            )}
            {field('cwd', 'Working directory (optional)', (a) => (
              <input {...a} />
            ))}
          </>
        ) : (
          <>
            {field('url', 'URL', (a) => (
              <input {...a} type="url" placeholder="http://127.0.0.1:3001/mcp" />
            ))}
            {field(
              'headers',
              <>
                Headers, one <code>Name: value</code> per line (stored as secrets, never shown again)
              </>,
              (a) => (
                <textarea {...a} rows={2} placeholder="Authorization: Bearer …" />
              ),
            )}
            {field('prometheus_url', 'Prometheus URL for CPU and memory (optional)', (a) => (
              <input {...a} type="url" />
            ))}
          </>
        )}
        {field('tags', 'Tags, comma-separated', (a) => (
          <input {...a} placeholder="prod, billing" />
        ))}
        <div class="row">
          {field('health_check_interval', 'Check every (s)', (a) => (
            <input {...a} type="number" min={1} placeholder="30" />
          ))}
          {field('health_check_timeout', 'Timeout (s)', (a) => (
            <input {...a} type="number" min={0.1} step={0.1} placeholder="5" />
          ))}
        </div>
        <ErrorNote text={error?.message} testId="form-error" />
        <div class="button-row">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add server'}
          </button>
          <a href="/" class="button ghost">
            Cancel
          </a>
        </div>
      </form>
      <ImportServers />
    </section>
  );
}
