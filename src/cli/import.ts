import { readFileSync } from 'node:fs';

export interface ImportOptions {
  url: string;
  token?: string | undefined;
  dryRun?: boolean;
}

interface Outcome {
  name: string;
  result: string;
  id: string | null;
  error: { message: string } | null;
  warnings: string[];
}

/**
 * `mcp-health import <file>`: sends an MCP client's config file to a running monitor's import
 * route (so the same checks apply as in the dashboard) and prints, per server, what became of it.
 * Exit code 1 when any server was not imported (invalid), 0 otherwise.
 */
export async function runImport(file: string, options: ImportOptions): Promise<number> {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const token = options.token ?? process.env.MCP_HEALTH_API_TOKEN;
  const url = `${options.url.replace(/\/+$/, '')}/api/v1/servers/import`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ content, dry_run: options.dryRun ?? false }),
  }).catch((err: unknown) => {
    throw new Error(`cannot reach the monitor at ${options.url} (--url): ${(err as Error).message}`);
  });
  const answer = (await res.json().catch(() => null)) as {
    format?: string;
    servers?: Outcome[];
    error?: { message?: string };
  } | null;
  if (res.status === 401) throw new Error('the monitor asks for a token: --token or MCP_HEALTH_API_TOKEN');
  if (!res.ok || !answer?.servers)
    throw new Error(answer?.error?.message ?? `the monitor answered HTTP ${res.status}`);
  const lines = answer.servers.map((s) => {
    const what = s.error ? `${s.result}: ${s.error.message}` : s.result.replace('_', ' ');
    return [`${s.name}: ${what}`, ...s.warnings.map((w) => `  note: ${w}`)].join('\n');
  });
  const done = answer.servers.filter((s) => s.result === 'created' || s.result === 'would_create').length;
  process.stdout.write(
    `${lines.join('\n')}\n${options.dryRun ? 'dry run: nothing saved; ' : ''}${done} of ${answer.servers.length} servers ${options.dryRun ? 'would be ' : ''}imported (${answer.format} format)\n`,
  );
  return answer.servers.some((s) => s.result === 'invalid') ? 1 : 0;
}
