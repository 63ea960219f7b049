/**
 * docs/SECURITY.md lists every route with the least role it needs; this test makes that table
 * from the routes as registered and fails when the page differs, printing the table it expects.
 * After adding routes: `npm run security-table` rewrites the page's table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { startHarness } from './helpers/harness.js';

const PAGE = join(import.meta.dirname, '..', 'docs', 'SECURITY.md');
const START = '<!-- route-roles:start (npm run security-table) -->';
const END = '<!-- route-roles:end -->';

test('docs/SECURITY.md lists every registered route with its least role', async () => {
  const h = await startHarness();
  try {
    const rows = h.routes
      .filter((r) => / \/(api\/|metrics$|healthz$|readyz$)/.test(r))
      .sort((a, b) => a.split(' ')[1]?.localeCompare(b.split(' ')[1] ?? '') || a.localeCompare(b))
      .map((r) => {
        const [method, path] = r.split(' ');
        const access = h.access.get(r);
        const who =
          access === 'open'
            ? 'anyone'
            : access === 'live'
              ? `${h.roles.get(r)} (token or session)`
              : h.roles.get(r);
        return `| ${method} | \`${path}\` | ${who} |`;
      });
    const table = [
      START,
      '',
      '| method | route | least role |',
      '| --- | --- | --- |',
      ...rows,
      '',
      END,
    ].join('\n');
    const page = readFileSync(PAGE, 'utf8');
    const from = page.indexOf(START);
    const to = page.indexOf(END);
    assert.ok(from >= 0 && to > from, `docs/SECURITY.md has the markers ${START} … ${END}`);
    // The page as it should be, formatted as `npm run verify` wants it.
    const options = (await prettier.resolveConfig(PAGE)) ?? {};
    const expected = await prettier.format(page.slice(0, from) + table + page.slice(to + END.length), {
      ...options,
      filepath: PAGE,
    });
    if (process.env.UPDATE_SECURITY_TABLE === '1' && expected !== page) {
      writeFileSync(PAGE, expected);
      return;
    }
    const section = (text: string) => text.slice(text.indexOf(START), text.indexOf(END) + END.length);
    assert.equal(
      section(page),
      section(expected),
      `docs/SECURITY.md's route table is out of date: run npm run security-table. Expected:\n${section(expected)}`,
    );
  } finally {
    await h.destroy();
  }
});
