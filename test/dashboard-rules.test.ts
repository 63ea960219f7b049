import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness } from './helpers/harness.js';

const skip = browserSkip();

/** A rule's fields as given (not its id, source or times). */
const input = (r: Rule) => ({
  name: r.name,
  description: r.description,
  metric: r.metric,
  condition: r.condition,
  threshold: r.threshold,
  evaluation_period: r.evaluation_period,
  servers: r.servers,
  severity: r.severity,
  channels: r.channels,
  repeat_interval: r.repeat_interval,
});

interface Rule {
  id: number;
  name: string;
  metric: string;
  condition: string;
  threshold: number;
  evaluation_period: number;
  servers: string[] | null;
  severity: string;
  channels: number[];
  repeat_interval: number | null;
  description: string | null;
}

test(
  'alert rules in the dashboard: the same input saves the same rule, one default with the API, edit an API rule, config rules read-only',
  { skip },
  async () => {
    const h = await startHarness({
      listen: true,
      settings: {
        alert_rules: [{ name: 'From the file', metric: 'error_rate', condition: 'gt', threshold: 10 }],
      },
    });
    const b = await openBrowser({ width: 1400 });
    try {
      const rules = async (): Promise<Rule[]> =>
        (await h.app.inject({ method: 'GET', url: '/api/v1/alerts/rules' })).json().rules;
      const byName = async (name: string) => {
        const r = (await rules()).find((x) => x.name === name);
        assert.ok(r, `rule ${name}`);
        return r;
      };
      const { page } = b;
      await page.goto(`${h.url}/alerts/rules`);
      const form = page.getByTestId('rule-new');
      await form.waitFor();

      // Two identical inputs (the unit and severity left as they are) give two identical rules.
      for (const name of ['Slow one', 'Slow two']) {
        await form.getByLabel('Name', { exact: true }).fill(name);
        await form.getByLabel('Threshold in ms').fill('500');
        await form.getByLabel('For (evaluation period', { exact: false }).fill('5');
        await form.getByRole('button', { name: 'Add rule' }).click();
        await form
          .getByText(`Added: Response time (average) > 500 ms, for 5 minutes, on all servers`)
          .waitFor();
        assert.equal(
          await form.getByLabel('Name', { exact: true }).inputValue(),
          '',
          'the form starts again',
        );
      }
      const one = await byName('Slow one');
      const first = input(one);
      const second = input(await byName('Slow two'));
      assert.deepEqual({ ...second, name: 'Slow one' }, first);
      assert.deepEqual([first.evaluation_period, first.severity], [300, 'warning']);

      // The offline rule left at the form's default fires when the API's default does.
      await form.getByLabel('Name', { exact: true }).fill('Down');
      await form.getByLabel('When').selectOption('status_offline');
      await form.getByRole('button', { name: 'Add rule' }).click();
      await form.getByText('Added: Server is Offline, at once, on all servers').waitFor();
      const viaApi = await h.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/rules',
        payload: { name: 'Down via API', metric: 'status_offline', condition: 'eq', threshold: 1 },
      });
      assert.equal(viaApi.statusCode, 201, viaApi.body);
      const down = await byName('Down');
      assert.equal(down.evaluation_period, viaApi.json().evaluation_period);
      assert.equal(down.severity, viaApi.json().severity);

      // Edit: the form opens filled in with the rule as stored and saves with PATCH.
      const card = page.getByTestId('rule').filter({ hasText: 'Slow one' });
      await card.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByTestId('rule-edit');
      await edit.waitFor();
      assert.equal(await edit.getByLabel('Name', { exact: true }).inputValue(), 'Slow one');
      assert.equal(await edit.getByLabel('When').inputValue(), 'response_time_avg');
      assert.equal(await edit.getByLabel('Threshold in ms').inputValue(), '500');
      assert.equal(await edit.getByLabel('For (evaluation period', { exact: false }).inputValue(), '5');
      assert.equal(await edit.getByLabel('Unit of the evaluation period').inputValue(), '60');
      assert.equal(await edit.getByLabel('Severity').inputValue(), 'warning');
      await b.screenshots('rules-edit');
      await edit.getByLabel('Threshold in ms').fill('750');
      await edit.getByLabel('Severity').selectOption('critical');
      await edit.getByRole('button', { name: 'Save changes' }).click();
      await page
        .getByTestId('rule')
        .filter({ hasText: 'Slow one' })
        .getByText('Response time (average) > 750 ms, for 5 minutes, on all servers')
        .waitFor();
      const edited = await byName('Slow one');
      assert.deepEqual(input(edited), { ...first, threshold: 750, severity: 'critical' });
      assert.equal(await page.getByTestId('rule-edit').count(), 0, 'the form closes once saved');

      // A rule of the config file says where to change it and offers no edit.
      const fromFile = page.getByTestId('rule').filter({ hasText: 'From the file' });
      await fromFile.getByTestId('read-only').waitFor();
      assert.match(await fromFile.innerText(), /config file/);
      assert.equal(await fromFile.getByRole('button').count(), 0);
      await b.screenshots('rules');
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
      await h.destroy();
    }
  },
);
