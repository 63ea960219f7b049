/** `POST /api/v1/servers/import`: the servers of an MCP client's config file, and what became of each. */
import { z } from 'zod';

export const importBody = z.strictObject({
  /** The file's text: Claude Desktop / Cursor / Claude Code (`mcpServers`) or VS Code (`servers`), JSON with comments allowed. */
  content: z
    .string()
    .min(1)
    .max(512 * 1024),
  /** Check every server and say what would happen, saving nothing. */
  dry_run: z.boolean().default(false),
});
export type ImportBody = z.input<typeof importBody>;

export const importOutcome = z.object({
  name: z.string(),
  result: z.enum(['created', 'would_create', 'exists', 'invalid']),
  id: z.string().nullable(),
  error: z
    .object({ message: z.string(), fields: z.array(z.object({ field: z.string(), message: z.string() })) })
    .nullable(),
  /** What could not be carried over (`${input:…}` values, `envFile`): set by hand after importing. */
  warnings: z.array(z.string()),
});
export type ImportOutcome = z.infer<typeof importOutcome>;

export const importReport = z.object({
  format: z.enum(['mcpServers', 'vscode']),
  servers: z.array(importOutcome),
});
export type ImportReport = z.infer<typeof importReport>;
