/**
 * Issue 15 point 6 in a real browser: sign in with a user name and password, the session cookie
 * (HttpOnly: the page's script cannot read it), CSRF (a change without the header is refused, the
 * dashboard's own changes carry it), the user menu, the users, tokens and audit pages, sign-out,
 * and a viewer who sees no button that would answer 403. Screenshots at desktop and phone widths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, openBrowser } from './helpers/browser.js';
import { startHarness } from './helpers/harness.js';
import { PASSWORD } from './helpers/teams.js';

const skip = browserSkip();

test('sign-in, CSRF, the team pages and a viewer’s dashboard', { skip }, async () => {
  const h = await startHarness({ listen: true });
  await h.monitor.users.add({ name: 'ada', role: 'admin', password: PASSWORD }, 'test');
  await h.monitor.users.add({ name: 'vic', role: 'viewer', password: PASSWORD }, 'test');
  await h.monitor.registry.create(
    {
      name: 'web-1',
      transport: 'streamable-http',
      url: 'http://127.0.0.1:9/mcp',
      health_check_interval: 3600,
    },
    'test',
  );
  const b = await openBrowser();
  const { page } = b;
  const signIn = async (name: string, password: string) => {
    await page.getByLabel('User name', { exact: true }).fill(name);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  try {
    await page.goto(`${h.url}/`);
    await page.getByRole('form', { name: 'Sign in with a password' }).waitFor();
    await b.screenshots('login');
    await signIn('ada', 'not the right password');
    await page.getByText('Wrong user name or password.').waitFor();
    await signIn('ada', PASSWORD);
    await page.getByTestId('user-name').waitFor();
    assert.equal(await page.getByTestId('user-name').textContent(), 'ada');
    assert.equal(await page.getByTestId('user-role').textContent(), 'admin');
    await page.getByRole('link', { name: 'web-1' }).first().waitFor();

    // The cookie is out of the page's reach; a change without the CSRF header is refused.
    assert.doesNotMatch(await page.evaluate(() => document.cookie), /mcp_health_session/);
    const forged = await page.evaluate(async () => {
      const r = await fetch('/api/v1/alerts/silences', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ server_id: 'web-1', ends_at: new Date(Date.now() + 3_600_000).toISOString() }),
      });
      return { status: r.status, body: await r.text() };
    });
    assert.equal(forged.status, 403, forged.body);
    assert.match(forged.body, /x-csrf-token/);

    // The dashboard's own change carries it: a token made on the Tokens page.
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByLabel('Name', { exact: true }).fill('ci');
    await page.getByRole('button', { name: 'Make token' }).click();
    const secret = await page.getByTestId('token-secret').textContent();
    assert.match(secret ?? '', /^mhp_/);
    await page.getByTestId('token-row').first().waitFor();
    await b.screenshots('tokens');
    const viaToken = await fetch(`${h.url}/api/v1/servers`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(viaToken.status, 200);

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByTestId('user-row').nth(1).waitFor();
    assert.equal(await page.getByTestId('user-row').count(), 2);
    await b.screenshots('users');
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByTestId('audit-row').first().waitFor();
    const audit = (await page.getByTestId('audit').textContent()) ?? '';
    assert.match(audit, /token\.create/);
    assert.match(audit, /login\.failed/);
    await b.screenshots('audit');

    await page.getByTestId('sign-out').click();
    await page.getByRole('form', { name: 'Sign in with a password' }).waitFor();
    const after = await fetch(`${h.url}/api/v1/servers`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(after.status, 200, 'signing out ends the session, not the tokens');

    // A viewer: no buttons that would answer 403, no admin pages in the menu.
    await signIn('vic', PASSWORD);
    await page.getByTestId('user-role').waitFor();
    assert.equal(await page.getByTestId('user-role').textContent(), 'viewer');
    await page.goto(`${h.url}/`);
    await page.getByRole('link', { name: 'web-1' }).first().waitFor();
    assert.equal(await page.getByRole('link', { name: /Add server/ }).isVisible(), false);
    assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Audit' }).count(), 0);
    await page.getByRole('link', { name: 'web-1' }).first().click();
    await page.getByRole('heading', { name: 'web-1' }).first().waitFor();
    assert.equal(await page.getByTestId('force-check').isVisible(), false);
    await b.screenshots('viewer-detail');
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('link', { name: /Rules/ }).first().click();
    await page.getByTestId('rule').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add rule' }).isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Delete' }).first().isVisible(), false);

    const unexpected = b.errors.filter((e) => !/status of (401|403)/.test(e));
    assert.deepEqual(unexpected, []);
  } finally {
    await b.close();
    await h.destroy();
  }
});
