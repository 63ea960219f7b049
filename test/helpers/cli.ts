import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './everything.js';

/** The CLI's entry, run from source with tsx by the tests. */
export const cliPath = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

/** A config file for `mcp-health serve` on a free port and a fresh data folder, plus the given lines. */
export async function serveConfig(lines: string[]): Promise<{ file: string; base: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-health-cli-'));
  const port = await freePort();
  const file = join(dir, 'config.yaml');
  writeFileSync(file, [`port: ${port}`, `data_dir: ${join(dir, 'data')}`, ...lines].join('\n'));
  return { file, base: `http://127.0.0.1:${port}` };
}
