import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { ApiError } from '../../lib/http.js';
import { fieldText } from '../../lib/form.js';
import { exact } from '../../lib/format.js';
import { live } from '../../lib/live.js';
import { useApi } from '../../lib/use-api.js';
import type { MaintenanceWindow } from '../../lib/api.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';

const REPEATS = {
  none: 'Once',
  daily: 'Every day',
  weekly: 'Every week (same weekday)',
  monthly: 'Every month (same day)',
  rrule: 'RRULE…',
  cron: 'cron…',
} as const;
type Repeat = keyof typeof REPEATS;

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** How a window repeats, in words. */
function repeatText(w: MaintenanceWindow): string {
  const r = w.recurrence;
  if (r === null) return 'once';
  if ('cron' in r) return `cron ${r.cron}`;
  const freq = /FREQ=(\w+)/.exec(r.rrule)?.[1];
  return r.rrule === `FREQ=${freq ?? ''}` ? (freq?.toLowerCase() ?? '') : r.rrule;
}

/** The recurrence the form's fields say. */
function recurrenceOf(repeat: Repeat, rule: string): Record<string, string> | null {
  if (repeat === 'none') return null;
  if (repeat === 'cron') return { cron: rule };
  if (repeat === 'rrule') return { rrule: rule };
  return { rrule: `FREQ=${repeat.toUpperCase()}` };
}

/** A local "YYYY-MM-DDTHH:MM" for a datetime-local input, from an instant, in the browser's zone. */
const localInput = (isoTime: string): string => {
  const d = new Date(isoTime);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/**
 * Maintenance windows: while one is in force its servers' notifications are held back (recorded
 * as suppressed), their cards say Maintenance, and checks go on.
 */
export function MaintenancePage() {
  const list = useApi(api.maintenance.list, []);
  const [error, setError] = useState<ApiError | undefined>();
  const [editing, setEditing] = useState<MaintenanceWindow | undefined>();
  const [repeat, setRepeat] = useState<Repeat>('none');
  const servers = [...live.servers.values()].sort((a, b) => a.name.localeCompare(b.name));
  const fail = (e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, 'error', String(e)));

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const text = fieldText(f);
    const chosen = f.getAll('servers').map(String);
    const tags = text('tags')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    // The local time is sent as such: the server reads it in the chosen time zone.
    const body = {
      title: text('title'),
      ...(tags.length > 0 ? { tags } : { servers: chosen }),
      starts_at: text('starts') ? `${text('starts')}:00` : '',
      duration_minutes: Number(text('minutes')),
      recurrence: recurrenceOf(repeat, text('rule')),
      time_zone: text('zone') || 'UTC',
    };
    setError(undefined);
    try {
      if (editing) await api.maintenance.update(editing.id, body);
      else await api.maintenance.create(body);
      form.reset();
      setEditing(undefined);
      setRepeat('none');
      list.reload();
    } catch (err) {
      fail(err);
    }
  };
  const edit = (w: MaintenanceWindow) => {
    setEditing(w);
    const r = w.recurrence;
    setRepeat(
      r === null
        ? 'none'
        : 'cron' in r
          ? 'cron'
          : ((['daily', 'weekly', 'monthly'] as const).find((k) => r.rrule === `FREQ=${k.toUpperCase()}`) ??
            'rrule'),
    );
  };
  const remove = async (w: MaintenanceWindow) => {
    await api.maintenance.remove(w.id).catch(fail);
    list.reload();
  };
  const windows = list.data?.maintenance ?? [];
  const key = editing?.id ?? 'new';
  const ruleText = editing?.recurrence ? Object.values(editing.recurrence)[0] : '';
  return (
    <section class="maintenance-page">
      <h1>Maintenance</h1>
      <ErrorNote text={list.error} />
      {list.data && windows.length === 0 && <p class="empty">No maintenance windows.</p>}
      {windows.length > 0 && (
        <ScrollBox class="table-wrap">
          <table data-testid="maintenance">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Servers</th>
                <th scope="col">Repeats</th>
                <th scope="col">Now or next</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {windows.map((w) => (
                <tr key={w.id} data-window={w.id}>
                  <td>
                    {w.title} {w.active && <span class="tag status-maintenance">in force</span>}
                  </td>
                  <td>{w.servers ? w.servers.join(', ') : `tags: ${(w.tags ?? []).join(', ')}`}</td>
                  <td>
                    {repeatText(w)} <small class="muted">({w.time_zone})</small>
                  </td>
                  <td>
                    {w.occurrence
                      ? `${exact(w.occurrence.starts_at)} – ${exact(w.occurrence.ends_at)}`
                      : 'over'}
                  </td>
                  <td>
                    {w.source === 'config' ? (
                      <small class="muted">config file</small>
                    ) : (
                      <span class="button-row">
                        <button type="button" class="ghost" onClick={() => edit(w)}>
                          Edit
                        </button>
                        <button type="button" class="ghost danger" onClick={() => void remove(w)}>
                          Delete
                        </button>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
      <form
        key={key}
        class="panel form"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-labelledby="maintenance-form"
      >
        <h2 id="maintenance-form">{editing ? `Edit “${editing.title}”` : 'New maintenance window'}</h2>
        <div class="field">
          <label for="mw-title">Title</label>
          <input
            id="mw-title"
            name="title"
            defaultValue={editing?.title ?? ''}
            placeholder="database upgrade"
          />
        </div>
        <div class="row">
          <div class="field">
            <label for="mw-servers">Servers</label>
            <select id="mw-servers" name="servers" multiple size={Math.min(5, Math.max(2, servers.length))}>
              {servers.map((s) => (
                <option key={s.id} value={s.id} selected={editing?.servers?.includes(s.id) ?? false}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="mw-tags">or tags (comma-separated)</label>
            <input id="mw-tags" name="tags" defaultValue={editing?.tags?.join(', ') ?? ''} />
          </div>
        </div>
        <div class="row">
          <div class="field">
            <label for="mw-starts">Starts (local time in the zone)</label>
            <input
              id="mw-starts"
              name="starts"
              type="datetime-local"
              defaultValue={editing ? localInput(editing.starts_at) : ''}
            />
          </div>
          <div class="field">
            <label for="mw-minutes">For (minutes)</label>
            <input
              id="mw-minutes"
              name="minutes"
              type="number"
              min={1}
              defaultValue={String(editing?.duration_minutes ?? 60)}
            />
          </div>
          <div class="field">
            <label for="mw-zone">Time zone</label>
            <input id="mw-zone" name="zone" defaultValue={editing?.time_zone ?? browserZone} />
          </div>
        </div>
        <div class="row">
          <div class="field">
            <label for="mw-repeat">Repeats</label>
            <select
              id="mw-repeat"
              name="repeat"
              value={repeat}
              onChange={(e) => setRepeat(e.currentTarget.value as Repeat)}
            >
              {Object.entries(REPEATS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          {(repeat === 'rrule' || repeat === 'cron') && (
            <div class="field">
              <label for="mw-rule">{repeat === 'rrule' ? 'RRULE' : 'cron expression'}</label>
              <input
                id="mw-rule"
                name="rule"
                defaultValue={ruleText}
                placeholder={repeat === 'rrule' ? 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2' : '30 2 * * 0'}
              />
            </div>
          )}
        </div>
        <ErrorNote text={error?.message} />
        <div class="button-row">
          <button type="submit" class="primary">
            {editing ? 'Save window' : 'Add window'}
          </button>
          {editing && (
            <button type="button" class="ghost" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
