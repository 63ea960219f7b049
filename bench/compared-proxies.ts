import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The npm MCP proxies the gateway is compared with, at pinned versions, installed on first use
 * into bench/.proxies (git-ignored) rather than kept as devDependencies: mcp-proxy pulls in
 * pipenet, which declares Node ≥ 22, and `npm ci` on the Node 20 the project promises would warn
 * (test/engines.test.ts). Only the bench needs them. Both go in one install (a package.json of
 * their own there), so that installing one never prunes the other.
 */
const VERSIONS = { supergateway: '4.0.0', 'mcp-proxy': '6.7.19' } as const;
const DIR = join(import.meta.dirname, '.proxies');

export function comparedProxyBin(pkg: keyof typeof VERSIONS, bin: string): string {
  const path = join(DIR, 'node_modules', pkg, bin);
  if (!existsSync(path)) {
    process.stderr.write(
      `bench: installing ${Object.keys(VERSIONS).join(' and ')} into bench/.proxies (once)\n`,
    );
    mkdirSync(DIR, { recursive: true });
    writeFileSync(
      join(DIR, 'package.json'),
      JSON.stringify({ private: true, dependencies: VERSIONS }, null, 2),
    );
    const r = spawnSync(
      'npm',
      ['install', '--prefix', DIR, '--no-audit', '--no-fund', '--loglevel', 'error'],
      {
        stdio: 'inherit',
      },
    );
    if (r.status !== 0 || !existsSync(path))
      throw new Error(`bench: could not install ${pkg}@${VERSIONS[pkg]}`);
  }
  return path;
}
