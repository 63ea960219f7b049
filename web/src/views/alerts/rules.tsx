import { fieldText } from '../../lib/form.js';
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../lib/api.js';
import { live } from '../../lib/live.js';
import { useApi } from '../../lib/use-api.js';
import type { AlertCondition, AlertMetric, AlertRule, Channel, Severity } from '../../types.js';
import { conditionText, MB, metricInfo, ruleSentence } from './rule-text.js';
import { ErrorNote } from '../error-note.js';

const periodUnits = [
  [1, 'seconds'],
  [60, 'minutes'],
  [3600, 'hours'],
] as const;

/** The rules in plain words, a switch to pause each, and a form to add one. */
export function Rules() {
  const rules = useApi<{ rules: AlertRule[] }>('/api/v1/alerts/rules');
  const channels = useApi<{ channels: Channel[] }>('/api/v1/alerts/channels');
  const [error, setError] = useState<string | undefined>();
  const toggle = async (r: AlertRule) => {
    try {
      await api(`/api/v1/alerts/rules/${r.id}`, { method: 'PATCH', body: { enabled: !r.enabled } });
      rules.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const remove = async (r: AlertRule) => {
    if (!confirm(`Delete the rule "${r.name}"? Its history stays.`)) return;
    try {
      await api(`/api/v1/alerts/rules/${r.id}`, { method: 'DELETE' });
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
          {rules.data.rules.map((r) => (
            <li key={r.id} class={`panel rule ${r.enabled ? '' : 'paused'}`}>
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
                {r.channels.length ? r.channels.map(channelName).join(', ') : 'no channel (history only)'}
                {r.repeat_interval
                  ? `; repeats every ${Math.round(r.repeat_interval / 60)} min while firing`
                  : ''}
              </p>
              {r.source !== 'config' && (
                <div class="button-row">
                  <button type="button" onClick={() => void toggle(r)}>
                    {r.enabled ? 'Pause' : 'Resume'}
                  </button>
                  <button type="button" class="danger ghost" onClick={() => void remove(r)}>
                    Delete
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <RuleForm channels={channels.data?.channels ?? []} onCreated={rules.reload} />
    </div>
  );
}

function RuleForm({ channels, onCreated }: { channels: Channel[]; onCreated: () => void }) {
  const [metric, setMetric] = useState<AlertMetric>('response_time_avg');
  const [allServers, setAllServers] = useState(true);
  const [error, setError] = useState<ApiError | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const servers = [...live.servers.values()].sort((a, b) => a.name.localeCompare(b.name));
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const text = fieldText(f);
    const threshold = metric === 'status_offline' ? 1 : Number(text('threshold'));
    const repeat = text('repeat');
    const body = {
      name: text('name'),
      ...(text('description') ? { description: text('description') } : {}),
      metric,
      condition: (metric === 'status_offline' ? 'eq' : text('condition')) as AlertCondition,
      threshold: metric === 'memory' ? threshold * MB : threshold,
      evaluation_period: Math.round(Number(text('period') || '0') * Number(text('period_unit'))),
      servers: allServers ? null : f.getAll('servers').map(String),
      severity: text('severity') as Severity,
      channels: f.getAll('channels').map(Number),
      repeat_interval: repeat ? Math.round(Number(repeat) * 60) : null,
    };
    setError(undefined);
    setDone(undefined);
    try {
      const created = await api<AlertRule>('/api/v1/alerts/rules', { method: 'POST', body });
      form.reset();
      setAllServers(true);
      setDone(`Added: ${ruleSentence(created)}`);
      onCreated();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
    }
  };
  const problem = (field: string) => {
    const m = error?.fieldMessage(field);
    return m ? <span class="field-error">{m}</span> : null;
  };
  const unit = metricInfo[metric].unit;
  return (
    <form class="panel form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="new-rule">
      <h2 id="new-rule">New rule</h2>
      <div class="field">
        <label for="rule-name">Name</label>
        <input id="rule-name" name="name" required placeholder="Slow responses" />
        {problem('name')}
      </div>
      <div class="field">
        <label for="rule-metric">When</label>
        <div class="row">
          <select
            id="rule-metric"
            name="metric"
            value={metric}
            onChange={(e) => setMetric(e.currentTarget.value as AlertMetric)}
          >
            {Object.entries(metricInfo).map(([k, m]) => (
              <option key={k} value={k}>
                {m.label}
              </option>
            ))}
          </select>
          {metric !== 'status_offline' && (
            <>
              <select name="condition" aria-label="Condition" defaultValue="gt">
                {Object.entries(conditionText).map(([k, t]) => (
                  <option key={k} value={k}>
                    {t}
                  </option>
                ))}
              </select>
              <input
                name="threshold"
                type="number"
                step="any"
                required
                aria-label={`Threshold${unit ? ` in ${unit}` : ''}`}
                placeholder="500"
              />
              <span class="muted">{unit}</span>
            </>
          )}
        </div>
        {problem('threshold')}
      </div>
      <div class="field">
        <label for="rule-period">
          For (evaluation period: how long the condition must hold before it fires)
        </label>
        <div class="row">
          <input id="rule-period" name="period" type="number" min={0} step="any" defaultValue="5" />
          <select name="period_unit" aria-label="Unit of the evaluation period" defaultValue="60">
            {periodUnits.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {problem('evaluation_period')}
      </div>
      <fieldset>
        <legend>Servers</legend>
        <label class="inline">
          <input type="radio" name="scope" checked={allServers} onChange={() => setAllServers(true)} /> All
          servers, including ones added later
        </label>
        <label class="inline">
          <input type="radio" name="scope" checked={!allServers} onChange={() => setAllServers(false)} /> Only
          these:
        </label>
        {!allServers && (
          <div class="checklist">
            {servers.map((s) => (
              <label key={s.id} class="inline">
                <input type="checkbox" name="servers" value={s.id} /> {s.name}
              </label>
            ))}
          </div>
        )}
        {problem('servers')}
      </fieldset>
      <div class="row">
        <div class="field">
          <label for="rule-severity">Severity</label>
          <select id="rule-severity" name="severity" defaultValue="warning">
            <option value="critical">critical</option>
            <option value="warning">warning</option>
            <option value="info">info</option>
          </select>
        </div>
        <div class="field">
          <label for="rule-repeat">Repeat while firing, every (minutes; empty: never)</label>
          <input id="rule-repeat" name="repeat" type="number" min={1} />
          {problem('repeat_interval')}
        </div>
      </div>
      <fieldset>
        <legend>Notify</legend>
        {channels.length === 0 ? (
          <p class="muted">
            No channels yet: <a href="/alerts/channels">add one</a>. Without a channel, the rule still records
            its history.
          </p>
        ) : (
          channels.map((c) => (
            <label key={c.id} class="inline">
              <input type="checkbox" name="channels" value={c.id} /> {c.name}{' '}
              <span class="muted">({c.kind})</span>
            </label>
          ))
        )}
        {problem('channels')}
      </fieldset>
      <div class="field">
        <label for="rule-description">Description (optional)</label>
        <input id="rule-description" name="description" />
      </div>
      <ErrorNote text={error?.message} />
      {done && (
        <p class="result ok" role="status">
          {done}
        </p>
      )}
      <div class="button-row">
        <button type="submit" class="primary">
          Add rule
        </button>
      </div>
    </form>
  );
}
