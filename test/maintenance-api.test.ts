import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unusedPortUrl } from './fixtures/fault-servers/http-faults.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { webhookReceiver, type Hook } from './helpers/alert-rig.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();
const MIN = 60_000;

interface WindowView {
  id: number;
  title: string;
  active: boolean;
  source: string;
  occurrence: { starts_at: string; ends_at: string } | null;
}

for (const kind of kinds)
  describe(`maintenance API (${kind})`, () => {
    let h: Harness;
    let hook: Hook;
    before(async () => {
      hook = await webhookReceiver();
      h = await startHarness({
        kind,
        settings: {
          maintenance: [
            {
              title: 'Nightly backup',
              tags: ['db'],
              starts_at: '2027-01-04T02:30:00',
              duration_minutes: 30,
              recurrence: { rrule: 'FREQ=DAILY' },
              time_zone: 'Europe/Berlin',
            },
          ],
        },
      });
    });
    after(async () => {
      await h.destroy();
      await hook.close();
    });

    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
      h.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    const fields = (r: { json: () => { error: { details: { fields: { field: string }[] } } } }) =>
      r.json().error.details.fields.map((f) => f.field);

    test('windows: create, read, change, delete; bad input names the field; config windows are read-only', async () => {
      const list = (await api('GET', '/api/v1/maintenance')).json<{ maintenance: WindowView[] }>()
        .maintenance;
      const nightly = list.find((w) => w.title === 'Nightly backup');
      assert.equal(nightly?.source, 'config');
      assert.ok(nightly.occurrence, 'a recurring window has a next occurrence');
      assert.equal((await api('PATCH', `/api/v1/maintenance/${nightly.id}`, { title: 'x' })).statusCode, 409);
      assert.equal((await api('DELETE', `/api/v1/maintenance/${nightly.id}`)).statusCode, 409);

      const both = await api('POST', '/api/v1/maintenance', {
        title: 'x',
        servers: ['a'],
        tags: ['b'],
        starts_at: new Date().toISOString(),
        duration_minutes: 5,
      });
      assert.equal(both.statusCode, 400);
      assert.deepEqual(fields(both), ['servers']);
      const badRule = await api('POST', '/api/v1/maintenance', {
        title: 'x',
        servers: ['a'],
        starts_at: new Date().toISOString(),
        duration_minutes: 5,
        recurrence: { rrule: 'FREQ=HOURLY' },
        time_zone: 'Mars/Olympus',
      });
      assert.equal(badRule.statusCode, 400);
      assert.deepEqual(fields(badRule), ['time_zone']);
      const badRecurrence = await api('POST', '/api/v1/maintenance', {
        title: 'x',
        servers: ['a'],
        starts_at: new Date().toISOString(),
        ends_at: new Date(Date.now() + MIN).toISOString(),
        recurrence: { rrule: 'FREQ=HOURLY' },
      });
      assert.equal(badRecurrence.statusCode, 400);
      assert.deepEqual(fields(badRecurrence), ['recurrence.rrule']);

      const made = await api('POST', '/api/v1/maintenance', {
        title: 'Upgrade',
        servers: ['somewhere'],
        starts_at: new Date(Date.now() + 60 * MIN).toISOString(),
        ends_at: new Date(Date.now() + 90 * MIN).toISOString(),
      });
      assert.equal(made.statusCode, 201, made.body);
      const w = made.json<WindowView & { duration_minutes: number; by: string }>();
      assert.equal(w.duration_minutes, 30);
      assert.equal(w.active, false);
      const changed = await api('PATCH', `/api/v1/maintenance/${w.id}`, {
        title: 'Upgrade to v2',
        duration_minutes: 45,
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(changed.json<WindowView>().title, 'Upgrade to v2');
      assert.equal(
        (await api('GET', `/api/v1/maintenance/${w.id}`)).json<{ duration_minutes: number }>()
          .duration_minutes,
        45,
      );
      assert.equal((await api('DELETE', `/api/v1/maintenance/${w.id}`)).statusCode, 204);
      assert.equal((await api('GET', `/api/v1/maintenance/${w.id}`)).statusCode, 404);
    });

    test('during a window: notifications held back and recorded with the window, the server shows it, checks go on; after it, the alert goes out', async () => {
      const channel = await api('POST', '/api/v1/alerts/channels', {
        name: 'hook',
        kind: 'webhook',
        config: { url: hook.url, retries: 0 },
      });
      assert.equal(channel.statusCode, 201, channel.body);
      const rule = await api('POST', '/api/v1/alerts/rules', {
        name: 'Down',
        metric: 'status_offline',
        condition: 'eq',
        threshold: 1,
        channels: [channel.json<{ id: number }>().id],
        group_wait: 0,
      });
      assert.equal(rule.statusCode, 201, rule.body);
      const window = await api('POST', '/api/v1/maintenance', {
        title: 'Planned move',
        tags: ['moving'],
        starts_at: new Date(Date.now() - MIN).toISOString(),
        duration_minutes: 120,
      });
      assert.equal(window.statusCode, 201, window.body);
      const windowId = window.json<WindowView>().id;
      assert.equal(window.json<WindowView>().active, true);
      const add = async (name: string, tags: string[]) => {
        const { url } = await unusedPortUrl();
        const r = await api('POST', '/api/v1/servers', {
          name,
          transport: 'streamable-http',
          url,
          tags,
          health_check_interval: 1,
        });
        assert.equal(r.statusCode, 201, r.body);
        return r.json<{ id: string }>().id;
      };
      const moving = await add('Moving', ['moving']);
      const other = await add('Other', []);
      // The server outside the window alerts: the evaluation ran for both.
      await waitFor('the other server alerting', () => hook.got.some((m) => m.server.id === other));
      const history = async () =>
        (await api('GET', `/api/v1/alerts/history?server=${moving}`)).json<{ history: { id: number }[] }>()
          .history;
      const entry = await waitFor('the moving server firing', async () => (await history())[0]);
      const detail = await waitFor('its notification held back', async () => {
        const d = (await api('GET', `/api/v1/alerts/history/${entry.id}`)).json<{
          notifications: { outcome: string; maintenance_id: number | null; notification: string }[];
        }>();
        return d.notifications.length > 0 ? d : undefined;
      });
      assert.deepEqual(
        detail.notifications.map((n) => [n.notification, n.outcome, n.maintenance_id]),
        [['firing', 'suppressed', windowId]],
      );
      assert.ok(!hook.got.some((m) => m.server.id === moving), 'nothing sent for the server in maintenance');
      const view = (await api('GET', `/api/v1/servers/${moving}`)).json<{
        status: string;
        maintenance: { title: string; until: string } | null;
        consecutive_failures: number;
      }>();
      assert.equal(view.maintenance?.title, 'Planned move');
      assert.equal(view.status, 'offline', 'checks go on: the status is what they find');
      const failures = view.consecutive_failures;
      await waitFor('a later check', async () => {
        const again = (await api('GET', `/api/v1/servers/${moving}`)).json<{
          consecutive_failures: number;
        }>();
        return again.consecutive_failures > failures;
      });
      assert.equal(
        (await api('GET', `/api/v1/servers/${other}`)).json<{ maintenance: null }>().maintenance,
        null,
      );

      // The window ends early (deleted): the still-failing server is reported then.
      assert.equal((await api('DELETE', `/api/v1/maintenance/${windowId}`)).statusCode, 204);
      await h.monitor.alerts.evaluateNow();
      await waitFor('the held-back alert going out', () =>
        hook.got.some((m) => m.server.id === moving && m.state === 'firing'),
      );
    });
  });
