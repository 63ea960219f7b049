import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { exact } from '../../lib/format.js';
import { live } from '../../lib/live.js';
import { useNow } from '../../lib/observable.js';
import type { Check, LogLine, Server } from '../../lib/api.js';
import { CheckTable, withCheck } from './check-table.js';
import { ErrorNote } from '../error-note.js';

const MAX_LINES = 1000;

/** The server's recent stderr lines (stdio servers) and checks, newest first, tailing live. */
export function Logs({ server: s }: { server: Server }) {
  const now = useNow();
  const [lines, setLines] = useState<LogLine[]>([]);
  const [checks, setChecks] = useState<Check[]>([]);
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api.servers
      .logs(s.id, 200)
      .then((r) => {
        setLines(r.logs);
        setChecks(r.checks);
      })
      .catch((e: unknown) => setError(String(e)));
  }, [s.id]);
  useEffect(() => {
    if (paused) return;
    return live.tail(s.id, (m) => {
      if (m.kind === 'log') setLines((l) => [m.line, ...l].slice(0, MAX_LINES));
      else setChecks((c) => withCheck(c, m.check, 200));
    });
  }, [s.id, paused]);
  return (
    <div class="logs">
      <ErrorNote text={error} />
      <section class="panel">
        <div class="panel-head">
          <h2>Process output</h2>
          <button type="button" class="ghost" onClick={() => setPaused(!paused)} aria-pressed={paused}>
            {paused ? '▶ Resume live tail' : '⏸ Pause live tail'}
          </button>
        </div>
        {s.transport !== 'stdio' ? (
          <p class="muted">
            This server runs elsewhere ({s.transport}); only stdio servers launched by the monitor have
            process output here.
          </p>
        ) : lines.length === 0 ? (
          <p class="muted">No output from the process yet.</p>
        ) : (
          <pre class="log-lines" data-testid="log-lines">
            {lines.map((l, i) => (
              <div key={`${l.at}-${i}`} class={`log-line ${l.stream}`}>
                <time title={exact(l.at)}>{new Date(l.at).toLocaleTimeString()}</time> {l.line}
              </div>
            ))}
          </pre>
        )}
      </section>
      <section class="panel">
        <h2>Check history</h2>
        <CheckTable checks={checks} now={now} />
      </section>
    </div>
  );
}
