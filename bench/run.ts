// `npm run bench`: every benchmark, printed as the rows docs/BENCHMARKS.md keeps.
// BENCH_ONLY=probe|ingest runs one. BENCH_SERVERS (10000), BENCH_INTERVAL (30 s) and
// BENCH_SECONDS (60) scale the probe benchmark; BENCH_EVENTS (1,000,000) the ingest one.
// BENCH_ONLY=gateway|query run the gateway overhead (BENCH_GATEWAY_CALLS 2,000 sequential,
// BENCH_GATEWAY_CLIENTS 32 × BENCH_GATEWAY_CONCURRENT_CALLS 10,000 in all) and the query scale
// (BENCH_QUERY_SERVERS 1,000, BENCH_QUERY_MINUTE_SERVERS 100) benchmarks; a plain
// `npm run bench` leaves them out. BENCH_ONLY=dashboard (after `npm run build`) times the dashboard
// in headless Chromium with BENCH_DASHBOARD_SERVERS (1,000) servers. BENCH_ONLY=hostile checks
// hostile servers (50 MB answers, 10 MB serverInfo, 100,000 tools) every BENCH_HOSTILE_INTERVAL
// (5 s) for BENCH_SECONDS (30) while an API client reads the server list.
// BENCH_ONLY=slow-dashboards: ten
// never-reading live dashboards (BENCH_SLOW_DASHBOARDS) for BENCH_SECONDS (30) beside a fleet of
// BENCH_SERVERS (1,000) checked every second with BENCH_VIEW_KB (8) KB views; BENCH_LIVE_LIMITS=off
// lifts the live hub's backpressure limits (the code before them). BENCH_ONLY=crash: kill -9 after
// BENCH_SECONDS (25) of ingest and gateway load, restart, count what was kept.
// BENCH_ONLY=gateway-stdio (also in a plain `npm run bench`, ~3 min): the gateway against
// supergateway, mcp-proxy and a bare bridge in front of one stdio server, BENCH_STDIO_ROUNDS (8)
// rounds of BENCH_STDIO_CALLS (300) sequential calls and BENCH_STDIO_SECONDS (3) s of
// BENCH_STDIO_CLIENTS (16) concurrent clients per path; BENCH_STDIO_PROFILE=<dir>: the monitor
// runs with --cpu-prof into that folder.
// BENCH_ONLY=federation: a hub polling BENCH_FED_PEERS (50) recorded-summary peers every
// BENCH_FED_INTERVAL (15) s: its CPU, `GET /api/v1/federation` p99, polls until unreachable.
// BENCH_ONLY=cluster (PostgreSQL at MCP_HEALTH_TEST_PG_URL): three instances on one schema,
// BENCH_SERVERS (3,000) light servers every BENCH_INTERVAL (30 s), measured BENCH_SECONDS (60),
// then kill -9 of the leader: time to re-check its servers, notifications of alerts firing across it.
// BENCH_ONLY=forecast: backtest MAPE over BENCH_FORECAST_SEEDS (10) synthetic series, cold and cached
// latency over BENCH_FORECAST_RUNS (50) forecasts.
// BENCH_ONLY=capacity: anomaly precision/recall over BENCH_ANOMALY_SEEDS (10) series; forecast cold/cached;
// the capacity view and the live bands of rule anomaly_score for BENCH_CAPACITY_SERVERS (1000) servers.
// BENCH_ONLY=errors: errors and incidents at fleet scale on SQLite and PostgreSQL
// (BENCH_ERRORS_STORES, sqlite,postgres; PostgreSQL at BENCH_DATABASE_URL): BENCH_ERRORS_GROUPS
// (5,000; 50,000 is issue 12's size) error groups of BENCH_ERRORS_SERVERS (1,000) servers over BENCH_ERRORS_DAYS (90) days,
// BENCH_ERRORS_SAMPLES_PER_HOUR (4) samples per active hour, BENCH_ERRORS_REPETITIONS (100) timed
// requests per query; BENCH_ERRORS_KEEP=<dir or schema> keeps the filled store for the next run.
// Then the error write path's cost: BENCH_ERRORS_INGEST_EVENTS (300,000) events through the
// aggregator with and without failures, BENCH_ERRORS_INGEST_ROUNDS (3) rounds each.
import { cpus, totalmem } from 'node:os';
import { crashLoss } from './crash-loss.js';
import { gatewayOverhead, PATHS, type PathName } from './gateway-overhead.js';
import { stdioSection } from './gateway-stdio-report.js';
import { hostileUpstream } from './hostile-upstream.js';
import { alertEvalRows } from './alert-eval.js';
import { benchForecast } from './forecast.js';
import { anomalyQuality, fleetCost } from './capacity.js';
import { benchFederation } from './federation.js';
import { errorsSection } from './errors-report.js';
import { benchIngest } from './ingest.js';
import { probeScale } from './probe-scale.js';
import { queryScale } from './query-scale.js';
import { slowDashboards } from './slow-dashboards.js';
import { clusterBench } from './cluster.js';

const only = process.env.BENCH_ONLY;
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const day = new Date().toISOString().slice(0, 10);
const out = (lines: string[]) => process.stdout.write(`${lines.join('\n')}\n\n`);

if (!only || only === 'probe') {
  const servers = Number(process.env.BENCH_SERVERS ?? 10_000);
  const interval = Number(process.env.BENCH_INTERVAL ?? 30);
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  process.stderr.write(
    `probe scale: ${servers} servers every ${interval} s, measured ${seconds} s after the first round and one more interval…\n`,
  );
  const r = await probeScale(servers, interval, seconds);
  out([
    `## Probe scale — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=probe BENCH_SERVERS=${servers} BENCH_INTERVAL=${interval} BENCH_SECONDS=${seconds} npm run bench\``,
    '',
    '| servers | interval | probes/s | failed | lag p50 | lag p99 | lag max | monitor CPU | RSS max | heap used max | registry set-up | first round |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.servers} | ${r.intervalS} s | ${r.probesPerSecond} | ${r.failedChecks} | ${r.lagP50Ms} ms | ${r.lagP99Ms} ms | ${r.lagMaxMs} ms | ${r.cpuCores} cores | ${r.rssMaxMb} MB | ${r.heapUsedMaxMb} MB | ${r.setupS} s | ${r.firstRoundS} s |`,
  ]);
}

if (only === 'cluster') {
  const pgUrl = process.env.MCP_HEALTH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const servers = Number(process.env.BENCH_SERVERS ?? 3000);
  const interval = Number(process.env.BENCH_INTERVAL ?? 30);
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const heartbeat = Number(process.env.BENCH_HEARTBEAT ?? 5);
  process.stderr.write(`cluster: 3 instances, ${servers} servers every ${interval} s…\n`);
  const r = await clusterBench(pgUrl, servers, interval, seconds, heartbeat);
  out([
    `## Cluster — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=cluster BENCH_SERVERS=${servers} BENCH_INTERVAL=${interval} BENCH_SECONDS=${seconds} BENCH_HEARTBEAT=${heartbeat} npm run bench\``,
    '',
    '| instance | probes measured | CPU | RSS max | lag p99 |',
    '| --- | --- | --- | --- | --- |',
    ...r.instances.map(
      (i) => `| ${i.name} | ${i.probes} | ${i.cpuCores} cores | ${i.rssMaxMb} MB | ${i.lagP99Ms} ms |`,
    ),
    '',
    '| killed | its servers | re-check p50 | re-check p99 | re-check max | alerts (history) | notified (keys) | duplicates | missing |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.killedWasLeader ? 'the leader' : 'an instance'} | ${r.killedServers} | ${r.recheckP50Ms} ms | ${r.recheckP99Ms} ms | ${r.recheckMaxMs} ms | ${r.alertsExpected} | ${r.alertsReceived} | ${r.duplicates} | ${r.missing} |`,
  ]);
}

if (!only || only === 'ingest') {
  const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
  const rows: string[] = [];
  for (const journal of [false, true]) {
    process.stderr.write(
      `ingest: ${events} request events through the aggregator into SQLite${journal ? ', through the journal' : ''}…\n`,
    );
    const r = await benchIngest({ events, journal });
    rows.push(
      `| ${journal ? 'journal + aggregator' : 'aggregator'} | ${r.events} | ${r.servers} × ${r.endpoints / r.servers} | ${r.eventsPerSecond} | ${r.recordEventsPerSecond} | ${r.flushes} | ${r.flushMsAvg} ms | ${r.flushMsMax} ms | ${r.rowsWritten} | ${r.dbMb} | ${r.heapUsedMaxMb} MB |`,
    );
  }
  out([
    `## Ingest — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=ingest BENCH_EVENTS=${events} npm run bench\``,
    '',
    '| path | events | servers × endpoints | events/s (record + flush) | events/s (record only) | flushes | flush avg | flush max | rows | SQLite MB | heap used max |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ]);
}

if (only === 'gateway') {
  const sequential = Number(process.env.BENCH_GATEWAY_CALLS ?? 2000);
  const clients = Number(process.env.BENCH_GATEWAY_CLIENTS ?? 32);
  const concurrentCalls = Number(process.env.BENCH_GATEWAY_CONCURRENT_CALLS ?? 10_000);
  process.stderr.write(
    `gateway overhead: tools/call echo to server-everything, direct and through /mcp/<id>: ${sequential} sequential, ${clients} clients × ${concurrentCalls} calls…\n`,
  );
  const r = await gatewayOverhead({ sequential, clients, concurrentCalls });
  const pct = (ratio: number): string => `${Math.round(ratio * 100)} %`;
  const round2 = (n: number): number => Math.round(n * 100) / 100;
  const names: Record<PathName, string> = {
    direct: 'direct',
    tcpPipe: 'raw TCP pipe (floor: one more process)',
    bareProxy: 'bare pass-through proxy (floor: one more HTTP hop)',
    gateway: 'gateway',
  };
  const row = (p: PathName): string => {
    const x = r.paths[p];
    const cpu = `${x.cpuPerCallUs.clients} / ${x.cpuPerCallUs.server} / ${x.cpuPerCallUs.monitor} µs`;
    return `| ${names[p]} | ${x.p50Ms} ms | ${x.p99Ms} ms | ${x.callsPerSecond} | ${cpu} |`;
  };
  const { tcpPipe, bareProxy, gateway } = r.added;
  out([
    `## Gateway overhead — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=gateway BENCH_GATEWAY_CALLS=${sequential} BENCH_GATEWAY_CLIENTS=${clients} BENCH_GATEWAY_CONCURRENT_CALLS=${concurrentCalls} npm run bench\``,
    '',
    `\`tools/call echo\` to server-everything (Streamable HTTP, its own process); the monitor (startMonitor + buildApi), a raw TCP pipe and a bare pass-through proxy run in the bench process; every path reaches the same upstream. Sequential: ${r.sequential} calls per path from 1 client per path in a child process after ${r.warmup} warm-up, in blocks of 100 rotating which path goes first; concurrent: ${r.concurrentCalls} calls per path from ${r.clients} clients, one session each, in a child process of their own, in rounds rotating likewise.`,
    '',
    '| path | p50 (1 client) | p99 (1 client) | calls/s (32 clients) | CPU per call: clients / server / monitor |',
    '| --- | --- | --- | --- | --- |',
    ...PATHS.map(row),
    `| added by the raw TCP pipe | ${tcpPipe.p50Ms} ms | ${tcpPipe.p99Ms} ms | ${pct(tcpPipe.throughputRatio)} | |`,
    `| added by the bare proxy | ${bareProxy.p50Ms} ms | ${bareProxy.p99Ms} ms | ${pct(bareProxy.throughputRatio)} | |`,
    `| **added by the gateway** | **${gateway.p50Ms} ms** (goal ≤ 0.5) | **${gateway.p99Ms} ms** (goal ≤ 2) | **${pct(gateway.throughputRatio)}** (goal ≥ 90 %) | |`,
    // The gateway's own cost: what it adds above the floor of one more HTTP hop on this machine.
    `| gateway above the bare proxy | ${round2(gateway.p50Ms - bareProxy.p50Ms)} ms | ${round2(gateway.p99Ms - bareProxy.p99Ms)} ms | ${pct(gateway.throughputRatio / bareProxy.throughputRatio)} of the bare proxy's | |`,
    '',
    `Throughput by round (${r.concurrentCalls / r.rounds} calls per path a round, ${r.rounds} rounds), of direct: the raw TCP pipe ${pct(tcpPipe.roundRatios[0])}–${pct(tcpPipe.roundRatios[1])}, the bare proxy ${pct(bareProxy.roundRatios[0])}–${pct(bareProxy.roundRatios[1])}, the gateway ${pct(gateway.roundRatios[0])}–${pct(gateway.roundRatios[1])}. CPU per call: CPU time each process spent during the concurrent runs, divided by the calls (µs); the monitor column is the bench process, idle on the direct path.`,
  ]);
}

if (!only || only === 'gateway-stdio') out(await stdioSection(day, machine));

if (only === 'query') {
  const servers = Number(process.env.BENCH_QUERY_SERVERS ?? 1000);
  const minuteServers = Number(process.env.BENCH_QUERY_MINUTE_SERVERS ?? 100);
  // BENCH_QUERY_STORE=postgres: PostgreSQL at BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test)
  const store = process.env.BENCH_QUERY_STORE === 'postgres' ? 'postgres' : 'sqlite';
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const storeName = store === 'postgres' ? 'PostgreSQL' : 'SQLite';
  process.stderr.write(
    `query scale: filling ${storeName} with 30 days of rollups for ${servers} servers × 10 endpoints (${minuteServers} with 48 h of '1m' rows)…\n`,
  );
  const r = await queryScale({ servers, minuteServers, store, databaseUrl });
  const rows = r.rows.minute + r.rows.hour + r.rows.day;
  const d = r.disk;
  const disk =
    d.store === 'sqlite'
      ? `SQLite ${d.dbMb} MB + WAL ${d.walMb} MB`
      : `vacuum (analyze) ${r.vacuumS} s after; PostgreSQL ${d.totalMb} MB (request_rollups ${d.rollupsTableMb} MB + its indexes ${d.rollupsIndexesMb} MB)`;
  const pgEnv = store === 'postgres' ? 'BENCH_QUERY_STORE=postgres ' : '';
  const pgVersion = d.store === 'postgres' ? `, PostgreSQL ${d.version}` : '';
  out([
    `## Query scale (${storeName}) — ${day}, ${machine}${pgVersion}`,
    '',
    `\`BENCH_ONLY=query ${pgEnv}BENCH_QUERY_SERVERS=${servers} BENCH_QUERY_MINUTE_SERVERS=${minuteServers} npm run bench\``,
    '',
    `${r.servers} servers × ${r.endpointsPerServer} endpoints: ${r.rows.hour} '1h' rows (30 d), ${r.rows.day} '1d' rows, ${r.rows.minute} '1m' rows (48 h, ${r.minuteServers} servers); ${rows} rows, and ${r.rows.usage} usage rows (every hour, server and one of 3 clients), filled in ${r.fillS} s; ${disk}. Store: ${r.location}. One server queried (it has every tier), ${r.repetitions} repetitions after a first (the fleet's usage: ${Math.min(r.repetitions, 10)}), timed apart.`,
    '',
    '| query | tier read | rows read | result | first | p50 | p99 | store read p50 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.queries.map(
      (q) =>
        `| ${q.name} | ${q.resolution} | ${Number.isNaN(q.rowsRead) ? '—' : q.rowsRead} | ${q.resultSize} | ${q.firstMs} ms | ${q.p50Ms} ms | ${q.p99Ms} ms | ${Number.isNaN(q.readP50Ms) ? '—' : `${q.readP50Ms} ms`} |`,
    ),
  ]);
}
if (only === 'dashboard') {
  const servers = Number(process.env.BENCH_DASHBOARD_SERVERS ?? 1000);
  process.stderr.write(
    `dashboard: ${servers} servers in a monitor, the built dashboard in headless Chromium…\n`,
  );
  // Imported only here: playwright-core alone is ~64 MB of RSS and ~36 MB of heap, which the
  // other benchmarks in this process (the probe scale's memory above all) would count as theirs.
  const { dashboardBench } = await import('./dashboard.js');
  const r = await dashboardBench({ servers });
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  out([
    `## Dashboard — ${day}, ${machine}`,
    '',
    `\`npm run build && BENCH_ONLY=dashboard BENCH_DASHBOARD_SERVERS=${servers} npm run bench\``,
    '',
    `${r.servers} servers (light responder, checked every 30 s) in one monitor; Debian Chromium headless, 1440×900. Grid drawn = navigation start → the counts bar and every card in the viewport with its status. Status → card = a status change in the monitor (disable / enable + check of a server on screen) → the card's status attribute changed in the page (${r.statusSamples} changes timed; ${r.statusMissed} not shown because a later change replaced them first).`,
    '',
    '| servers | grid drawn, cold | grid drawn, warm p50 / max | status → card p50 | p95 | max | JS (gzip) | CSS (gzip) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.servers} | ${r.gridColdMs} ms (goal ≤ 1,500) | ${r.gridWarmP50Ms} / ${r.gridWarmMaxMs} ms | ${r.statusP50Ms} ms | **${r.statusP95Ms} ms** (goal ≤ 1,000) | ${r.statusMaxMs} ms | ${kb(r.jsBytes)} (${kb(r.jsGzipBytes)}; goal ≤ 250 KB) | ${kb(r.cssGzipBytes)} |`,
  ]);
}
if (only === 'alerts') out(await alertEvalRows(day, machine));
if (only === 'hostile') {
  const interval = Number(process.env.BENCH_HOSTILE_INTERVAL ?? 5);
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  process.stderr.write(
    `hostile upstreams: 50 MB answers, 10 MB serverInfo and 100,000 tools checked every ${interval} s for ${seconds} s, the API read meanwhile…\n`,
  );
  const r = await hostileUpstream(interval, seconds);
  out([
    `## Hostile upstreams — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=hostile BENCH_HOSTILE_INTERVAL=${interval} BENCH_SECONDS=${seconds} npm run bench\``,
    '',
    '| servers | checks | RSS max | API requests | API p50 | API p99 | API max | event-loop lag p99 | lag max |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.servers} | ${r.checks} | ${r.rssMaxMb} MB | ${r.apiRequests} | ${r.apiP50Ms} ms | ${r.apiP99Ms} ms | ${r.apiMaxMs} ms | ${r.lagP99Ms} ms | ${r.lagMaxMs} ms |`,
  ]);
}

if (only === 'slow-dashboards') {
  const servers = Number(process.env.BENCH_SERVERS ?? 1000);
  const viewKb = Number(process.env.BENCH_VIEW_KB ?? 8);
  const dashboards = Number(process.env.BENCH_SLOW_DASHBOARDS ?? 10);
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  const limits = process.env.BENCH_LIVE_LIMITS !== 'off';
  process.stderr.write(
    `slow dashboards: ${dashboards} never reading, ${servers} servers checked every second, ${seconds} s, limits ${limits ? 'on' : 'off'}…\n`,
  );
  const r = await slowDashboards({ servers, viewKb, dashboards, seconds, limits });
  out([
    `## Slow dashboards — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=slow-dashboards${limits ? '' : ' BENCH_LIVE_LIMITS=off'} BENCH_SERVERS=${servers} BENCH_VIEW_KB=${viewKb} BENCH_SECONDS=${seconds} npm run bench\``,
    '',
    '| live limits | servers (view) | never-reading dashboards | RSS at start | RSS max, first 10 s | RSS max | RSS at end | buffered for one, max | dropped | reader: messages, newest check age |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.limits ? 'on (1 MiB / 8 MiB / 30 s)' : 'off (before)'} | ${r.servers} (${r.viewKb} KB) | ${r.dashboards} for ${r.seconds} s | ${r.rssStartMb} MB | ${r.rssFirst10sMb} MB | **${r.rssMaxMb} MB** | ${r.rssEndMb} MB | ${r.bufferedMaxMb} MB | ${r.dropped} | ${r.readerMessages}, ${r.readerLagMs} ms |`,
  ]);
}
if (only === 'crash') {
  const seconds = Number(process.env.BENCH_SECONDS ?? 25);
  process.stderr.write(`crash loss: ${seconds} s of ingest and gateway load, kill -9, restart…\n`);
  const r = await crashLoss(seconds);
  out([
    `## Crash loss — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=crash BENCH_SECONDS=${seconds} npm run bench\``,
    '',
    '| load | ingest sent | acknowledged (202) | stored after restart | acknowledged lost | gateway calls answered | stored | lost (s of traffic) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.seconds} s | ${r.ingestSent} | ${r.ingestAcknowledged} | ${r.ingestStored} | **${Math.max(0, r.ingestAcknowledged - r.ingestStored)}** | ${r.gatewayAnswered} | ${r.gatewayStored} | **${r.gatewayLossS} s** |`,
  ]);
}
if (only === 'federation') {
  const peers = Number(process.env.BENCH_FED_PEERS ?? 50);
  const interval = Number(process.env.BENCH_FED_INTERVAL ?? 15);
  const seconds = Number(process.env.BENCH_FED_SECONDS ?? 60);
  process.stderr.write(`federation: a hub polling ${peers} recorded-summary peers every ${interval} s…\n`);
  const r = await benchFederation(peers, interval, seconds);
  out([
    `### Federation: a hub polling ${r.peers} peers every ${r.intervalS} s (${day}, ${machine})`,
    '',
    `\`BENCH_ONLY=federation BENCH_FED_PEERS=${r.peers} BENCH_FED_INTERVAL=${r.intervalS} BENCH_FED_SECONDS=${r.seconds} npm run bench\``,
    '',
    'Each peer answers a recorded summary of a real instance (5,000 requests, errors) from a child process, with its own instance id; the hub keeps its SQLite store and polls them all.',
    '',
    '| hub CPU (% of a core) | `GET /api/v1/federation` p50 | p99 | peers stopped → all unreachable |',
    '| ---: | ---: | ---: | ---: |',
    `| ${r.cpuPercent.toFixed(2)} % | ${r.viewP50Ms.toFixed(2)} ms | ${r.viewP99Ms.toFixed(2)} ms | within ${r.unreachablePolls} polls |`,
  ]);
}
if (only === 'errors') out(await errorsSection(day, machine));
if (only === 'forecast') {
  const seeds = Number(process.env.BENCH_FORECAST_SEEDS ?? 10);
  const runs = Number(process.env.BENCH_FORECAST_RUNS ?? 50);
  process.stderr.write(`forecasts: ${seeds} synthetic series, ${runs} cold and cached forecasts…\n`);
  const r = await benchForecast(seeds, runs);
  const ms = (x: number) => x.toFixed(x < 10 ? 2 : 0);
  out([
    `## Forecasts — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=forecast BENCH_FORECAST_SEEDS=${seeds} BENCH_FORECAST_RUNS=${runs} npm run bench\``,
    '',
    `Quality: ${r.seeds} series of 5 weeks of requests per hour (daily ±50 %, weekends at 60 %, +0.1 %/h, 5 % noise), fitted on the first 4, scored on the 5th. Latency: a server's 7-day forecast of requests, 4 backfilled weeks in SQLite, ${r.runs} forecasts each at a new level (cold: store read + fit in the worker, after the worker's start) then again (cached).`,
    '',
    '| MAPE next 7 d, mean / max | 95 % band holds the truth, mean / min | [24, 168] found | fit in-process p50 | cold p50 / p99 | cached p50 / p99 |',
    '| --- | --- | --- | --- | --- | --- |',
    `| **${r.mapeMean.toFixed(1)} %** / ${r.mapeMax.toFixed(1)} % (goal ≤ 10 %) | ${(r.coverageMean * 100).toFixed(0)} % / ${(r.coverageMin * 100).toFixed(0)} % | ${r.seasonalityFound} of ${r.seeds} | ${ms(r.fitP50Ms)} ms | ${ms(r.coldP50Ms)} / **${ms(r.coldP99Ms)} ms** (goal ≤ 100) | ${ms(r.cachedP50Ms)} / **${ms(r.cachedP99Ms)} ms** (goal ≤ 5) |`,
  ]);
}

if (only === 'capacity') {
  const seeds = Number(process.env.BENCH_ANOMALY_SEEDS ?? 10);
  const servers = Number(process.env.BENCH_CAPACITY_SERVERS ?? 1000);
  process.stderr.write(
    `anomalies: ${seeds} synthetic series; capacity and live bands: ${servers} servers…\n`,
  );
  const q = anomalyQuality(seeds);
  const f = await benchForecast(3, 30);
  const c = await fleetCost(servers);
  const ms = (x: number) => x.toFixed(x < 10 ? 2 : 0);
  out([
    `## Anomalies and capacity — ${day}, ${machine}`,
    '',
    `\`BENCH_ONLY=capacity BENCH_ANOMALY_SEEDS=${seeds} BENCH_CAPACITY_SERVERS=${servers} npm run bench\``,
    '',
    `| anomalies: precision / recall (${q.injected} injected in ${q.seeds} series, ${q.falsePositives} false) | baseline fit p50 | forecast cold p99 / cached p99 | capacity view, ${c.servers} servers: cold / cached | live bands ${c.bands} (${c.servers} × 3): filled in / lag p99, max meanwhile | one tick's scoring of all |`,
    '| --- | --- | --- | --- | --- | --- |',
    `| **${q.precision.toFixed(2)} / ${q.recall.toFixed(2)}** (goal ≥ 0.9) | ${ms(q.fitP50Ms)} ms | **${ms(f.coldP99Ms)} / ${ms(f.cachedP99Ms)} ms** (goals 100 / 5) | **${ms(c.capacityColdMs)} / ${ms(c.capacityCachedMs)} ms** (goals 2,000 / 200) | ${(c.bandsFillMs / 1000).toFixed(0)} s / **${ms(c.lagP99DuringFillMs)}** / ${ms(c.lagMaxDuringFillMs)} ms (goal p99 < 50) | **${ms(c.scoreAllMs)} ms** (goal < 1,000) |`,
  ]);
}

process.exit(0);
