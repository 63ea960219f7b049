import { api } from '../../lib/api.js';
import { count, exact } from '../../lib/format.js';
import { useApi } from '../../lib/use-api.js';
import { ErrorNote } from '../error-note.js';
import { ScrollBox } from '../scroll-box.js';
import { Affected, EventsTable, SimilarList } from './parts.js';

/** "Click a spike" (DESIGN §10): a window's errors against before, the events around it, what was affected, look-alikes. */
export function WindowView({ from, to, server }: { from: number; to: number; server: string | undefined }) {
  const valid = Number.isFinite(from) && Number.isFinite(to) && from > 0 && to > from;
  const w = useApi(api.incidents.window, [{ from, to, ...(server ? { server } : {}) }]);
  if (!valid) return <ErrorNote text="Pick a window on a chart: drag across a spike, or click it." />;
  const a = w.data;
  return (
    <section class="window" data-testid="window-analysis">
      <h1>
        What happened {exact(new Date(from).toISOString())} – {exact(new Date(to).toISOString())}
        {server ? ` on ${server}` : ''}
      </h1>
      <ErrorNote text={w.error} />
      {a && (
        <>
          <section class="panel">
            <h2>Correlated events</h2>
            <EventsTable events={a.events} />
          </section>
          <section class="panel">
            <h2>Errors</h2>
            {a.errors.length === 0 ? (
              <p class="muted">No errors in this window.</p>
            ) : (
              <ScrollBox>
                <table class="table" aria-label="Errors in the window">
                  <thead>
                    <tr>
                      <th scope="col">Error</th>
                      <th scope="col">Servers</th>
                      <th scope="col" class="num">
                        In the window
                      </th>
                      <th scope="col" class="num">
                        Usually
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.errors.map((g) => (
                      <tr key={g.id}>
                        <td>
                          <a href={`/errors/${g.id}`}>{g.title}</a>
                        </td>
                        <td>{g.servers.join(', ')}</td>
                        <td class="num">{count(g.count)}</td>
                        <td class="num">{g.baseline_count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollBox>
            )}
          </section>
          <section class="panel">
            <h2>Affected</h2>
            <Affected affected={a.affected} />
          </section>
          <section class="panel">
            <h2>Similar past incidents</h2>
            <SimilarList similar={a.similar} />
          </section>
        </>
      )}
    </section>
  );
}
