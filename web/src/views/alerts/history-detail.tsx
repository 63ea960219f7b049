import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { ApiError } from '../../lib/http.js';
import { exact, ms, percent, rate } from '../../lib/format.js';
import { setQuery } from '../../lib/router.js';
import { useApi } from '../../lib/use-api.js';
import { who } from '../../lib/who.js';
import type { AlertMetric } from '../../lib/api.js';
import { alertValue } from './rule-text.js';
import { ErrorNote } from '../error-note.js';

const actionText = { ack: 'acknowledged', silence: 'silenced', comment: 'commented' };

/** One alert: the metrics when it fired, every notification try, and what people did (with who and when). */
export function HistoryDetailPanel(props: {
  id: number;
  onChanged: () => void;
  /** The metric of a rule, for the value's unit (undefined once the rule is deleted). */
  metricOf: (ruleId: number | null) => AlertMetric | undefined;
}) {
  const { id, onChanged } = props;
  const detail = useApi(api.alerts.history.get, [id]);
  const [name, setName] = useState(who.get());
  const [error, setError] = useState<string | undefined>();
  const [comment, setComment] = useState('');
  const [hours, setHours] = useState(1);
  const act = async (action: 'ack' | 'silence' | 'comment') => {
    setError(undefined);
    who.set(name);
    const by = name.trim() ? { by: name.trim() } : {};
    try {
      if (action === 'ack')
        await api.alerts.history.act(id, 'ack', { ...by, ...(comment ? { comment } : {}) });
      if (action === 'silence')
        await api.alerts.history.act(id, 'silence', {
          ...by,
          until: new Date(Date.now() + hours * 3600_000).toISOString(),
          ...(comment ? { comment } : {}),
        });
      if (action === 'comment') await api.alerts.history.act(id, 'comment', { ...by, text: comment });
      setComment('');
      detail.reload();
      onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const h = detail.data;
  return (
    <section class="panel history-detail" aria-labelledby="alert-detail" data-testid="alert-detail">
      <div class="panel-head">
        <h2 id="alert-detail">{h ? `${h.rule_name ?? 'Alert'} on ${h.server_id ?? '?'}` : 'Alert'}</h2>
        <button
          type="button"
          class="ghost"
          onClick={() => setQuery({ id: null })}
          aria-label="Close the detail"
        >
          ✕
        </button>
      </div>
      <ErrorNote text={detail.error} />
      {h && (
        <>
          <dl class="facts">
            <dt>State</dt>
            <dd>
              {h.state} {h.severity && `(${h.severity})`}
            </dd>
            <dt>Triggered</dt>
            <dd>{exact(h.triggered_at)}</dd>
            <dt>Resolved</dt>
            <dd>
              {h.resolved_at
                ? `${exact(h.resolved_at)}${h.resolved_reason ? ` (${h.resolved_reason})` : ''}`
                : 'not yet'}
            </dd>
            <dt>Value</dt>
            <dd data-testid="detail-value">{alertValue(props.metricOf(h.rule_id), h.value)}</dd>
            <dt>At alert time</dt>
            <dd data-testid="snapshot">
              {h.snapshot
                ? `status ${h.snapshot.status}, response time ${ms(h.snapshot.response_time_ms)}, error rate ${percent(h.snapshot.error_rate)}, ${rate(h.snapshot.rps)}`
                : '—'}
            </dd>
          </dl>
          <h3>Notifications</h3>
          {h.notifications.length === 0 ? (
            <p class="muted">
              None sent to a channel (the rule names none, or a silence held it back); the bell lists it.
            </p>
          ) : (
            <ul class="events">
              {h.notifications.map((n) => (
                <li key={n.id}>
                  {exact(n.at)} — {n.notification} via {n.channel_kind}, try {n.try}:{' '}
                  <strong>{n.outcome}</strong>
                  {n.error ? ` (${n.error})` : ''}
                </li>
              ))}
            </ul>
          )}
          <h3>Actions</h3>
          {h.actions.length === 0 ? (
            <p class="muted">Nobody has acted on this alert yet.</p>
          ) : (
            <ul class="events" data-testid="actions">
              {h.actions.map((a) => (
                <li key={a.id}>
                  <strong>{a.by}</strong> {actionText[a.action]}
                  {a.until ? ` until ${exact(a.until)}` : ''} <span class="muted">at {exact(a.at)}</span>
                  {a.comment ? `: “${a.comment}”` : ''}
                </li>
              ))}
            </ul>
          )}
          <div data-needs="operator" class="form action-form">
            <div class="row">
              <div class="field" data-anonymous-only>
                <label for="act-who">Your name</label>
                <input
                  id="act-who"
                  value={name}
                  onInput={(e) => setName(e.currentTarget.value)}
                  placeholder="who is acting"
                />
              </div>
              <div class="field">
                <label for="act-comment">Comment</label>
                <input id="act-comment" value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
              </div>
            </div>
            <div class="button-row">
              <button type="button" onClick={() => void act('ack')} disabled={Boolean(h.acknowledged)}>
                {h.acknowledged ? `Acknowledged by ${h.acknowledged.by}` : 'Acknowledge'}
              </button>
              <button type="button" onClick={() => void act('silence')}>
                Silence for
              </button>
              <input
                type="number"
                min={0.1}
                step="any"
                value={hours}
                onInput={(e) => setHours(Number(e.currentTarget.value))}
                aria-label="Silence for how many hours"
                class="narrow"
              />{' '}
              h
              <button type="button" onClick={() => void act('comment')} disabled={!comment.trim()}>
                Add comment
              </button>
            </div>
            <ErrorNote text={error} />
          </div>
        </>
      )}
    </section>
  );
}
