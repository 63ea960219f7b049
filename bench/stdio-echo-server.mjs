// The stdio MCP server of the stdio proxy comparison (gateway-stdio.ts): the v2 server SDK with
// one trivial tool, `echo`, so that the server's own work per call is as small and as steady as an
// SDK server's can be. Plain JavaScript, run by plain node: no loader in the children the proxies
// spawn (some spawn one per session).
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

serveStdio(() => {
  const server = new McpServer({ name: 'bench-stdio-echo', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echoes the message', inputSchema: z.object({ message: z.string() }) },
    ({ message }) => ({ content: [{ type: 'text', text: message }] }),
  );
  return server;
});
