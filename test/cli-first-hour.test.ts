/**
 * Issue 18 point 8: the CLI a new user meets — --version, flags with their defaults, a hint to
 * try --sse, a one-off stdio check that does not talk of restarting, a clear message when the
 * port is taken, and log lines a person can read at a terminal (JSON otherwise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogOutput } from '../src/log-output.js';
import { cliPath, serveConfig } from './helpers/cli.js';
import { startEverything } from './fixtures/sdk-servers/everything.js';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', cliPath, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });

const runAsync = (args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });

test('--version prints the package version', () => {
  const version = (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  const r = run(['--version']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), version);
});

test('serve --help lists every setting flag with its default and its environment variable', () => {
  const r = run(['serve', '--help']);
  assert.equal(r.status, 0);
  assert.match(
    r.stdout,
    /--health-check-interval <value>\s+health check interval \(default: 30; also MCP_HEALTH_HEALTH_CHECK_INTERVAL\)/,
  );
  assert.match(r.stdout, /--port <value>\s+port \(default: 8080; also MCP_HEALTH_PORT\)/);
  assert.match(r.stdout, /--api-token <value>\s+api token \(no default; also MCP_HEALTH_API_TOKEN\)/);
  assert.match(r.stdout, /--insecure-no-auth \[value\]\s+insecure no auth \(default: false/);
});

test('check of a legacy SSE URL without --sse says to try --sse', async () => {
  const sse = await startEverything('sse');
  try {
    const r = await runAsync(['check', '--timeout', '5', sse.url]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^FAIL/m);
    assert.match(r.stdout, /try again with --sse/);
    const ok = await runAsync(['check', '--sse', sse.url]);
    assert.equal(ok.status, 0, ok.stdout);
  } finally {
    await sse.close();
  }
});

test('a one-off check of a stdio command that exits does not say it restarts', () => {
  const r = run([
    'check',
    '--timeout',
    '3',
    '--',
    process.execPath,
    '-e',
    'console.error("boom"); process.exit(4)',
  ]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^FAIL/m);
  assert.match(r.stdout, /boom/);
  assert.doesNotMatch(r.stdout, /restarting/);
});

test('a port in use: the message names --port and MCP_HEALTH_PORT', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    const { file } = await serveConfig([]);
    const r = await runAsync(['serve', '--config', file, '--port', String(port)]);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use.*--port <n> or MCP_HEALTH_PORT`),
    );
    assert.doesNotMatch(r.stderr, /EADDRINUSE/);
  } finally {
    blocker.close();
  }
});

test('log lines: human-readable at a terminal, JSON otherwise', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-health-log-'));
  const line = `${JSON.stringify({ level: 30, time: '2026-12-03T10:00:00.000Z', app: 'mcp-health', msg: 'listening', url: 'http://127.0.0.1:8080' })}\n`;
  for (const pretty of [true, false]) {
    const file = join(dir, `${pretty}.log`);
    const fd = openSync(file, 'w');
    const out = new LogOutput(fd, 1024 * 1024, pretty);
    out.write(line);
    await out.flush(2000);
    closeSync(fd);
    const text = readFileSync(file, 'utf8');
    if (pretty) {
      assert.match(text, /INFO.*listening/);
      assert.throws(() => JSON.parse(text));
    } else assert.deepEqual(JSON.parse(text), JSON.parse(line));
  }
});
