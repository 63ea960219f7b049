import { setTimeout as sleep } from 'node:timers/promises';
import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

export interface DemoToolOptions {
  /** When it returns a message, every tool call fails with that message (`isError: true`). */
  failure?: () => string | undefined;
}

const MAX_SLOW_MS = 60_000;

/** Registers the small tool set the demo servers share: `echo`, `add`, `slow`. */
export function registerDemoTools(server: McpServer, opts: DemoToolOptions = {}): void {
  const failed = (): { isError: true; content: { type: 'text'; text: string }[] } | undefined => {
    const message = opts.failure?.();
    return message === undefined ? undefined : { isError: true, content: [{ type: 'text', text: message }] };
  };

  server.registerTool(
    'echo',
    { description: 'Echoes the given text back.', inputSchema: z.object({ text: z.string() }) },
    ({ text }) => failed() ?? { content: [{ type: 'text', text }] },
  );

  server.registerTool(
    'add',
    {
      description: 'Adds two numbers.',
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      outputSchema: z.object({ sum: z.number() }),
    },
    ({ a, b }) =>
      failed() ?? { content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } },
  );

  server.registerTool(
    'slow',
    {
      description: 'Sleeps for `ms` milliseconds (at most 60 s), then answers.',
      inputSchema: z.object({ ms: z.number().int().min(0).max(MAX_SLOW_MS) }),
    },
    async ({ ms }) => {
      await sleep(ms);
      return failed() ?? { content: [{ type: 'text', text: `slept ${ms} ms` }] };
    },
  );
}
