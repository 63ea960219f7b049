import { exact, ms, relative } from '../../lib/format.js';
import type { Check } from '../../types.js';

export function CheckTable({ checks, now }: { checks: Check[]; now: number }) {
  if (checks.length === 0) return <p class="muted">No checks yet.</p>;
  return (
    <div class="table-wrap">
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
            <tr key={c.id} class={c.ok ? '' : 'failed'}>
              <td title={exact(c.checked_at)}>{relative(c.checked_at, now)}</td>
              <td>{c.ok ? '✔ ok' : '✖ failed'}</td>
              <td>{ms(c.response_time_ms)}</td>
              <td>{c.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
