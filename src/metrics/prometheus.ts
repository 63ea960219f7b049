import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry as PromRegistry } from 'prom-client';
import type { ServerRecord } from '../model/server.js';
import { statuses } from '../model/server.js';
import { errorType } from '../errors/index.js';
import type { RequestEvent, RequestEventSink } from '../model/request-event.js';

interface Series {
  duration: Histogram.Internal<string>;
  requests: Counter.Internal;
  errors: Counter.Internal | undefined;
}

/**
 * Prometheus exposition of the fleet's traffic and status and of the monitor itself. Names
 * follow the OpenTelemetry MCP semantic conventions where they exist
 * (`mcp_server_operation_duration_seconds`, labels `mcp_method_name`, `gen_ai_tool_name`, `error_type`).
 */
export class PrometheusMetrics implements RequestEventSink {
  readonly registry = new PromRegistry();
  private readonly duration: Histogram;
  private readonly requests: Counter;
  private readonly errors: Counter;
  /** By the series' label values (server, method, tool, error type). */
  private readonly series = new Map<string, Series>();

  constructor(
    servers: () => ServerRecord[],
    activeConnections: (serverId: string) => number = () => 0,
    pipeline: () => Partial<
      Record<'droppedEvents' | 'rejectedEvents' | 'pendingBuckets' | 'failedFlushes' | 'refusedRows', number>
    > = () => ({}),
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'mcp_health_' });
    const labels = ['server', 'mcp_method_name', 'gen_ai_tool_name'] as const;
    this.duration = new Histogram({
      name: 'mcp_server_operation_duration_seconds',
      help: 'Duration of MCP requests seen by the gateway or reported by servers',
      labelNames: [...labels, 'error_type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.requests = new Counter({
      name: 'mcp_health_requests_total',
      help: 'MCP requests',
      labelNames: labels,
      registers,
    });
    this.errors = new Counter({
      name: 'mcp_health_request_errors_total',
      help: 'Failed MCP requests by error type (the JSON-RPC error by name or jsonrpc_<code>, tool_error, transport_error, timeout), as in the error list',
      labelNames: [...labels, 'error_type'],
      registers,
    });
    const status: Gauge = new Gauge({
      name: 'mcp_health_server_status',
      help: '1 for the status the server is in, 0 for the others',
      labelNames: ['server', 'status'],
      registers,
      collect: () => {
        status.reset();
        for (const s of servers())
          for (const st of statuses) status.set({ server: s.id, status: st }, s.state.status === st ? 1 : 0);
      },
    });
    const responseTime: Gauge = new Gauge({
      name: 'mcp_health_response_time_seconds',
      help: 'The 1-minute average response time the grid shows',
      labelNames: ['server'],
      registers,
      collect: () => {
        responseTime.reset();
        for (const s of servers())
          if (s.state.responseTimeMs !== null)
            responseTime.set({ server: s.id }, s.state.responseTimeMs / 1000);
      },
    });
    const events: Gauge = new Gauge({
      name: 'mcp_health_event_pipeline',
      help: 'The request-event pipeline: events dropped (memory bound reached while the store was down), rejected, pending buckets, failed flushes, rows the store refused',
      labelNames: ['counter'],
      registers,
      collect: () => {
        for (const [counter, value] of Object.entries(pipeline()))
          if (typeof value === 'number') events.set({ counter }, value);
      },
    });
    const connections: Gauge = new Gauge({
      name: 'mcp_health_active_connections',
      help: 'Open client sessions and streams through the gateway',
      labelNames: ['server'],
      registers,
      collect: () => {
        connections.reset();
        for (const s of servers()) connections.set({ server: s.id }, activeConnections(s.id));
      },
    });
  }

  record(e: RequestEvent): void {
    const type = errorTypeOf(e);
    const series = this.seriesOf(e, type);
    series.duration.observe(e.latencyMs / 1000);
    series.requests.inc();
    series.errors?.inc();
  }

  /** The label children of an event's series, made once: prom-client hashes a label object per call. */
  private seriesOf(e: RequestEvent, type: string): Series {
    // Keyed by the label values themselves: an ingested event's endpoint need not follow its method.
    const tool = e.method === 'tools/call' ? e.endpoint.slice('tools/call:'.length) : '';
    const key = `${e.serverId}\n${e.method}\n${tool}\n${type}`;
    let series = this.series.get(key);
    if (series === undefined) {
      const base = { server: e.serverId, mcp_method_name: e.method, gen_ai_tool_name: tool };
      series = {
        duration: this.duration.labels({ ...base, error_type: type }),
        requests: this.requests.labels(base),
        errors: type ? this.errors.labels({ ...base, error_type: type }) : undefined,
      };
      this.series.set(key, series);
    }
    return series;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * The `error_type` label: the same word as `error_events.error_type` and `error_groups`
 * (errors/fingerprint — `invalid_params`, `jsonrpc_-32001`, `tool_error`, `timeout`, …), so a
 * Prometheus query and the error list name a failure alike; '' when the request did not fail
 * (a cancelled request is not a failure, DESIGN §3).
 */
const errorTypeOf = (e: RequestEvent): string => errorType(e) ?? '';
