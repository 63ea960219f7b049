import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load.js';

const tmpFile = (text: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'mcp-health-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
};

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
};

test('defaults are the seed defaults', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.health_check_interval, 30);
  assert.equal(c.metrics_collection_interval, 10);
  assert.equal(c.metrics_retention_days, 30);
  assert.equal(c.error_retention_days, 90);
  assert.equal(c.health_check_timeout, 5);
  assert.equal(c.health_check_retries, 3);
  assert.equal(c.response_time_warning_ms, 500);
  assert.equal(c.response_time_critical_ms, 1000);
  assert.equal(c.error_rate_warning_percent, 1);
  assert.equal(c.error_rate_critical_percent, 5);
  assert.equal(c.dashboard_refresh_interval, 5);
  assert.equal(c.max_timeline_points, 1000);
  assert.equal(c.port, 8080);
  assert.equal(c.host, '127.0.0.1');
  assert.deepEqual(c.servers, []);
});

test('file, then env, then flags: later wins', () => {
  const file = tmpFile('health_check_interval: 10\nhealth_check_timeout: 2\nport: 9000\n');
  const c = loadConfig({
    file,
    env: { MCP_HEALTH_HEALTH_CHECK_TIMEOUT: '3', MCP_HEALTH_PORT: '9001' },
    flags: { port: '9002' },
  });
  assert.equal(c.health_check_interval, 10);
  assert.equal(c.health_check_timeout, 3);
  assert.equal(c.port, 9002);
});

test('MCP_HEALTH_CONFIG names the file', () => {
  const file = tmpFile('max_timeline_points: 500\n');
  assert.equal(loadConfig({ env: { MCP_HEALTH_CONFIG: file } }).max_timeline_points, 500);
});

test('a bad value names the key and where it came from', () => {
  const env = { MCP_HEALTH_HEALTH_CHECK_INTERVAL: '-5' };
  const [problem] = problemsOf(() => loadConfig({ env }));
  assert.match(problem ?? '', /^health_check_interval \(from MCP_HEALTH_HEALTH_CHECK_INTERVAL\): .*>=1/);
  const [notNumber] = problemsOf(() => loadConfig({ env: {}, flags: { port: 'abc' } }));
  assert.match(notNumber ?? '', /^port \(from --port\): .*number/);
});

test('unknown keys, bad YAML and bad servers in the file are named', () => {
  assert.deepEqual(
    problemsOf(() => loadConfig({ env: {}, file: tmpFile('helth_check_interval: 5\n') })),
    ['helth_check_interval: unknown key'],
  );
  assert.match(
    problemsOf(() => loadConfig({ env: {}, file: tmpFile('a: [1,\n') }))[0] ?? '',
    /not valid YAML/,
  );
  const bad = tmpFile('servers:\n  - name: x\n    transport: streamable-http\n    url: not-a-url\n');
  assert.match(
    problemsOf(() => loadConfig({ env: {}, file: bad }))[0] ?? '',
    /^servers\.0\.url.*http\(s\) URL/,
  );
  const badTransport = tmpFile('servers:\n  - name: x\n    transport: carrier-pigeon\n');
  assert.match(
    problemsOf(() => loadConfig({ env: {}, file: badTransport }))[0] ?? '',
    /transport must be one of/,
  );
});

test('servers with per-server overrides', () => {
  const file = tmpFile(
    [
      'servers:',
      '  - name: local',
      '    transport: stdio',
      '    command: node',
      '    args: [server.js]',
      '    env: { TOKEN: { value: s3cret }, MODE: fast }',
      '    health_check_interval: 1',
      '    response_time_warning_ms: 100',
      '  - name: remote',
      '    transport: streamable-http',
      '    url: http://127.0.0.1:3000/mcp',
      '    headers: { Authorization: Bearer abc }',
      '    tags: [prod]',
    ].join('\n'),
  );
  const c = loadConfig({ env: {}, file });
  assert.equal(c.servers.length, 2);
  const [local, remote] = c.servers;
  assert.equal(local?.transport, 'stdio');
  assert.equal(local?.health_check_interval, 1);
  assert.deepEqual(remote?.tags, ['prod']);
  const dup = tmpFile(
    'servers:\n  - { name: a, transport: stdio, command: x }\n  - { name: A, transport: stdio, command: y }\n',
  );
  assert.match(problemsOf(() => loadConfig({ env: {}, file: dup }))[0] ?? '', /duplicate server name/);
});
