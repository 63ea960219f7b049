import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ManagedChild, type ChildRecipe } from './servers/managed-child.js';

/** A server the monitor should register, shaped like the server config input. */
export type DemoServerSpec =
  | { name: string; transport: 'stdio'; command: string; args: string[]; tags: string[] }
  | { name: string; transport: 'streamable-http' | 'sse'; url: string; tags: string[] };

export interface DemoFleetOptions {
  /**
   * First of four consecutive ports: everything-http, everything-sse, modern-v2, chaos.
   * Absent: free ports are picked.
   */
  basePort?: number;
  /** The chaos server's cycle length, ms (default 4 minutes). */
  chaosCycleMs?: number;
  /** How long each child may take to start accepting connections, ms. Default 20 s. */
  startTimeoutMs?: number;
}

export interface DemoProcess {
  name: string;
  pid: number | undefined;
  running: boolean;
  /** The child's last output lines (its stdout/stderr never reach ours). */
  recentOutput: string[];
}

export interface DemoFleet {
  servers: DemoServerSpec[];
  /** The spawned children (everything-stdio is launched by the monitor, not here). */
  processes(): DemoProcess[];
  /** Kill one child (by server name) and start it again on the same port. */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** The server-everything entry script, found through its package.json `bin` field. */
export function everythingBinPath(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('@modelcontextprotocol/server-everything/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin ?? {})[0];
  if (bin === undefined) throw new Error(`no bin entry in ${pkgPath}`);
  return join(dirname(pkgPath), bin);
}

const EXT = extname(fileURLToPath(import.meta.url));

/**
 * Node arguments before a child's script: tsx when we run from `src/` (.ts), nothing extra from
 * `dist/` (.js); plus the preload that makes the child exit when we die.
 */
function nodeArgs(script: string, ...rest: string[]): string[] {
  const preload = new URL(`./servers/exit-with-parent${EXT}`, import.meta.url).href;
  const tsx = EXT === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];
  return [...tsx, '--import', preload, script, ...rest];
}

function ownServerScript(module: 'modern-server' | 'chaos-server'): string {
  return fileURLToPath(new URL(`./servers/${module}${EXT}`, import.meta.url));
}

const PARENT_WATCH = { MCP_HEALTH_DEMO_PARENT_STDIN: '1' };

interface Member {
  spec: DemoServerSpec;
  /** Starts the child and resolves once it accepts connections. */
  launch(): Promise<ManagedChild>;
  child?: ManagedChild;
}

function everythingMember(
  name: string,
  mode: 'streamableHttp' | 'sse',
  port: number,
  timeoutMs: number,
): Member {
  const path = mode === 'sse' ? '/sse' : '/mcp';
  const recipe: ChildRecipe = {
    name,
    command: process.execPath,
    args: nodeArgs(everythingBinPath(), mode),
    env: { ...PARENT_WATCH, PORT: String(port) },
  };
  return {
    spec: {
      name,
      transport: mode === 'sse' ? 'sse' : 'streamable-http',
      url: `http://${HOST}:${port}${path}`,
      tags: ['demo', 'everything', 'legacy', mode === 'sse' ? 'sse' : 'http'],
    },
    async launch() {
      const child = new ManagedChild(recipe);
      await child.waitForPort(port, timeoutMs).catch(async (err: unknown) => {
        await child.stop();
        throw err;
      });
      return child;
    },
  };
}

function ownMember(
  name: string,
  module: 'modern-server' | 'chaos-server',
  port: number,
  tags: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): Member {
  const recipe: ChildRecipe = {
    name,
    command: process.execPath,
    args: nodeArgs(ownServerScript(module)),
    env: { ...env, ...PARENT_WATCH, PORT: String(port) },
  };
  return {
    spec: { name, transport: 'streamable-http', url: `http://${HOST}:${port}/mcp`, tags },
    async launch() {
      const child = new ManagedChild(recipe);
      await child.waitForLine(/^listening (\S+)$/, timeoutMs).catch(async (err: unknown) => {
        await child.stop();
        throw err;
      });
      return child;
    },
  };
}

/**
 * Starts the demo fleet on 127.0.0.1: server-everything over Streamable HTTP and legacy SSE, the
 * modern v2 server and the chaos server, each as its own child process. Returns the specs to
 * register, including server-everything over stdio (which the monitor launches itself).
 */
export async function startDemoFleet(opts: DemoFleetOptions = {}): Promise<DemoFleet> {
  const timeoutMs = opts.startTimeoutMs ?? 20_000;
  const picked = new Set<number>();
  const port = async (offset: number): Promise<number> => {
    if (opts.basePort !== undefined) return opts.basePort + offset;
    for (;;) {
      const p = await freePort(HOST);
      if (picked.has(p)) continue;
      picked.add(p);
      return p;
    }
  };
  const chaosEnv: Record<string, string> =
    opts.chaosCycleMs === undefined ? {} : { CHAOS_CYCLE_MS: String(opts.chaosCycleMs) };
  const members: Member[] = [
    everythingMember('everything-http', 'streamableHttp', await port(0), timeoutMs),
    everythingMember('everything-sse', 'sse', await port(1), timeoutMs),
    ownMember('modern-v2', 'modern-server', await port(2), ['demo', 'modern', 'v2-sdk'], timeoutMs),
    ownMember('chaos', 'chaos-server', await port(3), ['demo', 'chaos', 'v2-sdk'], timeoutMs, chaosEnv),
  ];

  const killAll = (): void => {
    for (const m of members) m.child?.killNow();
  };
  process.once('exit', killAll);
  const stop = async (): Promise<void> => {
    process.off('exit', killAll);
    await Promise.all(members.map((m) => m.child?.stop() ?? Promise.resolve()));
  };

  const results = await Promise.allSettled(
    members.map(async (m) => {
      m.child = await m.launch();
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    await stop();
    throw failed.reason;
  }

  const servers: DemoServerSpec[] = [
    {
      name: 'everything-stdio',
      transport: 'stdio',
      command: process.execPath,
      args: [everythingBinPath(), 'stdio'],
      tags: ['demo', 'everything', 'legacy', 'stdio'],
    },
    ...members.map((m) => m.spec),
  ];

  return {
    servers,
    processes: () =>
      members.map((m) => ({
        name: m.spec.name,
        pid: m.child?.pid,
        running: m.child?.running ?? false,
        recentOutput: m.child?.recentOutput() ?? [],
      })),
    async restart(name) {
      const member = members.find((m) => m.spec.name === name);
      if (member === undefined) throw new Error(`no demo process named ${name}`);
      await member.child?.stop();
      member.child = await member.launch();
    },
    stop,
  };
}
