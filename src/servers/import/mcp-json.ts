/**
 * The MCP client config files people already have, read as server definitions: Claude Desktop
 * and Cursor (`mcpServers`), Claude Code's `.mcp.json` (`mcpServers` with `type`), VS Code
 * (`servers`, with `inputs`). Every env value and header becomes a secret (these files hold API
 * keys); what cannot be carried over (VS Code's `${input:…}` prompts, `envFile`) is said per
 * server, never dropped silently.
 */

export type McpJsonFormat = 'mcpServers' | 'vscode';

/** One server of the file, as a body for `POST /api/v1/servers`, and what the reader noticed. */
export interface ImportCandidate {
  name: string;
  body: Record<string, unknown>;
  warnings: string[];
}

export interface McpJson {
  format: McpJsonFormat;
  servers: ImportCandidate[];
}

/** Why a file cannot be read as an MCP client config; `field` names where. */
export class McpJsonError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a file's text (JSON with comments and trailing commas, as VS Code writes it). */
export function readMcpJson(text: string): McpJson {
  let doc: unknown;
  try {
    doc = JSON.parse(withoutComments(text));
  } catch (err) {
    throw new McpJsonError(`not JSON: ${(err as Error).message}`, 'content');
  }
  if (!isRecord(doc)) throw new McpJsonError('expected a JSON object', 'content');
  const [format, entries] = isRecord(doc.mcpServers)
    ? (['mcpServers', doc.mcpServers] as const)
    : isRecord(doc.servers)
      ? (['vscode', doc.servers] as const)
      : isRecord(doc.mcp) && isRecord(doc.mcp.servers)
        ? (['vscode', doc.mcp.servers] as const) // VS Code's settings.json
        : [null, null];
  if (!format)
    throw new McpJsonError(
      'no servers found: expected "mcpServers" (Claude Desktop, Cursor, Claude Code) or "servers" (VS Code)',
      'content',
    );
  const servers = Object.entries(entries).map(([name, entry]) => candidate(name, entry));
  return { format, servers };
}

function candidate(name: string, entry: unknown): ImportCandidate {
  const warnings: string[] = [];
  if (!isRecord(entry)) return { name, body: { name }, warnings: ['not an object: nothing to import'] };
  const type = typeof entry.type === 'string' ? entry.type.toLowerCase() : undefined;
  const url =
    typeof entry.url === 'string'
      ? entry.url
      : typeof entry.serverUrl === 'string'
        ? entry.serverUrl
        : undefined;
  const body: Record<string, unknown> = { name };
  if (entry.disabled === true) body.enabled = false;
  if (url !== undefined || type === 'http' || type === 'sse' || type === 'streamable-http') {
    // A URL without a type: SSE when its path ends in /sse (the old convention), else Streamable HTTP.
    body.transport =
      type === 'sse' || (type === undefined && /\/sse\/?(\?|#|$)/.test(url ?? ''))
        ? 'sse'
        : 'streamable-http';
    body.url = url;
    if (isRecord(entry.headers)) body.headers = entry.headers;
  } else {
    body.transport = 'stdio';
    body.command = entry.command;
    if (Array.isArray(entry.args)) body.args = entry.args;
    if (typeof entry.cwd === 'string') body.cwd = entry.cwd;
    if (isRecord(entry.env))
      body.env = Object.fromEntries(
        Object.entries(entry.env).map(([k, v]) => [
          k,
          { value: typeof v === 'string' ? v : String(v), secret: true },
        ]),
      );
    if (typeof entry.envFile === 'string')
      warnings.push(`envFile ${entry.envFile} is not read: add its variables to env after importing`);
  }
  for (const text of placeholders(entry))
    warnings.push(`${text} is a value the client fills in: set it after importing`);
  return { name, body, warnings };
}

/** `${input:api-key}`, `${env:HOME}`, `${workspaceFolder}`: values only the client can fill in. */
function placeholders(entry: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(/\$\{[^}]+\}/g)) found.add(m[0]);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (isRecord(v)) Object.values(v).forEach(visit);
  };
  visit(entry);
  return [...found];
}

/** JSONC to JSON: comments and trailing commas out, strings untouched. */
function withoutComments(text: string): string {
  let out = '';
  let comma = false; // a comma seen, kept back until we know a value follows it
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (/\s/.test(c)) {
      out += c;
      continue;
    }
    if (comma && c !== '}' && c !== ']') out += ',';
    comma = c === ',';
    if (comma) continue;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else out += c;
  }
  return out;
}
