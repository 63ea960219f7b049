import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The entry script of the real `@modelcontextprotocol/server-everything`. */
export function everythingEntry(): string {
  const pkgPath = require.resolve('@modelcontextprotocol/server-everything/package.json');
  const pkg = require(pkgPath) as { bin: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : (Object.values(pkg.bin)[0] ?? 'dist/index.js');
  return join(dirname(pkgPath), bin);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

export interface EverythingHttp {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Real server-everything over Streamable HTTP on a port of its own. */
export async function startEverythingHttp(port?: number): Promise<EverythingHttp> {
  const p = port ?? (await freePort());
  const child = spawn(process.execPath, [everythingEntry(), 'streamableHttp'], {
    env: { ...process.env, PORT: String(p) },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const deadline = Date.now() + 20_000;
  while (!(await accepts(p))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('server-everything did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${p}/mcp`,
    port: p,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }),
  };
}
