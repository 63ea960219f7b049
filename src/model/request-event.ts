/**
 * One request seen by the gateway or reported through the ingest API (DESIGN §2): the unit
 * every traffic metric (latency percentiles, rps, error rate, usage) is computed from.
 */
export type Outcome = 'ok' | 'error' | 'tool_error' | 'transport_error' | 'timeout' | 'cancelled';

export interface RequestEvent {
  serverId: string;
  /** The method, plus the tool/prompt/resource name for `tools/call`, `prompts/get`, `resources/read`: `tools/call:echo`. */
  endpoint: string;
  method: string;
  /** Epoch ms when the request was received. */
  startedAt: number;
  latencyMs: number;
  outcome: Outcome;
  /** JSON-RPC error code when `outcome` is `error`. */
  errorCode: number | null;
  errorMessage: string | null;
  /** The error's `data` (a stack trace when the server sent one), or the tool result's text for `tool_error`. */
  errorData: unknown;
  clientName: string | null;
  clientVersion: string | null;
  protocolVersion: string | null;
  sessionId: string | null;
  requestId: string | null;
  bytesIn: number;
  bytesOut: number;
}

/** Where request events go. `record` must never block or throw: it is on the forwarding path. */
export interface RequestEventSink {
  record(event: RequestEvent): void;
  /**
   * All of them, kept durably before it returns (an ingest batch about to be acknowledged);
   * throws, having taken none, when they cannot be kept. `raw`: the request body they were read
   * from, which the journal keeps as it is.
   */
  recordBatch?(events: readonly RequestEvent[], raw?: Buffer): void;
}
