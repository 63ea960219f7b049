/** What the health checker needs to reach one MCP server. Secrets are already resolved to plain values. */
export type ProbeTarget =
  | {
      transport: 'stdio';
      command: string;
      args: string[];
      env: Record<string, string>;
      cwd?: string | undefined;
    }
  | { transport: 'streamable-http'; url: string; headers: Record<string, string> }
  | { transport: 'sse'; url: string; headers: Record<string, string> };

export type ProtocolEra = 'legacy' | 'modern';

/** Why a check failed, as a stable code beside the human-readable reason. */
export type ProbeFailureKind =
  | 'timeout'
  | 'unauthorised'
  | 'http_error'
  | 'connection_refused'
  | 'connection_closed'
  | 'protocol_error'
  | 'process_exited'
  | 'spawn_failed'
  | 'unknown';

export interface ProbeSuccess {
  ok: true;
  /** Round trip of the probe request itself (`ping` or `server/discover`), ms. */
  latencyMs: number;
  method: 'ping' | 'server/discover';
  era: ProtocolEra;
  protocolVersion: string | undefined;
  serverInfo: { name: string; version: string } | undefined;
  capabilities: Record<string, unknown> | undefined;
  toolCount: number | undefined;
  /** True when this check had to open a new session (first check, or the old one was lost). */
  connected: boolean;
  /** Time spent opening the session, when `connected`. */
  connectMs: number | undefined;
}

export interface ProbeFailure {
  ok: false;
  kind: ProbeFailureKind;
  /** Human-readable, actionable: "timed out after 5000 ms", "HTTP 401: unauthorised", "process exited with code 1". */
  reason: string;
  /** Elapsed time until the failure was known, ms. */
  elapsedMs: number;
  /** The request that failed: opening the session (`initialize`), or the era's probe. */
  method?: 'initialize' | ProbeSuccess['method'];
}

export type ProbeResult = ProbeSuccess | ProbeFailure;

export interface LogLine {
  at: number;
  stream: 'stderr' | 'supervisor';
  line: string;
}

/** How a server's checks behave beyond its target, from the monitor's settings. */
export interface SessionHooks {
  /** A line of the server's stderr, or a supervisor message (spawned, exited, restarting). */
  onLog?: (line: LogLine) => void;
  /** Makes a line of the server's own text safe to keep and show (secrets out, NUL out). */
  clean?: (text: string) => string;
}

/**
 * A long-lived connection to one MCP server. Legacy-era servers keep one session and get a
 * `ping` per check (re-initialised when lost); modern-era servers get `server/discover`.
 * A stdio session owns and supervises the child process.
 */
export interface ServerSession {
  check(timeoutMs: number): Promise<ProbeResult>;
  /** Recent stderr and supervisor lines, oldest first (a bounded ring buffer). */
  recentLogs(): LogLine[];
  /** The stdio child's pid while it runs. */
  pid(): number | undefined;
  close(): Promise<void>;
}
