import { openSession } from '../mcp/open-session.js';
import { DEFAULT_PROBE_OPTIONS } from '../mcp/probe-options.js';
import { type ProbeTarget } from '../model/probe.js';

interface CheckOptions {
  sse?: boolean;
  header?: string[];
  timeout: string;
  json?: boolean;
}

function targetFrom(args: string[], opts: CheckOptions): ProbeTarget {
  const [first, ...rest] = args;
  if (!first) throw new Error('give a URL, or -- and a command: mcp-health check http://127.0.0.1:3000/mcp');
  if (/^https?:\/\//i.test(first) && rest.length === 0) {
    const headers: Record<string, string> = {};
    for (const h of opts.header ?? []) {
      const i = h.indexOf(':');
      if (i <= 0) throw new Error(`--header "${h}" must look like "Name: value"`);
      headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    return { transport: opts.sse ? 'sse' : 'streamable-http', url: first, headers };
  }
  return { transport: 'stdio', command: first, args: rest, env: {} };
}

/** A Streamable HTTP probe that failed the way a legacy SSE endpoint makes it fail. */
function looksLikeSse(url: string, reason: string): boolean {
  return (
    /\/sse\/?(\?|$)/i.test(new URL(url).pathname) || /text\/event-stream|HTTP 405|HTTP 404/i.test(reason)
  );
}

/** `mcp-health check`: one probe, printed; exit code 0 when it answered, 1 when not. */
export async function runCheck(args: string[], opts: CheckOptions): Promise<number> {
  const timeoutS = Number(opts.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0)
    throw new Error('--timeout must be a positive number of seconds');
  const target = targetFrom(args, opts);
  // One check: a stdio server that exits is not started again (nor said to be).
  const session = openSession(target, {}, { ...DEFAULT_PROBE_OPTIONS, restartStdio: false });
  try {
    const result = await session.check(timeoutS * 1000);
    if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (result.ok) {
      const info = result.serverInfo
        ? `${result.serverInfo.name} ${result.serverInfo.version}`
        : 'unnamed server';
      process.stdout.write(
        [
          `OK    ${info}`,
          `      protocol ${result.protocolVersion ?? '?'} (${result.era} era), probe ${result.method} ${result.latencyMs.toFixed(1)} ms` +
            (result.connectMs !== undefined ? `, connect ${result.connectMs.toFixed(1)} ms` : ''),
          `      tools: ${result.toolCount ?? 'n/a'}; capabilities: ${Object.keys(result.capabilities ?? {}).join(', ') || 'none'}`,
        ].join('\n') + '\n',
      );
    } else {
      process.stdout.write(`FAIL  ${result.reason} [${result.kind}]\n`);
      if (!opts.sse && 'url' in target && looksLikeSse(target.url, result.reason))
        process.stdout.write('      this looks like a legacy HTTP+SSE endpoint: try again with --sse\n');
    }
    if (!result.ok && !opts.json) {
      const tail = session.recentLogs().slice(-10);
      if (tail.length)
        process.stdout.write(`      last output:\n${tail.map((l) => `        ${l.line}`).join('\n')}\n`);
    }
    return result.ok ? 0 : 1;
  } finally {
    await session.close();
  }
}
