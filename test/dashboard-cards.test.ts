/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Callbacks of page.evaluate run in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEverythingHttp } from './helpers/everything.js';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness, waitFor } from './helpers/harness.js';
import { unusedPortUrl } from './fixtures/fault-servers/http-faults.js';

const skip = browserSkip();

/** Every line of every card, measured: nothing may be cut off or squeezed. */
const clipped = () =>
  [...document.querySelectorAll<HTMLElement>('[data-testid="server-card"]')].flatMap((card) => {
    const box = card.getBoundingClientRect();
    const problems: string[] = [];
    if (card.scrollHeight > card.clientHeight + 1)
      problems.push(`${card.dataset.server}: content ${card.scrollHeight} px in ${card.clientHeight} px`);
    for (const line of [...card.children] as HTMLElement[]) {
      const r = line.getBoundingClientRect();
      if (r.bottom > box.bottom - 4)
        problems.push(`${card.dataset.server}: .${line.className} cut at the bottom`);
      if (line.scrollHeight > line.clientHeight + 1)
        problems.push(
          `${card.dataset.server}: .${line.className} squeezed (${line.clientHeight} of ${line.scrollHeight} px)`,
        );
    }
    return problems;
  });

test(
  'server cards say why a server is Critical or Offline, and a firing alert cuts nothing off',
  { skip },
  async () => {
    const upstream = await startEverythingHttp();
    // Every answer is slower than 1 ms: the answering server is Critical, for a reason the card gives.
    const h = await startHarness({
      listen: true,
      settings: { alert_evaluation_interval: 1, response_time_warning_ms: 0.5, response_time_critical_ms: 1 },
    });
    const b = await openBrowser({ width: 1400 });
    try {
      const add = async (payload: Record<string, unknown>) => {
        const res = await h.app.inject({ method: 'POST', url: '/api/v1/servers', payload });
        assert.equal(res.statusCode, 201, res.body);
      };
      const tags = ['production', 'payments', 'eu-west-1', 'critical-path', 'team-checkout', 'pci'];
      const far = (await unusedPortUrl()).url.replace(/\/mcp$/, '/a/rather/long/path/to/the/mcp/endpoint');
      await add({ name: 'gone', transport: 'streamable-http', url: far, health_check_interval: 1, tags });
      await add({
        name: 'slowish',
        transport: 'streamable-http',
        url: upstream.url,
        health_check_interval: 1,
        tags,
      });
      const { page } = b;
      await page.goto(h.url);
      const card = (id: string) => page.locator(`[data-testid="server-card"][data-server="${id}"]`);
      await page.waitForSelector('[data-testid="server-card"][data-server="gone"][data-status="offline"]', {
        timeout: 30_000,
      });
      await page.waitForSelector(
        '[data-testid="server-card"][data-server="slowish"][data-status="critical"]',
        {
          timeout: 30_000,
        },
      );
      await card('gone').getByTestId('card-alert').waitFor({ timeout: 15_000 });

      for (const [id, reason] of [
        ['gone', /^\d+ consecutive failed checks: /],
        ['slowish', /^response time \d+ ms ≥ 1 ms$/],
      ] as const) {
        // The line is the server's status_reason, as the API gives it.
        await waitFor(`${id}'s reason on its card`, async () =>
          reason.test((await card(id).getByTestId('reason').textContent()) ?? ''),
        );
        const view = (await h.app.inject({ method: 'GET', url: `/api/v1/servers/${id}` })).json();
        assert.match(view.status_reason, reason);
      }
      assert.deepEqual(await page.evaluate(clipped), []);
      assert.ok(await card('gone').getByText('production').isVisible(), 'its tags still show');
      await b.screenshots('cards-firing');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(200);
      assert.deepEqual(await page.evaluate(clipped), [], 'on a phone too');
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await h.destroy();
      await upstream.stop();
    }
  },
);
