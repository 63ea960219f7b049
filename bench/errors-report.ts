// `BENCH_ONLY=errors`: the errors and incidents benchmark (errors.ts) on each store and the error
// write path's cost in the ingest benchmark, as the rows docs/BENCHMARKS.md keeps.
import { errorsBench, DEFAULT_BENCH_DATABASE_URL, type ErrorsBenchResult } from './errors.js';
import { benchIngest } from './ingest.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const thousands = (n: number): string => n.toLocaleString('en-US');

export async function errorsSection(day: string, machine: string): Promise<string[]> {
  const groups = env('BENCH_ERRORS_GROUPS', 5000);
  const servers = env('BENCH_ERRORS_SERVERS', 1000);
  const days = env('BENCH_ERRORS_DAYS', 90);
  const samplesPerHour = env('BENCH_ERRORS_SAMPLES_PER_HOUR', 4);
  const repetitions = env('BENCH_ERRORS_REPETITIONS', 100);
  const stores = (process.env.BENCH_ERRORS_STORES ?? 'sqlite,postgres')
    .split(',')
    .filter((s) => s !== '') as ('sqlite' | 'postgres')[];
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_BENCH_DATABASE_URL;
  const results: ErrorsBenchResult[] = [];
  for (const store of stores) {
    process.stderr.write(
      `errors: filling ${store} with ${groups} groups × ${days} days, then timing the API…\n`,
    );
    results.push(
      await errorsBench({
        store,
        groups,
        servers,
        days,
        samplesPerHour,
        repetitions,
        databaseUrl,
        keep: process.env.BENCH_ERRORS_KEEP,
      }),
    );
  }
  const events = env('BENCH_ERRORS_INGEST_EVENTS', 300_000);
  const rounds = env('BENCH_ERRORS_INGEST_ROUNDS', 3);
  const rate = { with: [] as number[], without: [] as number[] };
  const cpu = { with: [] as number[], without: [] as number[] };
  for (let i = 0; i < rounds; i++)
    for (const errorShare of i % 2 === 0 ? [0, 0.045] : [0.045, 0]) {
      process.stderr.write(
        `errors: ingest of ${events} events, ${errorShare * 100} % failed (round ${i + 1})…\n`,
      );
      const r = await benchIngest({ events, errorShare });
      (errorShare === 0 ? rate.without : rate.with).push(r.eventsPerSecond);
      (errorShare === 0 ? cpu.without : cpu.with).push(r.cpuUsPerEvent);
    }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const without = median(rate.without);
  const withErrors = median(rate.with);
  const cpuWithout = median(cpu.without);
  const cpuWith = median(cpu.with);
  const r0 = results[0];
  const env0 = `BENCH_ONLY=errors BENCH_ERRORS_GROUPS=${groups} BENCH_ERRORS_SERVERS=${servers} BENCH_ERRORS_DAYS=${days} BENCH_ERRORS_SAMPLES_PER_HOUR=${samplesPerHour} BENCH_ERRORS_INGEST_EVENTS=${events} npm run bench`;
  const size = r0
    ? `${thousands(r0.groups)} groups of ${thousands(r0.servers)} servers over ${r0.days} days: ${thousands(r0.rows.errors)} errors counted, ${thousands(r0.rows.samples)} samples, ${thousands(r0.rows.hour)} '1h' + ${thousands(r0.rows.day)} '1d' + ${thousands(r0.rows.minute)} '1m' count rows`
    : 'no store run';
  return [
    `## Errors and incidents — ${day}, ${machine}`,
    '',
    `\`${env0}\``,
    '',
    `${size}. Filled: ${results.map((r) => `${r.store} ${r.reused ? 'kept from an earlier run' : `${r.fillS} s`}, ${r.diskMb} MB`).join('; ')}. Timed through HTTP (fetch to the monitor's API on 127.0.0.1), ${repetitions} requests per query after a first.`,
    '',
    '| store | query | first | p50 | p99 | max |',
    '| --- | --- | --- | --- | --- | --- |',
    ...results.flatMap((r) =>
      r.queries.map(
        (q) =>
          `| ${r.store.replace(/ \(.*\)$/, '')} | ${q.name} (\`${q.path}\`) | ${q.firstMs} ms | ${q.p50Ms} ms | **${q.p99Ms} ms** (goal ≤ 100) | ${q.maxMs} ms |`,
      ),
    ),
    '',
    rounds === 0
      ? 'Error write path: not run (BENCH_ERRORS_INGEST_ROUNDS=0).'
      : `Error write path (the ingest benchmark into SQLite, ${thousands(events)} events, median of ${rounds} rounds, with every event ok / with 4.5 % failed — grouped, counted, sampled and written): CPU per event ${cpuWithout} / ${cpuWith} µs, **${(((cpuWith - cpuWithout) / cpuWithout) * 100).toFixed(1)} %** more (goal ≤ 10 %); wall time ${thousands(without)} / ${thousands(withErrors)} events/s (${(((without - withErrors) / without) * 100).toFixed(1)} % fewer). Rounds, events/s: ok ${rate.without.map(thousands).join(', ')}; with failures ${rate.with.map(thousands).join(', ')}; CPU µs per event: ok ${cpu.without.join(', ')}; with failures ${cpu.with.join(', ')}.`,
  ];
}
