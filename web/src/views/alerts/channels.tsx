import { fieldText } from '../../lib/form.js';
import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { ApiError } from '../../lib/http.js';
import { useApi } from '../../lib/use-api.js';
import type { Channel, ChannelKind } from '../../lib/api.js';
import { ErrorNote } from '../error-note.js';
import { configFrom, KIND_FORMS, type KindField } from './channel-kinds.js';

const describe = (c: Channel): string => KIND_FORMS[c.kind].describe(c.config);

// safe because KIND_FORMS is `satisfies Record<ChannelKind, …>`: its keys are exactly the kinds.
const KINDS = Object.keys(KIND_FORMS) as ChannelKind[];

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
            <div data-needs="operator" class="button-row">
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
    setError(undefined);
    try {
      await api.alerts.channels.create({ name: fieldText(f)('name'), kind, config: configFrom(kind, f) });
      form.reset();
      onCreated();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
    }
  };
  // A kind's fields are keyed by kind: switching kinds starts them empty (a secret typed for one
  // provider is not carried to another); the name is kept.
  const input = (name: string, label: string, props: Record<string, unknown> = {}, key = name) => (
    <div class="field" key={key}>
      <label for={`ch-${name}`}>{label}</label>
      <input id={`ch-${name}`} name={name} {...props} />
      {error?.fieldMessage(name) && <span class="field-error">{error.fieldMessage(name)}</span>}
    </div>
  );
  const field = (f: KindField) =>
    f.type === 'checkbox' ? (
      <label class="inline" key={`${kind}-${f.key}`}>
        <input type="checkbox" name={f.key} /> {f.label}
      </label>
    ) : (
      input(
        f.key,
        f.label,
        {
          type: f.type === 'list' || f.type === undefined ? 'text' : f.type,
          ...(f.placeholder ? { placeholder: f.placeholder } : {}),
          // Browsers must not offer saved passwords for a provider's key, nor save it.
          autoComplete: f.type === 'password' ? 'new-password' : 'off',
        },
        `${kind}-${f.key}`,
      )
    );
  return (
    <form
      data-needs="operator"
      class="panel form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby="new-channel"
    >
      <h2 id="new-channel">New channel</h2>
      {input('name', 'Name', { required: true, placeholder: 'on-call webhook' })}
      <div class="field">
        <label for="ch-kind">Kind</label>
        <select id="ch-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as ChannelKind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_FORMS[k].label}
            </option>
          ))}
        </select>
      </div>
      {KIND_FORMS[kind].fields.map(field)}
      <ErrorNote text={error?.message} />
      <div class="button-row">
        <button type="submit" class="primary">
          Add channel
        </button>
      </div>
    </form>
  );
}
