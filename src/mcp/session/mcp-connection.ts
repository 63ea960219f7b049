/**
 * One MCP client session (SDK v2 `Client`, auto version negotiation) over one transport:
 * opening it records what the server told us; `probe()` sends the era's health request.
 */
import {
  Client,
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  SERVER_INFO_META_KEY,
  type ConnectOptions,
  type Transport,
} from '@modelcontextprotocol/client';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';
import type { ProtocolEra, ProbeSuccess } from '../../model/probe.js';
import { BarePing, type SessionTransports } from './bare-ping.js';
import { boundedCapabilities, boundedServerInfo } from './bounded-info.js';
import type { Deadline } from './deadline.js';
import { describeError } from './describe-error.js';
import type { LogRing } from './log-ring.js';
import { countTools, MAX_COUNTED_TOOLS, MAX_PAGES } from './tool-count.js';

export const CLIENT_INFO = { name: 'mcp-health', version: '0.1.0' };

/**
 * One JSON Schema validator for every client: the SDK otherwise builds an Ajv instance per
 * client, which at thousands of long-lived sessions is most of the monitor's memory.
 */
const sharedValidator = new AjvJsonSchemaValidator();

export interface OpenOptions {
  /** Budget for connect; defaults to the deadline's remaining time. */
  connectTimeoutMs?: number;
  /** Probe (`server/discover`) timeout for the auto negotiation; default: the connect timeout. */
  probeTimeoutMs?: number;
  /** Skip the probe and run the plain 2025 `initialize` handshake. */
  legacyOnly?: boolean;
  /** Called with out-of-band errors the client reports (transport hiccups, bad lines). */
  onError?: (error: Error, connection: McpConnection) => void;
}

export type SessionInfo = Pick<
  ProbeSuccess,
  'era' | 'protocolVersion' | 'serverInfo' | 'capabilities' | 'toolCount'
>;

export class McpConnection {
  alive = true;
  /** Not yet reported by a successful check (it may have been opened by an earlier, timed-out one). */
  fresh = true;
  toolCount: number | undefined;
  /** How long opening took, ms. */
  connectMs = 0;

  /** Set once the `Client` is let go (see `release`): the info it had, and the ping that replaces it. */
  private released: { info: SessionInfo; ping: BarePing } | undefined;

  private constructor(
    private client: Client | undefined,
    /** Until released per ping: then each request has its own. */
    private transport: Transport | undefined,
    private readonly onError: OpenOptions['onError'],
  ) {}

  /**
   * Connects `transport` (fresh `initialize` or `server/discover`). Rejects on failure after
   * closing the transport; never leaves a half-open client behind.
   */
  static async open(
    transport: Transport,
    deadline: Deadline,
    options: OpenOptions = {},
  ): Promise<McpConnection> {
    const timeout = Math.max(1, Math.round(options.connectTimeoutMs ?? deadline.remaining()));
    const probe =
      options.probeTimeoutMs === undefined
        ? {}
        : { timeoutMs: Math.max(1, Math.round(options.probeTimeoutMs)) };
    const client = new Client(CLIENT_INFO, {
      versionNegotiation: { mode: 'auto', probe },
      jsonSchemaValidator: sharedValidator,
    });
    const connection = new McpConnection(client, transport, options.onError);
    client.onerror = (error) => {
      try {
        options.onError?.(error, connection);
      } catch {
        // Observers must not break the client.
      }
    };
    client.onclose = () => {
      connection.alive = false;
    };
    const started = performance.now();
    const connectOptions: ConnectOptions = {
      timeout,
      ...(options.legacyOnly === true ? { prior: { kind: 'legacy' } } : {}),
    };
    // The stdio connect may outlive one check, so only the HTTP path passes the check's signal.
    if (options.connectTimeoutMs === undefined) connectOptions.signal = deadline.signal;
    try {
      await client.connect(transport, connectOptions);
    } catch (error) {
      await closeQuietly(client, transport);
      throw error;
    }
    connection.connectMs = performance.now() - started;
    return connection;
  }

  /** What the server said of itself; on the modern era, as of the latest `server/discover`. */
  info(): SessionInfo {
    // The tool count is loaded before the release and never again after it.
    if (this.released !== undefined) return this.released.info;
    // safe because: `client` is only cleared together with setting `released`.
    const client = this.client as Client;
    const discovered = this.era() === 'modern' ? client.getDiscoverResult() : undefined;
    const metaInfo = discovered?._meta?.[SERVER_INFO_META_KEY] as
      { name?: unknown; version?: unknown } | undefined;
    const serverInfo =
      typeof metaInfo?.name === 'string' && typeof metaInfo.version === 'string'
        ? { name: metaInfo.name, version: metaInfo.version }
        : client.getServerVersion();
    const capabilities = discovered?.capabilities ?? client.getServerCapabilities();
    return {
      era: this.era(),
      protocolVersion: client.getNegotiatedProtocolVersion(),
      serverInfo: this.sameServerInfo(serverInfo),
      capabilities: this.sameCapabilities(capabilities),
      toolCount: this.toolCount,
    };
  }

  /*
   * The last answers, handed out again while they do not change: every check's result ends up
   * in the server's state, and a fresh copy per check would be old-generation garbage. They are
   * kept bounded (bounded-info.ts): they are stored and sent to every dashboard.
   */
  private lastServerInfo: { name: string; version: string } | undefined;
  private lastCapabilities: { source: object; json: string; value: Record<string, unknown> } | undefined;

  private sameServerInfo(info: { name: string; version: string } | undefined): SessionInfo['serverInfo'] {
    if (info === undefined) return undefined;
    const last = this.lastServerInfo;
    const bounded = boundedServerInfo(info);
    if (last?.name === bounded.name && last.version === bounded.version) return last;
    this.lastServerInfo = bounded;
    return this.lastServerInfo;
  }

  private sameCapabilities(capabilities: object | undefined): SessionInfo['capabilities'] {
    if (capabilities === undefined) return undefined;
    const last = this.lastCapabilities;
    if (last?.source === capabilities) return last.value;
    const json = JSON.stringify(capabilities);
    if (last?.json === json) {
      last.source = capabilities;
      return last.value;
    }
    this.lastCapabilities = { source: capabilities, json, value: boundedCapabilities(capabilities, json) };
    return this.lastCapabilities.value;
  }

  era(): ProtocolEra {
    return this.client?.getProtocolEra() === 'modern' ? 'modern' : 'legacy';
  }

  /**
   * On the legacy era, lets the SDK `Client` go once the handshake and the tool count are done:
   * from then on `probe()` pings over the transport directly (see bare-ping.ts), and `info()`
   * reports what the handshake said. The modern era keeps its `Client` (`server/discover` needs
   * its era codec). Idempotent.
   *
   * With `perPing` (Streamable HTTP: the session is its id), the handshake's transport is closed
   * too, which ends its standing GET stream if the server opened one, but not the session, and
   * each ping gets a transport of the session of its own from `perPing`.
   */
  release(perPing?: SessionTransports): void {
    const handshake = this.transport;
    if (this.client === undefined || handshake === undefined || !this.alive || this.era() !== 'legacy')
      return;
    const info = this.info();
    this.client.onclose = undefined;
    this.client.onerror = undefined;
    this.client = undefined;
    if (perPing === undefined) {
      this.released = { info, ping: new BarePing(handshake, this) };
      return;
    }
    const source = { maker: perPing, sessionId: handshake.sessionId, protocolVersion: info.protocolVersion };
    this.released = { info, ping: new BarePing(source, this) };
    this.transport = undefined;
    handshake.onclose = undefined;
    handshake.onmessage = undefined;
    handshake.onerror = undefined;
    void handshake.close().catch(() => undefined);
  }

  /** Errors the transport reports out of band, handed to `onError`. */
  reportError(error: Error): void {
    try {
      this.onError?.(error, this);
    } catch {
      // Observers must not break the session.
    }
  }

  /** The session's transport; once released per ping, a fresh unstarted one that knows the session id. */
  sessionTransport(): Transport | undefined {
    return this.transport ?? this.released?.ping.sessionTransport();
  }

  method(): ProbeSuccess['method'] {
    return this.era() === 'modern' ? 'server/discover' : 'ping';
  }

  /** Sends the era's health request; resolves with its round trip in ms. */
  async probe(deadline: Deadline): Promise<number> {
    const { client, released } = this;
    const started = performance.now();
    if (released !== undefined) {
      await released.ping.ping(deadline);
    } else if (client !== undefined) {
      const options = { timeout: Math.max(1, Math.round(deadline.remaining())), signal: deadline.signal };
      if (this.era() === 'modern') await deadline.race(client.discover(options));
      else await deadline.race(client.ping(options));
    }
    return performance.now() - started;
  }

  /**
   * Counts tools once, when the server has the tools capability (tool-count.ts); failures leave
   * it undefined and are logged, as is a count that stopped short.
   */
  async loadToolCount(deadline: Deadline, log: LogRing): Promise<void> {
    const { client, transport } = this;
    if (client?.getServerCapabilities()?.tools === undefined || transport === undefined) return;
    if (deadline.remaining() < 1) return;
    const version = client.getNegotiatedProtocolVersion();
    const meta =
      this.era() === 'modern'
        ? {
            [PROTOCOL_VERSION_META_KEY]: version,
            [CLIENT_INFO_META_KEY]: CLIENT_INFO,
            [CLIENT_CAPABILITIES_META_KEY]: {},
          }
        : undefined;
    try {
      const { count, complete } = await countTools(transport, meta, deadline);
      this.toolCount = count;
      if (!complete)
        log.push(
          'supervisor',
          count >= MAX_COUNTED_TOOLS
            ? `the server lists ${MAX_COUNTED_TOOLS} tools or more: the count stops there`
            : `tools counted on the first ${MAX_PAGES} pages only: ${count}`,
        );
    } catch (error) {
      // Not part of the health verdict.
      const { reason } = describeError(error, { timeoutMs: deadline.timeoutMs });
      log.push('supervisor', `tools not counted: ${reason}`);
    }
  }

  async close(): Promise<void> {
    this.alive = false;
    await closeQuietly(this.client, this.transport);
  }
}

/** Closes a client and its transport, swallowing errors, within a bounded time. */
export async function closeQuietly(
  client: Client | undefined,
  transport: Transport | undefined,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 2000);
  });
  const work = (async () => {
    await client?.close().catch(() => undefined);
    await transport?.close().catch(() => undefined);
  })();
  await Promise.race([work, bound]).finally(() => clearTimeout(timer));
}
