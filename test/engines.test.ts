/**
 * Issue 18 point 9: `npm ci` on Node 20 warned EBADENGINE for two dependencies that need
 * Node ≥ 22. Every package the lock file installs must accept the Node version that
 * package.json's `engines` promises (and this one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const root = join(import.meta.dirname, '..');
const read = (file: string): unknown => JSON.parse(readFileSync(join(root, file), 'utf8'));

test('every locked package runs on the Node versions package.json promises', () => {
  const promised = (read('package.json') as { engines: { node: string } }).engines.node;
  // The lowest version of each line promised (`^20.19.0 || >=24` → 20.19.0 and 24.0.0), and this one.
  const versions = promised.split('||').map((part) => semver.minVersion(part)?.version ?? part);
  versions.push(process.version);
  const lock = read('package-lock.json') as {
    packages: Record<string, { version?: string; engines?: unknown }>;
  };
  const refusing = Object.entries(lock.packages).flatMap(([path, pkg]) => {
    const engines = pkg.engines as { node?: unknown } | undefined;
    const range = typeof engines?.node === 'string' ? engines.node : undefined;
    if (range === undefined || path === '') return [];
    const ok = versions.every((v) => semver.satisfies(v, range));
    return ok ? [] : [`${path}@${pkg.version ?? '?'} needs node ${range}`];
  });
  assert.deepEqual(refusing, []);
});
