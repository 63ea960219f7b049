import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { registerDemoTools } from './demo-tools.js';
import { envPort, isMainModule, runStandalone, safeListener, startHttpHost } from './http-host.js';

export interface ModernServerOptions {
  /** 0 or absent: an ephemeral port. */
  port?: number;
  host?: '127.0.0.1';
}

export interface RunningDemoServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:4100/mcp`. */
  url: string;
  close(): Promise<void>;
}

export const MODERN_SERVER_NAME = 'demo-modern';

/**
 * A modern-era (2026-07-28) MCP server on the v2 SDK over Streamable HTTP at `/mcp`. It also
 * answers 2025-era clients through the SDK's stateless legacy fallback.
 */
export async function startModernServer(opts: ModernServerOptions = {}): Promise<RunningDemoServer> {
  const handler = createMcpHandler(() => {
    const server = new McpServer(
      { name: MODERN_SERVER_NAME, version: '1.0.0' },
      { instructions: 'Demo modern-era server for mcp-health: echo, add, slow.' },
    );
    registerDemoTools(server);
    return server;
  });
  const serve = toNodeHandler(handler);
  const host = await startHttpHost(
    safeListener(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/mcp') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      await serve(req, res);
    }),
    opts.port ?? 0,
    opts.host ?? '127.0.0.1',
  );
  return {
    url: `http://${host.host}:${host.port}/mcp`,
    async close() {
      await host.close();
      await handler.close();
    },
  };
}

if (isMainModule(import.meta.url)) {
  await runStandalone(() => startModernServer({ port: envPort() }));
}
