/**
 * One monitor per SQLite data folder (issue 16, "SQLite stays single"): a second `serve` on the
 * same folder refuses to start with a message saying who holds it and what to do; the lock is
 * the kernel's, so a monitor killed with SIGKILL leaves nothing behind to clean up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cliPath, serveConfig } from './helpers/cli.js';
import { freePort } from './helpers/everything.js';

function serve(file: string): {
  child: ChildProcess;
  exited: Promise<{ status: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, 'serve', '--config', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ status: number | null; stderr: string }>((resolve) =>
    child.on('exit', (status) => resolve({ status, stderr })),
  );
  return { child, exited };
}

async function ready(base: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 600 && !gone; i++) {
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`monitor at ${base} did not start`);
}

/** A second config on its own port over the same data folder as `file`'s. */
async function beside(file: string): Promise<{ file: string; base: string }> {
  const port = await freePort();
  const second = join(dirname(file), 'second.yaml');
  writeFileSync(second, [`port: ${port}`, `data_dir: ${join(dirname(file), 'data')}`].join('\n'));
  return { file: second, base: `http://127.0.0.1:${port}` };
}

test('a second monitor on the same SQLite data folder refuses to start, naming the holder; SIGKILL frees it', async () => {
  const first = await serveConfig([]);
  const a = serve(first.file);
  try {
    await ready(first.base, a.exited);
    const second = await beside(first.file);

    const refused = await serve(second.file).exited;
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      new RegExp(`another mcp-health \\(pid ${a.child.pid}, since [0-9T:.-]+Z\\)`),
    );
    assert.match(refused.stderr, /give this one its own data_dir/);
    assert.match(refused.stderr, /database_url/);
    assert.doesNotMatch(refused.stderr, /SQLITE_BUSY|at .*\.ts:\d+/);
    // The first one was not disturbed.
    assert.equal((await fetch(`${first.base}/healthz`)).status, 200);

    a.child.kill('SIGKILL');
    await a.exited;
    const b = serve(second.file);
    try {
      await ready(second.base, b.exited);
    } finally {
      b.child.kill('SIGTERM');
      await b.exited;
    }
  } finally {
    a.child.kill('SIGKILL');
    await a.exited;
  }
});
