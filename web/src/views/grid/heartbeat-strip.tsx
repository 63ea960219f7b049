import { statusLabel } from '../../lib/status.js';
import type { CardUptime } from './fleet-uptime.js';
import { HEARTBEATS } from './fleet-uptime.js';

/** Uptime with the two decimals that tell 99.9 % from 99.99 % ("100%" only when it rounds there). */
export const uptimeText = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : v >= 99.995 ? '100%' : `${v.toFixed(2)}%`;

/**
 * The latest checks, oldest on the left, one bar each (the bar's height and its title say its
 * outcome, not its colour alone), and the share of the last 24 hours the server was up.
 */
export function HeartbeatStrip({ uptime }: { uptime: CardUptime | undefined }) {
  const beats = [...(uptime?.heartbeats ?? [])].reverse();
  const failed = beats.filter((b) => !b.ok).length;
  const label =
    beats.length === 0
      ? 'no checks yet'
      : `last ${beats.length} checks: ${beats.length - failed} answered, ${failed} failed`;
  return (
    <div class="card-uptime" data-testid="heartbeats">
      <div class="heartbeats" role="img" aria-label={label} title={label}>
        {Array.from({ length: HEARTBEATS - beats.length }, (_, i) => (
          <span key={`e${i}`} class="beat blank" />
        ))}
        {beats.map((b) => (
          <span
            key={b.at}
            class={`beat ${b.ok ? 'up' : 'down'} status-${b.status}`}
            title={`${new Date(b.at).toLocaleString()}: ${b.ok ? 'answered' : 'failed'} (${statusLabel[b.status]})`}
          />
        ))}
      </div>
      <span
        class="card-uptime-figure"
        data-testid="uptime-24h"
        title="Share of the last 24 hours the server was up"
      >
        {uptimeText(uptime?.uptime24h)}
      </span>
    </div>
  );
}
