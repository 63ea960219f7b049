import { exact, ms, relative } from '../../lib/format.js';
import type { Check } from '../../lib/api.js';
import { ScrollBox } from '../scroll-box.js';

export function CheckTable({ checks, now }: { checks: Check[]; now: number }) {
  if (checks.length === 0) return <p class="muted">No checks yet.</p>;
  return (
    <ScrollBox class="table-wrap">
      <table data-testid="checks">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Result</th>
            <th scope="col">Latency</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((c) => (
            <tr key={c.checked_at} class={c.ok ? '' : 'failed'}>
              <td title={exact(c.checked_at)}>{relative(c.checked_at, now)}</td>
              <td>{c.ok ? '✔ ok' : '✖ failed'}</td>
              <td>{ms(c.response_time_ms)}</td>
              <td>{c.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}

/**
 * A check put in front of a list, replacing the same check seen before: live checks arrive before
 * they are stored (id 0), so a check is known by its time.
 */
export const withCheck = (list: Check[], c: Check, max: number): Check[] =>
  [c, ...list.filter((x) => x.checked_at !== c.checked_at)].slice(0, max);
