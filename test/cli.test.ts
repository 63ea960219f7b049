import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cliPath, serveConfig } from './helpers/cli.js';
import { everythingEntry } from './helpers/everything.js';
import { waitFor } from './helpers/harness.js';
import { isAlive } from './helpers/processes.js';
import { startModernServer } from './fixtures/sdk-servers/modern-http-server.js';

const cli = cliPath;
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });

/** Like `run`, without blocking this process's event loop (which serves the fixture servers). */
const runAsync = (args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });

test('a bad setting stops start-up with a message naming the key', () => {
  const r = run(['serve', '--port', '8080'], { MCP_HEALTH_HEALTH_CHECK_TIMEOUT: 'soon' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /health_check_timeout \(from MCP_HEALTH_HEALTH_CHECK_TIMEOUT\)/);
});

test('check: one probe of a URL and of a command, printed', async () => {
  const modern = await startModernServer({ name: 'cli-fixture' });
  try {
    const ok = await runAsync(['check', modern.url]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^OK {4}cli-fixture 1\.2\.3/m);
    assert.match(ok.stdout, /protocol 2026-07-28 \(modern era\), probe server\/discover/);
  } finally {
    await modern.close();
  }
  const stdio = run(['check', '--json', '--', process.execPath, everythingEntry(), 'stdio']);
  assert.equal(stdio.status, 0, stdio.stdout + stdio.stderr);
  const result = JSON.parse(stdio.stdout);
  assert.equal(result.ok, true);
  assert.equal(result.serverInfo.name, 'mcp-servers/everything');
  const missing = run(['check', '--', 'mcp-health-no-such-command']);
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /^FAIL/);
});

test('serve: SIGTERM stops the monitor and the stdio servers it launched, flushing checks', async () => {
  const { file, base } = await serveConfig([
    'servers:',
    '  - name: child',
    '    transport: stdio',
    `    command: ${JSON.stringify(process.execPath)}`,
    `    args: [${JSON.stringify(everythingEntry())}, stdio]`,
    '    health_check_interval: 1',
  ]);
  const proc = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: { msg?: string }[] = [];
  createInterface({ input: proc.stdout }).on('line', (l) => {
    try {
      logs.push(JSON.parse(l));
    } catch {
      // not a log line
    }
  });
  const server = await waitFor(
    'a healthy check',
    async () => {
      const res = await fetch(`${base}/api/v1/servers/child`).catch(() => undefined);
      const s = res?.ok ? ((await res.json()) as { status: string }) : undefined;
      return s?.status === 'healthy' ? s : undefined;
    },
    30_000,
  );
  assert.ok(server);
  const pidLine = await waitFor('the child pid in the logs', async () => {
    const res = await fetch(`${base}/api/v1/servers/child/logs`);
    const body = (await res.json()) as { logs: { line: string }[] };
    return body.logs.map((l) => /pid (\d+)/.exec(l.line)?.[1]).find(Boolean);
  });
  const childPid = Number(pidLine);
  assert.ok(isAlive(childPid));
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  assert.equal(await exit, 0);
  await waitFor('the stdio child gone', () => !isAlive(childPid), 5000);
  assert.ok(
    logs.some((l) => l.msg === 'stopped'),
    'logged its shutdown',
  );
});
