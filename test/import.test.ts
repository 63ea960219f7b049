/**
 * Import from the MCP client config files people already have (issue 17, point 6): Claude
 * Desktop, Cursor, Claude Code's .mcp.json and VS Code's mcp.json; env values and headers kept
 * secret; one bad entry never stops the others; through the API and the CLI.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMcpJson } from '../src/servers/import/mcp-json.js';
import { cliPath } from './helpers/cli.js';
import { everythingEntry, startEverythingHttp, type EverythingHttp } from './helpers/everything.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';

const claudeDesktop = (http: string) =>
  JSON.stringify({
    mcpServers: {
      everything: {
        command: process.execPath,
        args: [everythingEntry(), 'stdio'],
        env: { EVERYTHING_API_KEY: 'sk-live-0123456789', LOG_LEVEL: 'info' },
      },
      'everything over http': { url: http, headers: { Authorization: 'Bearer abc-secret-123' } },
      broken: { args: ['no command here'] },
    },
  });

const vscode = `{
  // VS Code's .vscode/mcp.json: comments, trailing commas, inputs
  "inputs": [{ "type": "promptString", "id": "api-key", "description": "API key", "password": true }],
  "servers": {
    "github": {
      "type": "http",
      "url": "https://api.githubcopilot.com/mcp/",
      "headers": { "Authorization": "Bearer \${input:api-key}" },
    },
    "local": { "type": "stdio", "command": "node", "args": ["server.js", "a,}"], "envFile": "\${workspaceFolder}/.env" },
    "legacy": { "type": "sse", "url": "http://127.0.0.1:9/events" },
  },
}`;

describe('reading MCP client config files', () => {
  test('Claude Desktop and Cursor (mcpServers): stdio by command, HTTP by url, /sse urls as SSE, env secret', () => {
    const file = readMcpJson(
      JSON.stringify({
        mcpServers: {
          files: {
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv'],
            env: { TOKEN: 't' },
          },
          remote: { url: 'https://mcp.example.com/mcp', headers: { 'X-Api-Key': 'k' } },
          old: { url: 'https://mcp.example.com/sse' },
          off: { command: 'x', disabled: true },
        },
      }),
    );
    assert.equal(file.format, 'mcpServers');
    const [files, remote, old, off] = file.servers;
    assert.deepEqual(files?.body, {
      name: 'files',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv'],
      env: { TOKEN: { value: 't', secret: true } },
    });
    assert.deepEqual(remote?.body, {
      name: 'remote',
      transport: 'streamable-http',
      url: 'https://mcp.example.com/mcp',
      headers: { 'X-Api-Key': 'k' },
    });
    assert.equal(old?.body.transport, 'sse');
    assert.equal(off?.body.enabled, false);
    assert.deepEqual(
      file.servers.map((s) => s.warnings),
      [[], [], [], []],
    );
  });

  test('Claude Code (.mcp.json, mcpServers with type)', () => {
    const file = readMcpJson(
      JSON.stringify({ mcpServers: { api: { type: 'sse', url: 'http://127.0.0.1:9/stream' } } }),
    );
    assert.equal(file.servers[0]?.body.transport, 'sse');
  });

  test('VS Code (servers, JSONC): types honoured, strings untouched, ${input:…} and envFile said per server', () => {
    const file = readMcpJson(vscode);
    assert.equal(file.format, 'vscode');
    const [github, local, legacy] = file.servers;
    assert.equal(github?.body.transport, 'streamable-http');
    assert.match(github?.warnings.join('\n') ?? '', /\$\{input:api-key\} is a value the client fills in/);
    assert.deepEqual(local?.body.args, ['server.js', 'a,}']);
    assert.match(local?.warnings.join('\n') ?? '', /envFile .* is not read/);
    assert.equal(legacy?.body.transport, 'sse');
  });

  test('what is not a client config says so, naming the field', () => {
    assert.throws(() => readMcpJson('{ nope'), { field: 'content', message: /not JSON/ });
    assert.throws(() => readMcpJson('{"other": {}}'), { field: 'content', message: /mcpServers.*servers/ });
  });
});

const kinds = await storeKinds();
for (const kind of kinds) {
  describe(`POST /api/v1/servers/import (${kind})`, () => {
    let h: Harness;
    let http: EverythingHttp;
    before(async () => {
      http = await startEverythingHttp();
      h = await startHarness({ kind, settings: { health_check_interval: 1 } });
    });
    after(async () => {
      await h.destroy();
      await http.stop();
    });
    const post = (payload: object) =>
      h.app.inject({ method: 'POST', url: '/api/v1/servers/import', payload });

    test('a dry run checks every server and saves nothing; then the import makes real, healthy servers', async () => {
      const content = claudeDesktop(http.url);
      const dry = await post({ content, dry_run: true });
      assert.equal(dry.statusCode, 200, dry.body);
      assert.deepEqual(
        dry.json().servers.map((s: { name: string; result: string }) => [s.name, s.result]),
        [
          ['everything', 'would_create'],
          ['everything over http', 'would_create'],
          ['broken', 'invalid'],
        ],
      );
      assert.equal(h.monitor.registry.list().length, 0);

      const done = (await post({ content })).json();
      assert.equal(done.format, 'mcpServers');
      const broken = done.servers.find((s: { name: string }) => s.name === 'broken');
      assert.equal(broken.result, 'invalid');
      assert.ok(
        broken.error.fields.some((f: { field: string }) => f.field === 'command'),
        JSON.stringify(broken.error),
      );
      const ids = done.servers
        .filter((s: { result: string }) => s.result === 'created')
        .map((s: { id: string }) => s.id);
      assert.deepEqual(ids, ['everything', 'everything-over-http']);
      for (const id of ids)
        await waitFor(`${id} healthy`, () => h.monitor.registry.get(id).state.status === 'healthy', 30_000);

      // Secrets stay secret: not in the API's answers, not in the logs.
      const stdio = (await h.app.inject({ method: 'GET', url: '/api/v1/servers/everything' })).body;
      const remote = (await h.app.inject({ method: 'GET', url: '/api/v1/servers/everything-over-http' }))
        .body;
      assert.doesNotMatch(stdio + remote, /sk-live-0123456789|abc-secret-123/);
      assert.doesNotMatch(h.logLines.join('\n'), /sk-live-0123456789|abc-secret-123/);

      // Again: existing names are left as they are.
      const again = (await post({ content })).json();
      assert.deepEqual(
        again.servers.map((s: { result: string; id: string | null }) => [s.result, s.id]),
        [
          ['exists', 'everything'],
          ['exists', 'everything-over-http'],
          ['invalid', null],
        ],
      );
    });

    test('a file that is not a client config is a 400 naming body.content', async () => {
      const r = await post({ content: '{"hello": 1}' });
      assert.equal(r.statusCode, 400);
      assert.equal(r.json().error.details.fields[0].field, 'body.content');
    });
  });
}

describe('stdio servers from the API refused: the import says so per server', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ settings: { allow_stdio_servers_from_api: false } });
  });
  after(() => h.destroy());
  test('the stdio entry is invalid, the HTTP one is imported', async () => {
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/v1/servers/import',
      payload: { content: claudeDesktop('http://127.0.0.1:9/mcp') },
    });
    const [stdio, remote] = r.json().servers;
    assert.equal(stdio.result, 'invalid');
    assert.match(stdio.error.message, /allow_stdio_servers_from_api/);
    assert.equal(remote.result, 'created');
  });
});

describe('mcp-health import', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ listen: true });
  });
  after(() => h.destroy());
  test('prints what became of each server; --dry-run saves nothing; exit 1 when one is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-health-import-'));
    const file = join(dir, 'mcp.json');
    writeFileSync(file, vscode);
    // Not spawnSync: the monitor answering the CLI runs in this process.
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [
          '--import',
          'tsx',
          cliPath,
          'import',
          file,
          '--url',
          h.url,
          ...args,
        ]);
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('exit', (status) => resolve({ status, stdout, stderr }));
      });
    const dry = await run('--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^github: would create\n {2}note: \$\{input:api-key\} is a value/m);
    assert.match(dry.stdout, /dry run: nothing saved; 3 of 3 servers would be imported \(vscode format\)/);
    assert.equal(h.monitor.registry.list().length, 0);

    const real = await run();
    assert.equal(real.status, 0, real.stderr);
    assert.match(real.stdout, /3 of 3 servers imported/);
    assert.deepEqual(
      h.monitor.registry
        .list()
        .map((s) => s.id)
        .sort(),
      ['github', 'legacy', 'local'],
    );

    writeFileSync(file, JSON.stringify({ mcpServers: { nothing: {} } }));
    const bad = await run();
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /nothing: invalid: /);
  });
});
