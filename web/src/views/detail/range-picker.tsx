import { setQuery } from '../../lib/router.js';
import { ranges, toLocalInput, type Range } from './range.js';

/** 1 h / 6 h / 24 h / 7 d / 30 d, or a custom from–to; the choice lives in the URL (`fallback`: the one it need not name). */
export function RangePicker({ range, fallback = '1h' }: { range: Range; fallback?: string }) {
  return (
    <div class="range-picker" role="group" aria-label="Time range">
      {ranges.map(([key, label]) => (
        <button
          type="button"
          key={key}
          class={range.key === key ? 'active' : ''}
          aria-pressed={range.key === key}
          onClick={() => setQuery({ range: key === fallback ? null : key, from: null, to: null })}
        >
          {label}
        </button>
      ))}
      <details class="custom-range" open={range.key === 'custom'}>
        <summary>Custom</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            const from = Date.parse(data.get('from') as string);
            const to = Date.parse(data.get('to') as string);
            if (Number.isFinite(from) && Number.isFinite(to) && from < to)
              setQuery({ range: 'custom', from: String(from), to: String(to) });
          }}
        >
          <label>
            From <input type="datetime-local" name="from" defaultValue={toLocalInput(range.from)} required />
          </label>
          <label>
            To <input type="datetime-local" name="to" defaultValue={toLocalInput(range.to)} required />
          </label>
          <button type="submit">Apply</button>
        </form>
      </details>
    </div>
  );
}
