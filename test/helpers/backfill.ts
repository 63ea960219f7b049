import assert from 'node:assert/strict';
import type { Harness } from './harness.js';

export const [MIN, HOUR, DAY] = [60_000, 3_600_000, 86_400_000];

/** A server that reports itself (never checked during a test). */
export async function addReportedServer(h: Harness, name: string): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/servers',
    payload: {
      name,
      transport: 'streamable-http',
      url: 'http://127.0.0.1:9/mcp',
      health_check_interval: 3600,
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ id: string }>().id;
}

export interface PastEvent {
  server: string;
  method: string;
  started_at: number;
  latency_ms: number;
  outcome: 'ok' | 'error';
}

/** Posts events through the ingest API in batches of 10,000 (its limit), then writes them to the store. */
export async function ingest(h: Harness, events: PastEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 10_000) {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/events',
      payload: { events: events.slice(i, i + 10_000) },
    });
    assert.equal(res.statusCode, 202, res.body);
  }
  const flushed = await h.monitor.aggregator.flush();
  assert.ok(flushed.ok, flushed.error);
}
