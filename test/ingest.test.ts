import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { EventReporter, reportTraffic } from '../src/instrument/report-traffic.js';
import { startHarness, type Harness } from './helpers/harness.js';

describe('ingest API and the instrumentation helper', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ listen: true });
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/servers',
      payload: {
        name: 'reported',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:9/mcp',
        health_check_interval: 3600,
      },
    });
    assert.equal(res.statusCode, 201);
  });
  after(() => h.destroy());

  const post = (payload: unknown) =>
    h.app.inject({ method: 'POST', url: '/api/v1/ingest/events', payload: payload as object });
  const event = {
    server: 'reported',
    method: 'tools/list',
    started_at: Date.now(),
    latency_ms: 3.5,
    outcome: 'ok',
  };

  test('a bad batch is refused whole, naming the field; a good one is accepted', async () => {
    const unknown = await post({ events: [event, { ...event, server: 'nope' }] });
    assert.equal(unknown.statusCode, 400);
    assert.deepEqual(unknown.json().error.details.fields, [
      { field: 'events.1.server', message: 'unknown server "nope"' },
    ]);
    const negative = await post({ events: [{ ...event, latency_ms: -1 }] });
    assert.equal(negative.statusCode, 400);
    assert.equal(negative.json().error.details.fields[0].field, 'events.0.latency_ms');
    const outcome = await post({ events: [{ ...event, outcome: 'meh' }] });
    assert.equal(outcome.json().error.details.fields[0].field, 'events.0.outcome');
    const ok = await post({ events: [event] });
    assert.equal(ok.statusCode, 202);
    assert.deepEqual(ok.json(), { accepted: 1 });
  });

  test('a server built with the official SDK reports its traffic in a few lines', async () => {
    const server = new McpServer({ name: 'reported', version: '1.0.0' });
    server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
    server.registerTool('fails', { inputSchema: z.object({}) }, () => ({
      isError: true,
      content: [{ type: 'text', text: 'it broke' }],
    }));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const reporter = new EventReporter({ url: h.url, server: 'reported' });
    await server.connect(serverSide);
    reportTraffic(serverSide, reporter);
    const client = new Client({ name: 'ingest-test', version: '9.9' });
    await client.connect(clientSide);
    for (let i = 0; i < 5; i++) await client.callTool({ name: 'echo', arguments: { text: `hi ${i}` } });
    await client.callTool({ name: 'fails', arguments: {} });
    await client.close();
    await reporter.close();
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    const text = metrics.body;
    assert.match(
      text,
      /mcp_health_requests_total\{server="reported",mcp_method_name="tools\/call",gen_ai_tool_name="echo"\} 5/,
    );
    assert.match(
      text,
      /mcp_health_request_errors_total\{server="reported",mcp_method_name="tools\/call",gen_ai_tool_name="fails",error_type="tool_error"\} 1/,
    );
    assert.match(
      text,
      /mcp_server_operation_duration_seconds_count\{server="reported",mcp_method_name="tools\/call",gen_ai_tool_name="echo",error_type=""\} 5/,
    );
    // The server's URL answers nothing: its status is Unknown until the first check fails, then Critical.
    assert.match(text, /mcp_health_server_status\{server="reported",status="(unknown|critical)"\} 1/);
    assert.match(text, /mcp_health_process_cpu_seconds_total/);
    assert.match(text, /mcp_health_event_pipeline\{counter="droppedEvents"\} 0/);
  });
});
