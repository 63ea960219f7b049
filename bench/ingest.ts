// Request events through Aggregator.record() and its flushes into SQLite, on one core.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aggregator } from '../src/metrics/aggregate/aggregator.js';
import { Journal } from '../src/metrics/ingest/journal.js';
import { JournalSink } from '../src/metrics/ingest/journal-sink.js';
import type { RequestEvent } from '../src/model/request-event.js';
import {
  drawOutcome,
  lognormal,
  requestEvent,
  seededRandom,
} from '../src/metrics/ingest/synthetic-traffic.js';
import { openStore } from '../src/store/open-store.js';

export interface IngestOptions {
  /** Events recorded (default 1,000,000). */
  events?: number;
  servers?: number;
  endpointsPerServer?: number;
  /** Simulated span of the traffic, s: one flush per 10 simulated seconds (default 600). */
  spanS?: number;
  /**
   * Through the write-ahead journal, as the ingest API takes events: batches of 1,000 appended to
   * the journal before they are recorded (the journal's cost on top of the aggregator's).
   */
  journal?: boolean;
  /**
   * Share of failed events (default 0.045: 2 % JSON-RPC errors, 2 % tool errors, 0.5 % timeouts,
   * each grouped, counted and sampled by the errors part); 0: every event succeeds, so the error
   * write path is left out (its overhead is the difference).
   */
  errorShare?: number;
}

export interface IngestResult {
  events: number;
  servers: number;
  endpoints: number;
  flushes: number;
  /** Events per second of wall time through record() and every flush. */
  eventsPerSecond: number;
  /** Events per second through record() alone (flush time excluded). */
  recordEventsPerSecond: number;
  flushMsAvg: number;
  flushMsMax: number;
  rowsWritten: number;
  dbMb: number;
  heapUsedMaxMb: number;
  /** CPU time of this process (user + system) per event, µs: less at the mercy of a loaded machine than wall time. */
  cpuUsPerEvent: number;
}

export async function benchIngest(options: IngestOptions = {}): Promise<IngestResult> {
  const events = options.events ?? 1_000_000;
  const servers = options.servers ?? 100;
  const perServer = options.endpointsPerServer ?? 10;
  const spanMs = (options.spanS ?? 600) * 1000;
  const share = options.errorShare ?? 0.045;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-health-bench-ingest-'));
  const store = await openStore({ dataDir: dir });
  const journal = options.journal ? new Journal(join(dir, 'journal')) : undefined;
  try {
    const rnd = seededRandom(42);
    const pool: RequestEvent[] = Array.from({ length: 10_000 }, (_, i) => {
      const outcome = drawOutcome(rnd, {
        error: share * (0.02 / 0.045),
        tool_error: share * (0.02 / 0.045),
        timeout: share * (0.005 / 0.045),
      });
      return requestEvent({
        serverId: `server-${i % servers}`,
        endpoint: `tools/call:tool-${Math.floor(rnd() * perServer)}`,
        startedAt: 0,
        latencyMs: lognormal(rnd, 25, 1),
        outcome,
        errorMessage: outcome === 'ok' ? null : `upstream said no to request ${i}`,
      });
    });
    const t0 = Date.UTC(2026, 0, 1);
    let simulatedNow = t0;
    const agg = new Aggregator({ store, now: () => simulatedNow, journal });
    const sink = journal ? new JournalSink(journal, agg) : undefined;
    const batch: RequestEvent[] = [];
    // The ingest API journals a batch as the bytes it came in: a body of 1,000 events, as a
    // reporter sends it (its size is what the journal writes; making it is the reporter's work).
    const body = Buffer.from(
      JSON.stringify({
        events: pool.slice(0, 1000).map((e) => ({
          server: e.serverId,
          method: e.method,
          endpoint: e.endpoint,
          started_at: t0,
          latency_ms: e.latencyMs,
          outcome: e.outcome,
          error_message: e.errorMessage,
        })),
      }),
    );
    const flushEvery = Math.max(1, Math.floor(events / Math.max(1, Math.round(spanMs / 10_000))));
    let recordNs = 0n;
    let flushMsMax = 0;
    let flushMsSum = 0;
    let flushes = 0;
    let rows = 0;
    let heapMax = 0;
    const flush = async () => {
      const f0 = process.hrtime.bigint();
      const r = await agg.flush();
      if (!r.ok) throw new Error(`flush failed: ${r.error ?? ''}`);
      const ms = Number(process.hrtime.bigint() - f0) / 1e6;
      flushMsMax = Math.max(flushMsMax, ms);
      flushMsSum += ms;
      flushes++;
      rows += r.rows;
      heapMax = Math.max(heapMax, process.memoryUsage().heapUsed);
    };
    const start = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < events; i += flushEvery) {
      const r0 = process.hrtime.bigint();
      const end = Math.min(events, i + flushEvery);
      for (let j = i; j < end; j++) {
        // safe because the pool is non-empty and j % length is in range
        const e = pool[j % pool.length] as RequestEvent;
        e.startedAt = t0 + Math.floor((j / events) * spanMs);
        if (sink === undefined) agg.record(e);
        else if (batch.push(e) === 1000) {
          sink.recordBatch(batch, body);
          batch.length = 0;
        }
      }
      if (sink && batch.length > 0) {
        sink.recordBatch(batch, body);
        batch.length = 0;
      }
      simulatedNow = t0 + Math.floor((end / events) * spanMs);
      recordNs += process.hrtime.bigint() - r0;
      await flush();
    }
    const totalS = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    return {
      events,
      servers,
      endpoints: servers * perServer,
      flushes,
      eventsPerSecond: Math.round(events / totalS),
      recordEventsPerSecond: Math.round(events / (Number(recordNs) / 1e9)),
      flushMsAvg: Math.round((flushMsSum / flushes) * 10) / 10,
      flushMsMax: Math.round(flushMsMax * 10) / 10,
      rowsWritten: rows,
      dbMb: Math.round(statSync(store.location).size / 2 ** 20),
      heapUsedMaxMb: Math.round(heapMax / 2 ** 20),
      cpuUsPerEvent: Math.round(((cpu.user + cpu.system) / events) * 100) / 100,
    };
  } finally {
    journal?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
