import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unusedPortUrl } from './fixtures/fault-servers/http-faults.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { storeKinds } from './helpers/stores.js';

const kinds = await storeKinds();

interface Notification {
  id: number;
  at: string;
  title: string;
  read: boolean;
  history_id: number | null;
  message: { state: string; rule: { name: string }; server: { id: string }; metric?: string };
}

for (const kind of kinds)
  describe(`notifications API (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ kind, settings: { alert_evaluation_interval: 1 } });
    });
    after(() => h.destroy());

    const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      h.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    const list = async (): Promise<{ notifications: Notification[]; unread: number }> => {
      const res = await api('GET', '/api/v1/notifications');
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };

    test('every alert that fires or resolves is kept, newest first, with its read state, across a restart', async () => {
      assert.deepEqual(await list(), { notifications: [], unread: 0 });
      // The built-in "Server offline" rule names no channel: its alerts reach the bell all the same.
      const { url } = await unusedPortUrl();
      const made = await api('POST', '/api/v1/servers', {
        name: 'gone',
        transport: 'streamable-http',
        url,
        health_check_interval: 1,
      });
      assert.equal(made.statusCode, 201, made.body);
      const fired = await waitFor('a firing notification', async () =>
        (await list()).notifications.find((n) => n.message.state === 'firing'),
      );
      assert.equal(fired.read, false);
      assert.equal(fired.message.rule.name, 'Server offline');
      assert.equal(fired.message.server.id, 'gone');
      assert.match(fired.title, /FIRING.*Server offline.*gone/);
      const history = (await api('GET', '/api/v1/alerts/history?server=gone')).json().history;
      assert.equal(fired.history_id, history[0].id, 'linked to its history entry');

      // Disabling the server resolves the alert: a second notification, newest first.
      await api('POST', '/api/v1/servers/gone/disable', { minutes: 60 });
      const both = await waitFor('the resolved notification', async () => {
        const l = await list();
        return l.notifications.length === 2 ? l : undefined;
      });
      assert.deepEqual(
        both.notifications.map((n) => n.message.state),
        ['resolved', 'firing'],
      );
      assert.equal(both.unread, 2);

      const one = await api('POST', '/api/v1/notifications/read', { ids: [fired.id] });
      assert.equal(one.statusCode, 200, one.body);
      assert.deepEqual(one.json(), { marked: 1, unread: 1 });
      assert.equal((await list()).notifications.find((n) => n.id === fired.id)?.read, true);

      // Read state survives a restart.
      const target = h.target;
      await h.stop();
      h = await startHarness({ target, settings: { alert_evaluation_interval: 1 } });
      const again = await list();
      assert.equal(again.notifications.length, 2);
      assert.deepEqual(
        again.notifications.map((n) => n.read),
        [false, true],
      );
      assert.deepEqual((await api('POST', '/api/v1/notifications/read', { all: true })).json(), {
        marked: 1,
        unread: 0,
      });
      assert.ok((await list()).notifications.every((n) => n.read));
    });

    test("a dashboard channel's test notification is kept too; bad bodies name the problem", async () => {
      const channel = await api('POST', '/api/v1/alerts/channels', {
        name: 'bell',
        kind: 'dashboard',
        config: {},
      });
      assert.equal(channel.statusCode, 201, channel.body);
      const sent = await api('POST', `/api/v1/alerts/channels/${channel.json().id}/test`);
      assert.equal(sent.json().ok, true, sent.body);
      const { notifications, unread } = await list();
      assert.equal(notifications[0]?.history_id, null);
      assert.equal(notifications[0]?.read, false);
      assert.ok(unread >= 1);
      for (const body of [{}, { ids: [] }, { ids: [1], all: true }, { all: false }, { ids: ['x'] }]) {
        const res = await api('POST', '/api/v1/notifications/read', body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      }
      assert.equal((await api('GET', '/api/v1/notifications?limit=0')).statusCode, 400);
      assert.equal((await api('GET', '/api/v1/notifications?limit=1')).json().notifications.length, 1);
    });
  });
