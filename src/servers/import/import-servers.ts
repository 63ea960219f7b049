import { AppError } from '../../shared/errors.js';
import type { Registry } from '../registry.js';
import { readMcpJson, type McpJsonFormat } from './mcp-json.js';

/** What became of one server of an imported file. */
export interface ImportOutcome {
  name: string;
  /** `would_create` on a dry run; `exists`: a server of that name is there already (left as it is). */
  result: 'created' | 'would_create' | 'exists' | 'invalid';
  id: string | null;
  /** Why it was not imported; `fields` as a 400 would name them (`env.API_KEY`, `url`). */
  error: { message: string; fields: { field: string; message: string }[] } | null;
  warnings: string[];
}

export interface ImportReport {
  format: McpJsonFormat;
  servers: ImportOutcome[];
}

/**
 * Imports the servers of an MCP client config file (`mcp-json.ts`), each as `POST
 * /api/v1/servers` would make it — one bad entry never stops the others, an existing name is
 * never overwritten. A dry run checks everything and saves nothing.
 */
export async function importServers(
  registry: Registry,
  text: string,
  options: { dryRun: boolean; actor: string; mayRunCommands?: boolean },
): Promise<ImportReport> {
  const file = readMcpJson(text);
  const servers: ImportOutcome[] = [];
  for (const c of file.servers) {
    const base = { name: c.name, warnings: c.warnings };
    try {
      const may = options.mayRunCommands ?? true;
      const record = options.dryRun
        ? registry.vet(c.body, may)
        : await registry.create(c.body, options.actor, may);
      servers.push({
        ...base,
        result: options.dryRun ? 'would_create' : 'created',
        id: record.id,
        error: null,
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const exists = err.code === 'conflict';
      servers.push({
        ...base,
        result: exists ? 'exists' : 'invalid',
        id: exists
          ? (registry.list().find((s) => s.name.toLowerCase() === c.name.toLowerCase())?.id ?? null)
          : null,
        error: { message: err.message, fields: fieldsOf(err.details) },
      });
    }
  }
  return { format: file.format, servers };
}

function fieldsOf(details: unknown): { field: string; message: string }[] {
  const fields = (details as { fields?: unknown } | undefined)?.fields;
  return Array.isArray(fields) ? (fields as { field: string; message: string }[]) : [];
}
