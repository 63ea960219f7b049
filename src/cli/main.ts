#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { applyHeapGrowth } from '../checker/heap-growth.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { addSettingFlags, settingFlags } from './flags.js';
import { serve } from './serve.js';
import { runCheck } from './check.js';
import { runDemo } from './demo.js';
import { runImport } from './import.js';
import { runRotateSecretKey } from './rotate-secret-key.js';
import { usersAdd, usersList, usersRemove, usersSetPassword } from './users.js';

applyHeapGrowth();

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command()
  .name('mcp-health')
  .description('Self-hosted, real-time health monitor and dashboard for MCP servers')
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError();

addSettingFlags(
  program.command('serve').description('run the monitor and dashboard for the servers of your config'),
).action(async (opts: Record<string, unknown>) => {
  const config = loadConfig({ file: opts.config as string | undefined, flags: settingFlags(opts) });
  const running = await serve(config);
  process.stderr.write(
    `mcp-health: dashboard and API at ${running.url} (${config.servers.length} servers from config)\n`,
  );
});

addSettingFlags(
  program.command('demo').description('run the monitor with a demo fleet of real MCP servers on loopback'),
).action(async (opts: Record<string, unknown>) => {
  await runDemo(opts.config as string | undefined, settingFlags(opts));
});

addSettingFlags(
  program
    .command('rotate-secret-key')
    .description(
      're-encrypt the secrets in the store with a new key (stop the monitor first; with secret_key set, the new key comes from MCP_HEALTH_NEW_SECRET_KEY)',
    ),
).action(async (opts: Record<string, unknown>) => {
  await runRotateSecretKey(
    loadConfig({ file: opts.config as string | undefined, flags: settingFlags(opts) }),
  );
});

program
  .command('check')
  .description('probe one server once and print what it found')
  .argument('[target...]', 'a URL, or -- followed by a command and its arguments (stdio)')
  .option('--sse', 'the URL is a legacy HTTP+SSE endpoint')
  .option('-H, --header <header...>', 'an HTTP header, "Name: value"')
  .option('-t, --timeout <seconds>', 'give up after this many seconds', '5')
  .option('--json', 'print the result as JSON')
  .action(
    async (target: string[], opts: { sse?: boolean; header?: string[]; timeout: string; json?: boolean }) => {
      process.exitCode = await runCheck(target, opts);
    },
  );

program
  .command('import')
  .description(
    "add the servers of an MCP client's config file (Claude Desktop, Cursor, Claude Code's .mcp.json, VS Code's mcp.json) to a running monitor; env values and headers are kept secret",
  )
  .argument('<file>', 'the config file, e.g. ~/Library/Application Support/Claude/claude_desktop_config.json')
  .option('--url <url>', "the monitor's address", 'http://127.0.0.1:8080')
  .option('--token <token>', "the monitor's api_token (or MCP_HEALTH_API_TOKEN)")
  .option('--dry-run', 'check every server and say what would happen, saving nothing')
  .action(async (file: string, opts: { url: string; token?: string; dryRun?: boolean }) => {
    process.exitCode = await runImport(file, opts);
  });

const users = program
  .command('users')
  .description('users who sign in to the dashboard and API (DESIGN §12): add the first admin here');
const configOf = (opts: Record<string, unknown>) =>
  loadConfig({ file: opts.config as string | undefined, flags: settingFlags(opts) });
addSettingFlags(
  users
    .command('add')
    .description('add a user; the password is asked for, or read from stdin')
    .argument('<name>', 'the user name')
    .option('--role <role>', 'admin, operator or viewer', 'viewer'),
).action(async (name: string, opts: Record<string, unknown>) => {
  await usersAdd(configOf(opts), name, String(opts.role));
});
addSettingFlags(users.command('list').description('list the users and their roles')).action(
  async (opts: Record<string, unknown>) => {
    await usersList(configOf(opts));
  },
);
addSettingFlags(
  users
    .command('remove')
    .description('remove a user (never the last admin)')
    .argument('<name>', 'the user name'),
).action(async (name: string, opts: Record<string, unknown>) => {
  await usersRemove(configOf(opts), name);
});
addSettingFlags(
  users
    .command('set-password')
    .description("set a user's password (asked for, or read from stdin); their sessions end")
    .argument('<name>', 'the user name'),
).action(async (name: string, opts: Record<string, unknown>) => {
  await usersSetPassword(configOf(opts), name);
});

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`mcp-health: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`mcp-health: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
