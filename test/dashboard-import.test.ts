/** The Add-server page imports an MCP client's config file: checked first, then imported (issue 17, point 6). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { everythingEntry } from './helpers/everything.js';
import { startHarness, waitFor } from './helpers/harness.js';

const skip = browserSkip();

test(
  'import from claude_desktop_config.json: the list says what will happen, then the servers are added',
  { skip },
  async () => {
    const h = await startHarness({ listen: true, settings: { health_check_interval: 1 } });
    const b = await openBrowser();
    try {
      const file = join(mkdtempSync(join(tmpdir(), 'mcp-health-import-')), 'claude_desktop_config.json');
      writeFileSync(
        file,
        JSON.stringify({
          mcpServers: {
            everything: {
              command: process.execPath,
              args: [everythingEntry(), 'stdio'],
              env: { API_KEY: 'sk-123456' },
            },
            broken: { args: [] },
          },
        }),
      );
      const { page } = b;
      await page.goto(`${h.url}/servers/new`);
      await page.getByLabel('Choose a file').setInputFiles(file);
      const list = page.getByRole('list', { name: 'Servers in claude_desktop_config.json' });
      await list.waitFor();
      assert.match((await list.textContent()) ?? '', /everything: will be added.*broken: cannot be added/s);
      assert.equal(h.monitor.registry.list().length, 0, 'a dry run saves nothing');
      await b.screenshots('import-preview');

      await page.getByRole('button', { name: 'Import 1 server' }).click();
      await page.getByRole('link', { name: 'everything' }).waitFor();
      await waitFor(
        'imported server healthy',
        () => h.monitor.registry.get('everything').state.status === 'healthy',
        30_000,
      );
      await page.getByRole('link', { name: 'everything' }).click();
      await page.waitForURL(/\/servers\/everything$/);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await h.destroy();
    }
  },
);
