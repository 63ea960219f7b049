#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ (or the files and folders named) with Node's own test
// runner (Node 20 has no --test globs).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'fixtures' ? [] : find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The newest modification time under a folder (the dashboard's sources), 0 when absent. */
function newest(dir) {
  try {
    return Math.max(
      0,
      ...readdirSync(dir).map((name) => {
        const path = join(dir, name);
        const st = statSync(path);
        return st.isDirectory() ? newest(path) : st.mtimeMs;
      }),
    );
  } catch {
    return 0;
  }
}

// The browser tests load the built dashboard: build it when its sources are newer than the build.
const built = newest('dist/web');
if (built === 0 || newest('web') > built) {
  const vite = spawnSync('npm', ['run', 'build:web', '--silent'], { stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}

// Arguments: test files, or folders whose *.test.ts files to run; none: every test.
const only = process.argv.slice(2).flatMap((path) => {
  try {
    return statSync(path).isDirectory() ? find(path).sort() : [path];
  } catch {
    console.error(`scripts/test.mjs: no such test file or folder: ${path}`);
    process.exit(2);
  }
});
if (process.argv.length > 2 && only.length === 0) {
  console.error(`scripts/test.mjs: no *.test.ts under ${process.argv.slice(2).join(', ')}`);
  process.exit(2);
}
const files = only.length ? only : [...find('src'), ...find('test')].sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
