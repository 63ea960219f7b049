import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { useApi } from '../../lib/use-api.js';
import type { AlertRule } from '../../lib/api.js';
import { ErrorNote } from '../error-note.js';
import { RuleForm } from './rule-form.js';
import { ruleSentence } from './rule-text.js';

/** The rules in plain words, each to edit, pause or delete (rules of the config file are read-only), and a form to add one. */
export function Rules() {
  const rules = useApi(api.alerts.rules.list, []);
  const channels = useApi(api.alerts.channels.list, []);
  const [error, setError] = useState<string | undefined>();
  const [editing, setEditing] = useState<number | undefined>();
  const toggle = async (r: AlertRule) => {
    try {
      await api.alerts.rules.update(r.id, { enabled: !r.enabled });
      rules.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const remove = async (r: AlertRule) => {
    if (!confirm(`Delete the rule "${r.name}"? Its history stays.`)) return;
    try {
      await api.alerts.rules.remove(r.id);
      rules.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const channelName = (id: number) => channels.data?.channels.find((c) => c.id === id)?.name ?? `#${id}`;
  return (
    <div class="rules">
      <ErrorNote text={rules.error ?? error} />
      {!rules.data ? (
        <p class="muted loading">Loading…</p>
      ) : rules.data.rules.length === 0 ? (
        <p class="empty">No rules yet. Add one below.</p>
      ) : (
        <ul class="rule-list" data-testid="rules">
          {rules.data.rules.map((r) =>
            editing === r.id ? (
              <li key={r.id}>
                <RuleForm
                  channels={channels.data?.channels ?? []}
                  rule={r}
                  onSaved={() => {
                    setEditing(undefined);
                    rules.reload();
                  }}
                  onCancel={() => setEditing(undefined)}
                />
              </li>
            ) : (
              <li key={r.id} class={`panel rule ${r.enabled ? '' : 'paused'}`} data-testid="rule">
                <div class="panel-head">
                  <h2>{r.name}</h2>
                  <span class={`tag severity-${r.severity}`}>{r.severity}</span>
                  {r.source === 'config' && <span class="tag">config file</span>}
                  {!r.enabled && <span class="tag">paused</span>}
                </div>
                <p class="rule-sentence">{ruleSentence(r)}</p>
                {r.description && <p class="muted">{r.description}</p>}
                <p class="muted">
                  Notifies:{' '}
                  {r.channels.length
                    ? r.channels.map(channelName).join(', ')
                    : 'no channel (history and bell)'}
                  {r.repeat_interval
                    ? `; repeats every ${Math.round(r.repeat_interval / 60)} min while firing`
                    : ''}
                </p>
                {r.source === 'config' ? (
                  <p class="muted" data-testid="read-only">
                    Declared in the config file (<code>alert_rules:</code>): change it there; it is read-only
                    here.
                  </p>
                ) : (
                  <div data-needs="operator" class="button-row">
                    <button type="button" onClick={() => setEditing(r.id)}>
                      Edit
                    </button>
                    <button type="button" onClick={() => void toggle(r)}>
                      {r.enabled ? 'Pause' : 'Resume'}
                    </button>
                    <button type="button" class="danger ghost" onClick={() => void remove(r)}>
                      Delete
                    </button>
                  </div>
                )}
              </li>
            ),
          )}
        </ul>
      )}
      <div data-needs="operator">
        <RuleForm channels={channels.data?.channels ?? []} onSaved={rules.reload} />
      </div>
    </div>
  );
}
