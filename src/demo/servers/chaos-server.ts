import { setTimeout as sleep } from 'node:timers/promises';
import { createMcpHandler, McpServer, type McpHandlerRequestOptions } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  CHAOS_ERROR_RATE,
  chaosPositionAt,
  DEFAULT_CHAOS_CYCLE_MS,
  jitter,
  msUntilPhase,
  shouldFail,
  type ChaosPhase,
} from './chaos-schedule.js';
import { registerDemoTools } from './demo-tools.js';
import { envPort, isMainModule, runStandalone, safeListener, startHttpHost } from './http-host.js';

export { CHAOS_SCHEDULE, DEFAULT_CHAOS_CYCLE_MS, type ChaosPhase } from './chaos-schedule.js';

export interface ChaosServerOptions {
  /** 0 or absent: an ephemeral port (kept across down phases). */
  port?: number;
  /** Length of one full healthy → slow → very-slow → erroring → down cycle, ms. Default 4 minutes. */
  cycleMs?: number;
  /** Share of requests failing in the erroring phase (0–1). Default 0.8. */
  errorRate?: number;
  /** Called on every phase change (after the listener was closed or re-opened). */
  onPhaseChange?: (phase: ChaosPhase) => void;
}

export interface RunningChaosServer {
  url: string;
  port: number;
  /** The phase right now (by the clock, even between the tick and the listener change). */
  phase(): ChaosPhase;
  /** Time until `phase` next begins (0 when in it now), ms. */
  msUntil(phase: ChaosPhase): number;
  /** Requests received by the MCP endpoint so far. */
  requests(): number;
  close(): Promise<void>;
}

export const CHAOS_SERVER_NAME = 'demo-chaos';

interface JsonRpcCall {
  id: string | number;
  method: string;
}

async function readCall(request: Request): Promise<JsonRpcCall | undefined> {
  if (request.method !== 'POST') return undefined;
  const body: unknown = await request
    .clone()
    .json()
    .catch(() => undefined);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { id, method } = body as Record<string, unknown>;
  if ((typeof id !== 'string' && typeof id !== 'number') || typeof method !== 'string') return undefined;
  return { id, method };
}

/** Alternates between an HTTP 500 and an in-band JSON-RPC internal error. */
function injectedError(call: JsonRpcCall, counter: number): Response {
  const message = `chaos: injected failure for ${call.method}`;
  if (counter % 2 === 0)
    return new Response(message, { status: 500, headers: { 'content-type': 'text/plain' } });
  const body = { jsonrpc: '2.0', id: call.id, error: { code: -32603, message } };
  return Response.json(body, { status: 200 });
}

/**
 * An MCP server (v2 SDK, Streamable HTTP at `/mcp`, modern era plus the stateless legacy fallback)
 * whose health cycles deterministically through healthy, slow, very slow, erroring and down.
 * Latency is injected in front of the SDK handler, so it applies to every request including
 * `ping`, `server/discover` and `initialize`. In the down phase the listener is closed (new
 * connections are refused, open ones dropped) and re-opened on the same port afterwards.
 */
export async function startChaosServer(opts: ChaosServerOptions = {}): Promise<RunningChaosServer> {
  const cycleMs = opts.cycleMs ?? DEFAULT_CHAOS_CYCLE_MS;
  if (!(cycleMs >= 1_000)) throw new Error(`cycleMs must be at least 1000, got ${cycleMs}`);
  const errorRate = opts.errorRate ?? CHAOS_ERROR_RATE;
  const startedAt = performance.now();
  const elapsed = (): number => performance.now() - startedAt;
  const position = () => chaosPositionAt(elapsed(), cycleMs);
  const phase = (): ChaosPhase => position().spec.phase;
  let counter = 0;
  // Each erroring phase ships a new version just before it (the checker sees a deployment line up
  // with the spike); the odd versions bring a distinctive error of their own, so the second time
  // one goes out its incident finds the first, with the note people left on it (DESIGN §10).
  const releaseOffset = msUntilPhase(0, cycleMs, 'erroring');
  const release = (): number =>
    elapsed() < releaseOffset ? 0 : Math.floor((elapsed() - releaseOffset) / cycleMs) + 1;
  const failure = (): string | undefined => {
    if (phase() !== 'erroring') return undefined;
    const n = release();
    return n % 2 === 1
      ? `chaos 1.${n}.0: order cache read a record in the old schema (key ${(counter * 7919) % 100_000})`
      : 'chaos: tool failed (erroring phase)';
  };

  const handler = createMcpHandler(() => {
    const server = new McpServer({ name: CHAOS_SERVER_NAME, version: `1.${release()}.0` });
    registerDemoTools(server, { failure });
    return server;
  });

  const chaotic = {
    fetch: async (request: Request, options?: McpHandlerRequestOptions): Promise<Response> => {
      const n = counter++;
      const { spec } = position();
      if (spec.phase === 'down') return new Response('chaos: down', { status: 503 });
      if (spec.delayMs !== undefined) await sleep(jitter(n, spec.delayMs));
      if (spec.phase === 'erroring' && shouldFail(n, errorRate)) {
        const call = await readCall(request);
        if (call !== undefined) return injectedError(call, n);
      }
      return handler.fetch(request, options);
    },
  };
  const serve = toNodeHandler(chaotic);

  const host = await startHttpHost(
    safeListener(async (req, res) => {
      if ((req.url ?? '/').split('?')[0] !== '/mcp') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      await serve(req, res);
    }),
    opts.port ?? 0,
  );

  let closed = false;
  let lastPhase: ChaosPhase = phase();
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    const now = position();
    try {
      if (now.spec.phase === 'down') await host.pause();
      else await host.resume();
    } catch (err) {
      process.stderr.write(
        `chaos: listener change failed: ${err instanceof Error ? err.message : String(err)}\n`,
      );
    }
    if (closed) return;
    if (now.spec.phase !== lastPhase) {
      lastPhase = now.spec.phase;
      opts.onPhaseChange?.(lastPhase);
    }
    // Wake just after the next boundary; at least once a second to retry a failed re-listen.
    timer = setTimeout(() => void tick(), Math.min(position().leftMs + 5, 1_000));
    // While the listener is closed this timer is all that keeps a standalone process alive.
    if (host.isListening()) timer.unref();
  };
  await tick();

  return {
    url: `http://${host.host}:${host.port}/mcp`,
    port: host.port,
    phase,
    msUntil: (p) => msUntilPhase(elapsed(), cycleMs, p),
    requests: () => counter,
    async close() {
      closed = true;
      clearTimeout(timer);
      await host.close();
      await handler.close();
    },
  };
}

if (isMainModule(import.meta.url)) {
  const rawCycle = process.env.CHAOS_CYCLE_MS;
  const cycleMs = rawCycle === undefined || rawCycle === '' ? undefined : Number(rawCycle);
  await runStandalone(() =>
    startChaosServer({
      port: envPort(),
      cycleMs,
      onPhaseChange: (p) => process.stderr.write(`chaos: phase ${p}\n`),
    }),
  );
}
