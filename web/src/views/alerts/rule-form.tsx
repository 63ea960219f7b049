import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { ApiError } from '../../lib/http.js';
import { live } from '../../lib/live.js';
import type { AlertCondition, AlertMetric, AlertRule, Channel, Severity } from '../../lib/api.js';
import { ErrorNote } from '../error-note.js';
import { bodyOf, draftOf, emptyDraft, periodUnits, type Draft } from './rule-draft.js';
import { conditionText, isStateMetric, metricInfo, ruleSentence } from './rule-text.js';

interface Props {
  channels: Channel[];
  /** The rule to edit; none: a new rule. */
  rule?: AlertRule;
  onSaved: () => void;
  onCancel?: () => void;
}

/** A new rule, or an API rule being edited (saved with PATCH); every field is held in state. */
export function RuleForm({ channels, rule, onSaved, onCancel }: Props) {
  const [d, setDraft] = useState<Draft>(() => (rule ? draftOf(rule) : emptyDraft()));
  const [error, setError] = useState<ApiError | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (rule) form.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((x) => ({ ...x, [key]: value }));
  const toggle = <T,>(list: T[], v: T, on: boolean): T[] => (on ? [...list, v] : list.filter((x) => x !== v));
  const id = (field: string) => `rule-${rule ? rule.id : 'new'}-${field}`;
  const servers = [...live.servers.values()].sort((a, b) => a.name.localeCompare(b.name));

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setDone(undefined);
    try {
      const saved = rule
        ? await api.alerts.rules.update(rule.id, bodyOf(d))
        : await api.alerts.rules.create(bodyOf(d));
      if (!rule) {
        setDraft(emptyDraft());
        setDone(`Added: ${ruleSentence(saved)}`);
      }
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
    }
  };
  const problem = (field: string) => {
    const m = error?.fieldMessage(field);
    return m ? <span class="field-error">{m}</span> : null;
  };
  const unit = metricInfo[d.metric].unit;
  const title = rule ? `Edit rule “${rule.name}”` : 'New rule';
  return (
    <form
      ref={form}
      class="panel form rule-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby={id('title')}
      data-testid={rule ? 'rule-edit' : 'rule-new'}
    >
      <h2 id={id('title')}>{title}</h2>
      <div class="field">
        <label for={id('name')}>Name</label>
        <input
          id={id('name')}
          value={d.name}
          onInput={(e) => set('name', e.currentTarget.value)}
          required
          placeholder="Slow responses"
        />
        {problem('name')}
      </div>
      <div class="field">
        <label for={id('metric')}>When</label>
        <div class="row">
          <select
            id={id('metric')}
            value={d.metric}
            onChange={(e) => set('metric', e.currentTarget.value as AlertMetric)}
          >
            {Object.entries(metricInfo).map(([k, m]) => (
              <option key={k} value={k}>
                {m.label}
              </option>
            ))}
          </select>
          {d.metric === 'anomaly_score' && (
            <select
              aria-label="Series"
              value={d.series}
              onChange={(e) => set('series', e.currentTarget.value as Draft['series'])}
            >
              <option value="requests">of requests</option>
              <option value="p95">of p95 latency</option>
              <option value="error_rate">of error rate</option>
            </select>
          )}
          {!isStateMetric(d.metric) && (
            <>
              <select
                aria-label="Condition"
                value={d.condition}
                onChange={(e) => set('condition', e.currentTarget.value as AlertCondition)}
              >
                {Object.entries(conditionText).map(([k, t]) => (
                  <option key={k} value={k}>
                    {t}
                  </option>
                ))}
              </select>
              <input
                type="number"
                step="any"
                required
                class="narrow-number"
                value={d.threshold}
                onInput={(e) => set('threshold', e.currentTarget.value)}
                aria-label={`Threshold${unit ? ` in ${unit}` : ''}`}
                placeholder="500"
              />
              <span class="muted">{unit}</span>
            </>
          )}
        </div>
        {problem('threshold')}
        {problem('series')}
      </div>
      <div class="field">
        <label for={id('period')}>
          For (evaluation period: how long the condition must hold before it fires; 0: at once)
        </label>
        <div class="row">
          <input
            id={id('period')}
            type="number"
            min={0}
            step="any"
            class="narrow-number"
            value={d.period}
            onInput={(e) => set('period', e.currentTarget.value)}
          />
          <select
            aria-label="Unit of the evaluation period"
            value={String(d.periodUnit)}
            onChange={(e) => set('periodUnit', Number(e.currentTarget.value))}
          >
            {periodUnits.map(([s, label]) => (
              <option key={s} value={String(s)}>
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
          <input type="radio" checked={d.allServers} onChange={() => set('allServers', true)} /> All servers,
          including ones added later
        </label>
        <label class="inline">
          <input type="radio" checked={!d.allServers} onChange={() => set('allServers', false)} /> Only these:
        </label>
        {!d.allServers && (
          <div class="checklist">
            {servers.map((s) => (
              <label key={s.id} class="inline">
                <input
                  type="checkbox"
                  checked={d.servers.includes(s.id)}
                  onChange={(e) => set('servers', toggle(d.servers, s.id, e.currentTarget.checked))}
                />{' '}
                {s.name}
              </label>
            ))}
          </div>
        )}
        {problem('servers')}
      </fieldset>
      <div class="row">
        <div class="field">
          <label for={id('severity')}>Severity</label>
          <select
            id={id('severity')}
            value={d.severity}
            onChange={(e) => set('severity', e.currentTarget.value as Severity)}
          >
            <option value="critical">critical</option>
            <option value="warning">warning</option>
            <option value="info">info</option>
          </select>
        </div>
        <div class="field">
          <label for={id('repeat')}>Repeat while firing, every (minutes; empty: never)</label>
          <input
            id={id('repeat')}
            type="number"
            min={1}
            value={d.repeat}
            onInput={(e) => set('repeat', e.currentTarget.value)}
          />
          {problem('repeat_interval')}
        </div>
      </div>
      <fieldset>
        <legend>Notify</legend>
        {channels.length === 0 ? (
          <p class="muted">
            No channels yet: <a href="/alerts/channels">add one</a>. Without a channel, the rule still records
            its history and shows in the bell.
          </p>
        ) : (
          channels.map((c) => (
            <label key={c.id} class="inline">
              <input
                type="checkbox"
                checked={d.channels.includes(c.id)}
                onChange={(e) => set('channels', toggle(d.channels, c.id, e.currentTarget.checked))}
              />{' '}
              {c.name} <span class="muted">({c.kind})</span>
            </label>
          ))
        )}
        {problem('channels')}
      </fieldset>
      <div class="field">
        <label for={id('description')}>Description (optional)</label>
        <input
          id={id('description')}
          value={d.description}
          onInput={(e) => set('description', e.currentTarget.value)}
        />
      </div>
      <ErrorNote text={error?.message} />
      {done && (
        <p class="result ok" role="status">
          {done}
        </p>
      )}
      <div class="button-row">
        <button type="submit" class="primary">
          {rule ? 'Save changes' : 'Add rule'}
        </button>
        {onCancel && (
          <button type="button" class="ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
