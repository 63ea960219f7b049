// The floor of the stdio proxy comparison (gateway-stdio.ts): the least an HTTP → stdio bridge
// can do. An `initialize` POST without a session spawns the command and gets a session id; each
// POST's JSON-RPC message is written to that child's stdin as one line, and the stdout line with
// the same id is the answer (application/json); a notification gets 202; DELETE stops the child.
// What it does not do, and a real proxy must: validate or limit anything (size, JSON-RPC shape,
// Host/Origin), batches, SSE, server-to-client requests or notifications (dropped), progress,
// cancellation, timeouts, a child's death (its requests hang), idle sessions, records of calls.
// Usage: node --import tsx bench/stdio-bridge.ts <port> <command> [args...]; prints `listening <url>`.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { Readable, Writable } from 'node:stream';

interface Bridged {
  child: ChildProcessByStdio<Writable, Readable, null>;
  waiting: Map<unknown, ServerResponse>;
}

const [port = '0', command = 'node', ...args] = process.argv.slice(2);
const sessions = new Map<string, Bridged>();

function open(): Bridged {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const bridged: Bridged = { child, waiting: new Map() };
  let rest = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const id: unknown = (JSON.parse(line) as { id?: unknown }).id;
      const res = bridged.waiting.get(id);
      bridged.waiting.delete(id);
      res?.writeHead(200, { 'content-type': 'application/json' }).end(line);
    }
  });
  return bridged;
}

const server = createServer((req, res) => {
  const header = req.headers['mcp-session-id'];
  const sessionId = typeof header === 'string' ? header : randomUUID();
  if (req.method === 'DELETE') {
    sessions.get(sessionId)?.child.kill();
    sessions.delete(sessionId);
    return res.writeHead(200).end();
  }
  if (req.method !== 'POST') return res.writeHead(405).end();
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const message = JSON.parse(body) as { id?: unknown; method?: string };
    let bridged = sessions.get(sessionId);
    if (bridged === undefined && message.method === 'initialize') sessions.set(sessionId, (bridged = open()));
    if (bridged === undefined) return res.writeHead(404).end();
    res.setHeader('mcp-session-id', sessionId);
    if (message.id === undefined) res.writeHead(202).end();
    else bridged.waiting.set(message.id, res);
    bridged.child.stdin.write(`${body}\n`);
  });
});
server.listen(Number(port), '127.0.0.1', () => {
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`listening http://127.0.0.1:${bound}/mcp\n`);
});
process.on('SIGTERM', () => {
  for (const s of sessions.values()) s.child.kill();
  process.exit(0);
});
