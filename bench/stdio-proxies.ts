// The four HTTP → stdio proxies of the stdio comparison (gateway-stdio.ts), each a process of its
// own in front of the same stdio server (stdio-echo-server.mjs), each listening on loopback
// (supergateway has no host setting and listens on every interface, for the bench's minutes).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/everything.js';
import { comparedProxyBin } from './compared-proxies.js';

/** The paths, in the order of the table: the floor first, the gateway last. */
export const STDIO_PATHS = ['bridge', 'supergateway', 'mcpProxy', 'gateway'] as const;
export type StdioPathName = (typeof STDIO_PATHS)[number];

export interface RunningProxy {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
/** The stdio server every proxy runs: plain node, no loader. */
const SERVER = [process.execPath, here('./stdio-echo-server.mjs')];
const STARTUP_MS = 30_000;

/** Resolves with the first stdout line matching `pattern`, or rejects if the process ends first. */
function lineOf(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${String(pattern)} within ${STARTUP_MS} ms`)),
      STARTUP_MS,
    );
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = pattern.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before ${String(pattern)}: ${out}`)));
  });
}

/** Waits until the port takes an HTTP request (any answer will do). */
async function answering(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the proxy exited (${child.exitCode})`);
    const up = await fetch(url, { method: 'GET' }).then(
      () => true,
      () => false,
    );
    if (up) return;
    if (Date.now() > deadline) throw new Error(`${url}: not answering after ${STARTUP_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopper(child: ChildProcess, after?: () => void): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    after?.();
  };
}

const quoted = (args: string[]): string => args.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');

async function supergateway(): Promise<RunningProxy> {
  const port = await freePort();
  // --stateful: a child per session, as the gateway does. Without it every POST spawns a new
  // server process (a stateless exchange), which measures process start-up, not proxying.
  const args = [
    ...['--stdio', quoted(SERVER), '--outputTransport', 'streamableHttp', '--stateful'],
    ...['--port', String(port), '--logLevel', 'none'],
  ];
  const child = spawn(process.execPath, [comparedProxyBin('supergateway', 'dist/index.js'), ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/mcp`;
  await answering(url, child);
  return { url, pid: child.pid, stop: stopper(child) };
}

async function mcpProxy(): Promise<RunningProxy> {
  const port = await freePort();
  const args = ['--host', '127.0.0.1', '--port', String(port), '--', ...SERVER];
  const child = spawn(process.execPath, [comparedProxyBin('mcp-proxy', 'dist/bin/mcp-proxy.mjs'), ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/mcp`;
  await answering(url, child);
  return { url, pid: child.pid, stop: stopper(child) };
}

async function bridge(): Promise<RunningProxy> {
  const child = spawn(process.execPath, ['--import', 'tsx', here('./stdio-bridge.ts'), '0', ...SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const m = await lineOf(child, /^listening (\S+)$/m);
  return { url: m[1] ?? '', pid: child.pid, stop: stopper(child) };
}

/** The monitor (monitor-process.ts) with the server as its one stdio server; `profileDir`: --cpu-prof there. */
async function gateway(profileDir: string | undefined): Promise<RunningProxy> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-health-bench-stdio-'));
  const config = {
    data_dir: dataDir,
    log_level: 'warn',
    port: 0,
    servers: [
      {
        name: 'echo',
        transport: 'stdio',
        command: SERVER[0],
        args: SERVER.slice(1),
        health_check_interval: 3600,
      },
    ],
  };
  const profile = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', here('./monitor-process.ts'), JSON.stringify(config)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const m = await lineOf(child, /^listening (\S+)$/m);
  const cleanUp = (): void => rmSync(dataDir, { recursive: true, force: true });
  return { url: `${m[1] ?? ''}/mcp/echo`, pid: child.pid, stop: stopper(child, cleanUp) };
}

export async function startStdioProxies(options: {
  profileDir?: string;
}): Promise<Record<StdioPathName, RunningProxy>> {
  const started: RunningProxy[] = [];
  const keep = async (p: Promise<RunningProxy>): Promise<RunningProxy> => {
    const proxy = await p;
    started.push(proxy);
    return proxy;
  };
  try {
    return {
      bridge: await keep(bridge()),
      supergateway: await keep(supergateway()),
      mcpProxy: await keep(mcpProxy()),
      gateway: await keep(gateway(options.profileDir)),
    };
  } catch (error) {
    await Promise.all(started.map((p) => p.stop()));
    throw error;
  }
}
