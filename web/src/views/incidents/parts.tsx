import type { CorrelatedEvent, SimilarIncident } from '../../lib/api.js';
import { exact, percent } from '../../lib/format.js';
import { ScrollBox } from '../scroll-box.js';

export const eventLabels: Record<CorrelatedEvent['kind'], string> = {
  deployment: 'Deployment',
  config_change: 'Config change',
  status_change: 'Status change',
  alert: 'Alert fired',
  traffic_surge: 'Traffic surge',
  cpu_jump: 'CPU jump',
  memory_jump: 'Memory jump',
  level_shift: 'Level shift',
};

/** The events around a window or an incident, best first (nearest and strongest). */
export function EventsTable({ events }: { events: CorrelatedEvent[] }) {
  if (events.length === 0)
    return <p class="muted">No deployment, config change, status change, alert or jump around this time.</p>;
  return (
    <ScrollBox>
      <table class="table" aria-label="Correlated events">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">When</th>
            <th scope="col">Server</th>
            <th scope="col">What</th>
            <th scope="col" class="num">
              Score
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e, i) => (
            <tr key={i} data-kind={e.kind}>
              <td>{eventLabels[e.kind]}</td>
              <td>{exact(e.time)}</td>
              <td>{e.server ?? '—'}</td>
              <td>{e.detail}</td>
              <td class="num">{e.score.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}

/** Past incidents like this one, and how each was fixed. */
export function SimilarList({ similar }: { similar: SimilarIncident[] }) {
  if (similar.length === 0) return <p class="muted">No similar past incident.</p>;
  return (
    <ul class="similar" aria-label="Similar past incidents">
      {similar.map((s) => (
        <li key={s.incident.id}>
          <a href={`/incidents/${s.incident.id}`}>{s.incident.title}</a>{' '}
          <span class="muted">
            {exact(s.incident.opened_at)} · peak {percent(s.incident.peak_rate)} · {Math.round(s.score * 100)}
            % alike
          </span>
          <p class="note">
            {s.resolution_note ? (
              <>How it was fixed: {s.resolution_note}</>
            ) : (
              <span class="muted">No note on how it was fixed.</span>
            )}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** The servers, endpoints and clients affected. */
export function Affected({
  affected,
}: {
  affected: { servers: string[]; endpoints: string[]; clients: string[] };
}) {
  const row = (label: string, names: string[]) => (
    <div>
      <dt>{label}</dt>
      <dd>{names.length > 0 ? names.join(', ') : '—'}</dd>
    </div>
  );
  return (
    <dl class="facts" aria-label="Affected">
      {row('Servers', affected.servers)}
      {row('Endpoints', affected.endpoints)}
      {row('Clients', affected.clients)}
    </dl>
  );
}
