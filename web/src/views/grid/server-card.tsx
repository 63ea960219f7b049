import { memo } from 'preact/compat';
import { exact, ms, relative } from '../../lib/format.js';
import { statusIcon, statusLabel } from '../../lib/status.js';
import type { Server } from '../../lib/api.js';
import type { CardUptime } from './fleet-uptime.js';
import { HeartbeatStrip } from './heartbeat-strip.js';

interface Props {
  server: Server;
  now: number;
  firing: number;
  uptime: CardUptime | undefined;
}

/**
 * One server in the grid: the status word and shape, not colour alone, and why; every figure says
 * where it comes from. Every line has its height (the grid's rows are of one fixed height).
 */
function Card({ server: s, now, firing, uptime }: Props) {
  const source = s.response_time_source === 'traffic' ? 'traffic, 1 min avg' : 'probe';
  // Why the server is in its status (the checker's words); a disabled one says why it was disabled.
  const checked =
    s.status === 'disabled' ? (s.disabled_reason ?? 'checks paused') : (s.status_reason ?? 'not checked yet');
  // In maintenance the card says so, with until when; what checks find stays in the tooltip.
  const m = s.maintenance;
  const reason = m
    ? `${m.title} until ${new Date(m.until).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`
    : checked;
  return (
    <a
      class={`card status-${m ? 'maintenance' : s.status}`}
      href={`/servers/${encodeURIComponent(s.id)}`}
      data-testid="server-card"
      data-server={s.id}
      data-status={s.status}
      data-maintenance={m ? 'true' : undefined}
    >
      <div class="card-head">
        <span class="card-name">{s.name}</span>
        {m ? (
          <span
            class="status-badge status-maintenance"
            data-testid="status"
            title={`checks go on: ${statusLabel[s.status]} (${checked})`}
          >
            <span aria-hidden="true">⚒</span> Maintenance
          </span>
        ) : (
          <span class={`status-badge status-${s.status}`} data-testid="status">
            <span aria-hidden="true">{statusIcon[s.status]}</span> {statusLabel[s.status]}
          </span>
        )}
      </div>
      <div class="card-endpoint muted" title={s.endpoint}>
        {s.endpoint}
      </div>
      <div class="card-reason" title={reason} data-testid="reason">
        {reason}
      </div>
      <dl class="card-figures">
        <div>
          <dt>Response</dt>
          <dd data-testid="latency" title={s.response_time_ms === null ? 'no data yet' : `from ${source}`}>
            {ms(s.response_time_ms)}
            {s.response_time_ms !== null && (
              <small class="muted"> {s.response_time_source === 'traffic' ? 'traffic' : 'probe'}</small>
            )}
          </dd>
        </div>
        <div>
          <dt>Connections</dt>
          <dd>{s.active_connections}</dd>
        </div>
        <div>
          <dt>Last check</dt>
          <dd data-testid="last-check" title={exact(s.last_check)}>
            {s.status === 'disabled' && s.disabled_until
              ? `off until ${new Date(s.disabled_until).toLocaleTimeString()}`
              : relative(s.last_check, now)}
          </dd>
        </div>
      </dl>
      <HeartbeatStrip uptime={uptime} />
      <div class="card-foot">
        <div class="card-tags" title={s.tags.join(', ')}>
          {s.tags.map((t) => (
            <span class="tag" key={t}>
              {t}
            </span>
          ))}
        </div>
        {firing > 0 && (
          <span class="card-alert" data-testid="card-alert">
            <span aria-hidden="true">!</span> {firing} alert{firing > 1 ? 's' : ''} firing
          </span>
        )}
      </div>
    </a>
  );
}

export const ServerCard = memo(Card);
